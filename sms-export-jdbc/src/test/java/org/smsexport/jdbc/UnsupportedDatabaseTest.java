package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.smsexport.ExportException;
import org.smsexport.test.UnsupportedDatabase;

/** A database the library does not support is refused at start with one message naming it and the supported ones. */
class UnsupportedDatabaseTest {

    @Test
    void everyStoreAndTheSourceNameTheProductAndTheSupportedList() {
        DataSource db = UnsupportedDatabase.of("Oracle", "Oracle Database 23ai");
        for (Executable start : List.<Executable>of(() -> JdbcJobStore.create(db), () -> JdbcTemplateStore.create(db),
                () -> JdbcAuditSink.create(db), () -> JdbcDataSource.of(db).checkSchema(), () -> SmsSchema.standard().create(db))) {
            assertThatThrownBy(start::execute).isInstanceOf(ExportException.class)
                    .hasMessageContaining("sms-export does not support Oracle Oracle Database 23ai")
                    .hasMessageContaining("Supported databases: H2").hasMessageContaining("PostgreSQL").hasMessageContaining("MariaDB")
                    .hasMessageContaining("SQLite");
        }
    }
}
