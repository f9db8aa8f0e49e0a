package org.smsexport.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import picocli.CommandLine.Option;

/** {@code --db}, {@code --user}, {@code --password}: any JDBC database, the demo's by default. */
final class DatabaseOptions {

    /**
     * How stale another process's running job must be before a command that opens the database's
     * {@code export_jobs} fails it as abandoned: {@code serve}, {@code scheduler run} and {@code schedule …} may
     * run side by side on one database, and running jobs refresh their heartbeat every 10 seconds.
     */
    private static final java.time.Duration RECOVERY_GRACE = java.time.Duration.ofMinutes(1);

    /** Where the demo keeps its database and exports. */
    static final Path DEMO = Path.of("sms-export-demo");

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "The database (default: the demo database in sms-export-demo).")
    String url;

    @Option(names = "--user", description = "Database user.")
    String user;

    @Option(names = "--password", description = "Database password.", arity = "0..1", interactive = true)
    String password;

    /** @return whether no {@code --db} was given, so the demo database is meant */
    boolean demo() {
        return url == null;
    }

    /**
     * @return the database named by the options, or the demo's
     * @throws InvalidRequestException when no {@code --db} was given and there is no demo database
     */
    DataSource open() {
        if (url != null) {
            DataSource db = JdbcDataSource.driverManager(url, user, password);
            return url.startsWith("jdbc:h2:") && url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER=TRUE") ? new SharedH2(db) : db;
        }
        if (!Files.exists(DEMO.resolve("db").resolve("sms.mv.db"))) {
            throw new InvalidRequestException("No --db given and no demo database in " + DEMO.toAbsolutePath()
                    + ". Run 'sms-export demo' first, or pass --db JDBC_URL.");
        }
        return new SharedH2(JdbcDataSource.driverManager(DemoCommand.url(DEMO, true), "sa", ""));
    }

    /**
     * @param db the database
     * @return a service builder whose jobs live in the database's {@code export_jobs}, shared with the other
     *         commands that may run beside this one ({@link #RECOVERY_GRACE})
     */
    static ExportService.Builder jobsIn(DataSource db) {
        return ExportService.builder().jobStore(JdbcJobStore.create(db)).recoveryGrace(RECOVERY_GRACE);
    }

    /**
     * @param out the {@code --out} option, or {@code null}
     * @return where exports go: {@code --out}, else the demo's directory for the demo database, else {@code data/exports}
     */
    Path exportsDir(Path out) {
        return out != null ? out : demo() ? DEMO.resolve("exports") : Path.of("data/exports");
    }
}
