package org.smsexport.spring.sample;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same checks with the sample's database on a real PostgreSQL server, started by the test. */
class SampleApplicationPostgresqlTest extends SampleApplicationTest {

    private static EmbeddedPostgres postgres;

    @DynamicPropertySource
    static void postgresql(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> server().getJdbcUrl("postgres", "postgres"));
        r.add("spring.datasource.username", () -> "postgres");
        r.add("spring.datasource.password", () -> "");
        r.add("sms.export.output-dir", () -> dir.resolve("pg-exports").toString());
    }

    static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    // the JVM is ending
                }
            }));
        }
        return postgres;
    }
}
