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
 * to three seconds before such an error is reported.
 */
final class SharedH2 implements DataSource {

    private static final java.util.Set<String> TRANSIENT = java.util.Set.of("90020", "90067", "08000");

    private final DataSource db;

    SharedH2(DataSource db) {
        this.db = db;
    }

    @Override
    public Connection getConnection() throws SQLException {
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
