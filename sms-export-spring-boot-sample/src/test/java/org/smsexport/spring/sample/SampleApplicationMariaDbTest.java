package org.smsexport.spring.sample;

import java.sql.SQLException;
import org.smsexport.test.MariaDbServer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same checks with the sample's database on a real MariaDB server, started by the test. */
class SampleApplicationMariaDbTest extends SampleApplicationTest {

    @DynamicPropertySource
    static void mariadb(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> {
            try {
                return MariaDbServer.get().freshDatabase();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        r.add("spring.datasource.username", () -> "root");
        r.add("spring.datasource.password", () -> "");
        r.add("sms.export.output-dir", () -> dir.resolve("mariadb-exports").toString());
    }
}
