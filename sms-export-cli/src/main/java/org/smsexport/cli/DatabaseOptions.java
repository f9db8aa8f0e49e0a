package org.smsexport.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import picocli.CommandLine.Option;

/**
 * {@code --db}, {@code --user}, {@code --password} and {@code --out}, resolved the same way by every command:
 * the demo database and its export folder when no {@code --db} is given and the demo exists; otherwise
 * {@code --db} is required and exports go to {@code --out}, else {@code EXPORT_OUTPUT_DIR}, else
 * {@code ./data/exports}. The metrics file is always the one in that folder. Services read the seed's
 * {@code EXPORT_*} variables from the environment; flags override them.
 */
final class DatabaseOptions {

    /**
     * How stale another process's running job must be before a command that opens the database's
     * {@code sms_export_jobs} fails it as abandoned: {@code serve}, {@code scheduler run} and {@code schedule …} may
     * run side by side on one database, and running jobs refresh their heartbeat every 10 seconds.
     */
    private static final java.time.Duration RECOVERY_GRACE = org.smsexport.core.ExportConfig.SHARED_STORE_RECOVERY_GRACE;

    /** Where the demo keeps its database and exports. */
    static final Path DEMO = Path.of("sms-export-demo");

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "The database (default: the demo database in sms-export-demo).")
    String url;

    @Option(names = "--user", description = "Database user.")
    String user;

    @Option(names = "--password", description = "Database password.", arity = "0..1", interactive = true)
    String password;

    @Option(names = "--schema-map", paramLabel = "FILE", description = "A properties file naming the host's tables and columns where "
            + "they differ from the SMS's (students.table = pupils, students.first_name = given_name); default EXPORT_SCHEMA_MAP.")
    String schemaMap;

    @Option(names = "--out", paramLabel = "DIR", description = "Where exports are (default: the demo's with the demo database, else "
            + "EXPORT_OUTPUT_DIR, else data/exports).")
    String out;

    /**
     * Added to an embedded H2 file URL: H2 writes commits behind by 500 ms by default, and a kill -9 in that window
     * lost jobs we had already answered 202 for (3 of 4 running jobs in a test). Written at each commit, a commit
     * costs about 0.1 ms more (2,000 single-row commits: 0.20 s instead of 0.02 s), a few per job.
     */
    static final String H2_DURABLE = ";WRITE_DELAY=0";

    /** The process environment, replaceable by tests. */
    static Map<String, String> environment = System.getenv();

    private static boolean demoExists() {
        return Files.exists(DEMO.resolve("db").resolve("sms.mv.db"));
    }

    /** @return whether the demo database is meant: no {@code --db}, and the demo exists */
    boolean demo() {
        return url == null && demoExists();
    }

    /**
     * @return the database named by the options, or the demo's
     * @throws InvalidRequestException when no {@code --db} was given and there is no demo database, or an H2
     *                                 file database named does not exist (it is never created here)
     */
    DataSource open() {
        return open(false);
    }

    /**
     * @param allowNew whether a SQLite file that does not exist yet may be created ({@code demo --db})
     * @return the database named by the options, or the demo's
     */
    DataSource open(boolean allowNew) {
        if (url != null) {
            String u = url;
            if (u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:mem:") && !u.startsWith("jdbc:h2:tcp:") && !u.startsWith("jdbc:h2:ssl:")) {
                Path file = h2File(u);
                if (file != null && !Files.exists(file)) {
                    throw new InvalidRequestException("No H2 database at " + file.toAbsolutePath() + ". Create the demo database "
                            + "with 'sms-export demo --dir DIR', or give --db the URL of an existing database.");
                }
                if (!u.toUpperCase(Locale.ROOT).contains("IFEXISTS=")) {
                    u += ";IFEXISTS=TRUE"; // a typo must not create an empty database
                }
                if (!u.toUpperCase(Locale.ROOT).contains("WRITE_DELAY=")) {
                    u += H2_DURABLE;
                }
            }
            if (u.startsWith("jdbc:sqlite:") && !allowNew) {
                Path file = sqliteFile(u);
                if (file != null && !Files.exists(file)) {
                    // SQLite makes an empty database of any name it is given: a typo must not
                    throw new InvalidRequestException("No SQLite database at " + file.toAbsolutePath() + ". Give --db the URL of an "
                            + "existing database (jdbc:sqlite:/path/to/sms.db), or create one with 'sms-export demo --db URL'.");
                }
            }
            DataSource db = pooled(u) ? Pools.of(u, user, password) : JdbcDataSource.driverManager(u, user, password);
            return u.startsWith("jdbc:h2:") && u.toUpperCase(Locale.ROOT).contains("AUTO_SERVER=TRUE") ? new SharedH2(db) : db;
        }
        if (!demoExists()) {
            throw new InvalidRequestException("No --db given and no demo database in " + DEMO.toAbsolutePath()
                    + ". Run 'sms-export demo' first, or pass --db JDBC_URL.");
        }
        return new SharedH2(JdbcDataSource.driverManager(DemoCommand.url(DEMO, true), "sa", ""));
    }

    /** @return whether connections to this database are kept in a pool: the client-server databases, where a connection is costly */
    private static boolean pooled(String url) {
        return url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:");
    }

    /** @return the file a SQLite URL names, or {@code null} for an in-memory database */
    private static Path sqliteFile(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        String name = q < 0 ? rest : rest.substring(0, q);
        if (name.isEmpty() || name.equals(":memory:") || name.startsWith("file::memory:")) {
            return null;
        }
        try {
            return Path.of(name.startsWith("file:") ? name.substring("file:".length()) : name);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** @return the {@code .mv.db} file an embedded H2 URL names, or {@code null} when it names none */
    private static Path h2File(String url) {
        String rest = url.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int semi = rest.indexOf(';');
        String name = semi < 0 ? rest : rest.substring(0, semi);
        if (name.isEmpty() || name.startsWith("zip:") || name.startsWith("nio")) {
            return null;
        }
        try {
            return Path.of((name.startsWith("~") ? System.getProperty("user.home") + name.substring(1) : name) + ".mv.db");
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * @return where exports are: {@code --out}, else {@code EXPORT_OUTPUT_DIR}, else the demo's folder with the demo
     *         database, else {@code data/exports}; not created here
     * @throws InvalidRequestException when {@code --out} is empty or names a file
     */
    Path exportsDir() {
        Path dir;
        if (out != null) {
            if (out.isBlank()) {
                throw new InvalidRequestException("--out must name a directory, got an empty value.");
            }
            try {
                dir = Path.of(out);
            } catch (InvalidPathException e) {
                throw new InvalidRequestException("--out '" + out + "' is not a valid path: " + e.getReason() + ".");
            }
        } else if (environment.get("EXPORT_OUTPUT_DIR") != null && !environment.get("EXPORT_OUTPUT_DIR").isBlank()) {
            dir = Path.of(environment.get("EXPORT_OUTPUT_DIR"));
        } else {
            dir = demo() ? DEMO.resolve("exports") : Path.of("data/exports");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidRequestException((out != null ? "--out " : "The export folder ") + dir + " is a file, not a directory.");
        }
        return dir;
    }

    /**
     * @param db the database
     * @return the SMS source over it, with the tables and columns {@code --schema-map} (else {@code EXPORT_SCHEMA_MAP}) names
     * @throws InvalidRequestException when the mapping file is missing or names what the SMS does not have
     */
    JdbcDataSource source(DataSource db) {
        String file = schemaMap != null ? schemaMap : environment.get("EXPORT_SCHEMA_MAP");
        if (file == null || file.isBlank()) {
            return JdbcDataSource.of(db);
        }
        return JdbcDataSource.of(db, org.smsexport.jdbc.SmsSchema.load(Path.of(file.strip())), 1_000);
    }

    /** @return the metrics file in the export folder */
    Path metricsFile() {
        return exportsDir().resolve("metrics.jsonl");
    }

    /**
     * @return the seed's {@code EXPORT_*} settings from the environment
     * @throws InvalidRequestException naming every bad value
     */
    static ExportConfig environmentConfig() {
        return ExportConfig.from(environment);
    }

    /**
     * @param db the database
     * @return a service builder with the environment's settings, whose jobs live in the database's
     *         {@code sms_export_jobs}, shared with the other commands that may run beside this one ({@link #RECOVERY_GRACE}),
     *         writing to {@link #exportsDir()}
     */
    ExportService.Builder service(DataSource db) {
        return jobsIn(db).outputDirectory(exportsDir());
    }

    /**
     * @param db the database
     * @return a service builder with the environment's settings and the database's {@code sms_export_jobs}
     */
    static ExportService.Builder jobsIn(DataSource db) {
        String prefix = org.smsexport.support.OwnTables.prefix(environment);
        JdbcJobStore jobs = JdbcJobStore.withPrefix(db, prefix);
        ExportService.Builder b = ExportService.builder().config(environment).jobStore(jobs).sharedDatabase(db).auditSink(jobs.auditSink())
                .templateStore(org.smsexport.jdbc.JdbcTemplateStore.withPrefix(db, prefix));
        // the shared store's grace unless the environment sets one (EXPORT_RECOVERY_GRACE_SECONDS keeps its meaning)
        return environment.containsKey("EXPORT_RECOVERY_GRACE_SECONDS") ? b : b.recoveryGrace(RECOVERY_GRACE);
    }

    /**
     * Makes a directory of personal data private: created {@code rwx------} (or narrowed to it), and every file in
     * it {@code rw-------}, so a database H2 created with the process's umask is not readable by others.
     *
     * @param dir the directory
     * @throws IOException when it cannot be created or narrowed
     */
    static void ownerOnly(Path dir) throws IOException {
        boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
        }
        if (!posix) {
            return;
        }
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
            }
        }
    }

    /**
     * @param dir a folder a command is about to use
     * @return the outermost of it and its parents that does not exist yet (what the command would create), or
     *         {@code null} when the folder exists
     */
    static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /**
     * Removes the export folder, and the parents the command created for it, when the command left nothing in it
     * but its own bookkeeping (the metrics file, the link secret): a command that fails must not leave anything
     * behind, and never removes a folder that was there before it.
     *
     * @param dir     the folder
     * @param created {@link #firstMissing(Path)} before the command, or {@code null}
     */
    static void removeIfCreated(Path dir, Path created) {
        if (created == null || !Files.isDirectory(dir)) {
            return;
        }
        try {
            List<Path> inside;
            try (var s = Files.list(dir)) {
                inside = s.toList();
            }
            if (inside.stream().anyMatch(p -> !p.getFileName().toString().equals("metrics.jsonl")
                    && !p.getFileName().toString().startsWith(".link-secret") && !p.getFileName().toString().startsWith(".audit-"))) {
                return;
            }
            for (Path p : inside) {
                Files.deleteIfExists(p);
            }
            for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(created); p = p.getParent()) {
                try (var s = Files.list(p)) {
                    if (s.findAny().isPresent()) {
                        return;
                    }
                }
                Files.delete(p);
            }
        } catch (IOException e) {
            // best effort: the error message matters more
        }
    }
}
