package org.smsexport.spring.sample;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same checks with the sample's database in a SQLite file, the original SMS's default database. */
class SampleApplicationSqliteTest extends SampleApplicationTest {

    @DynamicPropertySource
    static void sqlite(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> "jdbc:sqlite:" + dir.resolve("sample.db"));
        r.add("spring.datasource.username", () -> "");
        r.add("spring.datasource.password", () -> "");
        r.add("sms.export.output-dir", () -> dir.resolve("sqlite-exports").toString());
    }
}
