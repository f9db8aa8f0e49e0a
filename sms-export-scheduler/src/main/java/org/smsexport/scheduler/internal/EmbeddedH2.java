package org.smsexport.scheduler.internal;

import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The scheduler's default database when the host gives none: an H2 file, through H2's own {@code DataSource}.
 * H2 is an optional dependency of the scheduler, so it is looked up by name, and its absence is a clear error
 * naming the artifact rather than a "No suitable driver" at the first query.
 */
public final class EmbeddedH2 {

    /** The artifact to add. */
    static final String ARTIFACT = "com.h2database:h2";
    private static final String DATA_SOURCE = "org.h2.jdbcx.JdbcDataSource";

    private EmbeddedH2() {
    }

    /**
     * @param dir where the {@code scheduler.mv.db} file goes
     * @return the data source
     * @throws IllegalStateException when H2 is not on the class path
     */
    public static DataSource in(Path dir) {
        return in(dir, DATA_SOURCE);
    }

    /** @param className H2's data source class (tests give one that does not exist) */
    static DataSource in(Path dir, String className) {
        // AUTO_SERVER lets several processes (a `scheduler run` and a `schedule add`) share the file
        String url = "jdbc:h2:file:" + dir.resolve("scheduler").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        try {
            Class<?> type = Class.forName(className);
            Object ds = type.getConstructor().newInstance();
            type.getMethod("setURL", String.class).invoke(ds, url);
            type.getMethod("setUser", String.class).invoke(ds, "sa");
            type.getMethod("setPassword", String.class).invoke(ds, "");
            return (DataSource) ds;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("The scheduler was given no DataSource and H2, its default database, is not on the "
                    + "class path: add " + ARTIFACT + " (run time), or pass the host's database with "
                    + "ExportScheduler.builder(exports).dataSource(...).", e);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("H2's " + className + " could not be set up: " + e, e);
        }
    }
}
