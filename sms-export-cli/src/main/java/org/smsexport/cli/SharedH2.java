package org.smsexport.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * An embedded H2 database several commands share ({@code AUTO_SERVER}): while one process is opening or
 * closing the file, another can for a moment be told it is locked (90020), that the server in the lock file
 * refuses connections (90067) or that the lock file was just modified (08000). Connections are retried for up
 * to three seconds before such an error is reported. Each process also keeps one connection open while it runs: H2
 * closes a database with its last connection, and the next open of the file then waits on H2's file lock (seconds,
 * in every process at once) — with a worker, a server and the commands beside them that made every operation slow.
 */
final class SharedH2 implements DataSource {

    private static final java.util.Set<String> TRANSIENT = java.util.Set.of("90020", "90067", "08000");

    private final DataSource db;
    private Connection keeper;
    private long checkedAt;

    SharedH2(DataSource db) {
        this.db = db;
    }

    /** Holds one connection open, so the database stays open while this process uses it; checked every 5 s. */
    private synchronized void keepOpen() {
        long now = System.nanoTime();
        if (keeper != null && now - checkedAt < 5_000_000_000L) {
            return;
        }
        checkedAt = now;
        try {
            if (keeper == null || !keeper.isValid(1)) {
                if (keeper != null) {
                    keeper.close();
                }
                keeper = db.getConnection();
            }
        } catch (SQLException e) {
            keeper = null; // the next call tries again; the caller's own connection reports what is wrong
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        keepOpen();
        for (int attempt = 1; ; attempt++) {
            try {
                return db.getConnection();
            } catch (SQLException e) {
                if (!TRANSIENT.contains(e.getSQLState()) || attempt == 15) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return db.getConnection(user, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return db.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        db.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        db.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return db.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return db.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : db.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || db.isWrapperFor(iface);
    }
}
