package org.smsexport.scheduler.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The scheduler's default database when the host gives none: an H2 file, opened through {@link DriverManager}.
 * H2 is an optional dependency of the scheduler, so its absence is a clear error naming the artifact, not a
 * "No suitable driver" at the first query.
 */
public final class EmbeddedH2 implements DataSource {

    /** The artifact to add. */
    static final String ARTIFACT = "com.h2database:h2";

    private final String url;

    private EmbeddedH2(String url) {
        this.url = url;
    }

    /**
     * @param dir where the {@code scheduler.mv.db} file goes
     * @return the data source
     * @throws IllegalStateException when no H2 driver is on the class path
     */
    public static DataSource in(Path dir) {
        return in(dir, "jdbc:h2:");
    }

    /** @param probe the URL prefix whose driver must be present (tests give one that no driver takes) */
    static DataSource in(Path dir, String probe) {
        try {
            DriverManager.getDriver(probe);
        } catch (SQLException e) {
            throw new IllegalStateException("The scheduler was given no DataSource and H2, its default database, is not on the "
                    + "class path: add " + ARTIFACT + " (run time), or pass the host's database with "
                    + "ExportScheduler.builder(exports).dataSource(...).");
        }
        // AUTO_SERVER lets several processes (a `scheduler run` and a `schedule add`) share the file
        return new EmbeddedH2(probe + "file:" + dir.resolve("scheduler").toAbsolutePath() + ";AUTO_SERVER=TRUE");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager logs nothing of ours
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "EmbeddedH2[" + url + "]";
    }
}
