package org.smsexport.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.smsexport.test.MariaDbServer;

/**
 * The databases the JDBC source reads beside H2 and PostgreSQL: SQLite (a file per database, xerial sqlite-jdbc) and a
 * real MariaDB server started by the tests ({@link MariaDbServer}).
 */
enum MoreDatabases {
    SQLITE, MARIADB;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Path sqliteDir;

    /** @return a new, empty database */
    DataSource fresh() {
        try {
            if (this == SQLITE) {
                synchronized (MoreDatabases.class) {
                    if (sqliteDir == null) {
                        sqliteDir = Files.createTempDirectory("sms-export-sqlite");
                    }
                }
                return JdbcDataSource.driverManager("jdbc:sqlite:" + sqliteDir.resolve("t" + COUNTER.incrementAndGet() + ".db"), null, null);
            }
            return JdbcDataSource.driverManager(MariaDbServer.get().freshDatabase(), "root", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A database kind for a parameterized test over every database: H2, PostgreSQL, SQLite, MariaDB.
     *
     * @param name  the name in the test's report
     * @param fresh makes a new, empty database
     */
    record Db(String name, java.util.function.Supplier<DataSource> fresh) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** @return every database the library runs on, for {@code @MethodSource("org.smsexport.jdbc.MoreDatabases#all")} */
    static java.util.List<Db> all() {
        return java.util.List.of(new Db("H2", Databases.H2::fresh), new Db("PostgreSQL", Databases.POSTGRESQL::fresh),
                new Db("SQLite", SQLITE::fresh), new Db("MariaDB", MARIADB::fresh));
    }
}
