package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.smsexport.spi.DataSource;
import org.smsexport.test.DataSourceContract;

/** The data source contract on both real databases, each test on a database loaded by SampleData. */
class JdbcDataSourceContractTest {

    abstract static class OnDatabase extends DataSourceContract {
        private javax.sql.DataSource db;

        abstract Databases database();

        @Override
        protected DataSource source() {
            db = database().fresh();
            SampleData.load(db, SmsSchema.standard(), STUDENTS);
            return JdbcDataSource.of(db);
        }

        @Override
        protected boolean softDeleteStudent(long id) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE students SET deleted_at = CURRENT_TIMESTAMP WHERE id = " + id);
                return true;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class OnH2 extends OnDatabase {
        @Override
        Databases database() {
            return Databases.H2;
        }
    }

    @Nested
    class OnPostgresql extends OnDatabase {
        @Override
        Databases database() {
            return Databases.POSTGRESQL;
        }
    }
}
