package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.smsexport.spi.DataSource;
import org.smsexport.test.DataSourceContract;

/** The data source contract on every database it reads (H2, PostgreSQL, SQLite, MariaDB), each test on a database loaded by SampleData. */
class JdbcDataSourceContractTest {

    abstract static class OnDatabase extends DataSourceContract {
        private javax.sql.DataSource db;

        abstract javax.sql.DataSource fresh();

        @Override
        protected DataSource source() {
            db = fresh();
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
        javax.sql.DataSource fresh() {
            return Databases.H2.fresh();
        }
    }

    @Nested
    class OnPostgresql extends OnDatabase {
        @Override
        javax.sql.DataSource fresh() {
            return Databases.POSTGRESQL.fresh();
        }
    }

    @Nested
    class OnSqlite extends OnDatabase {
        @Override
        javax.sql.DataSource fresh() {
            return MoreDatabases.SQLITE.fresh();
        }
    }

    @Nested
    class OnMariaDb extends OnDatabase {
        @Override
        javax.sql.DataSource fresh() {
            return MoreDatabases.MARIADB.fresh();
        }
    }
}
