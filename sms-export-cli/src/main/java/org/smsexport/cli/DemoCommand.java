package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.ExportFormat;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcUrls;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Builds (once) an embedded H2 database of sample data and exports students, courses and grades to every format. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Create a sample SMS database (first run) and export students, courses and grades to every format.")
final class DemoCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "10000", description = "Students in a new database (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--dir", defaultValue = "sms-export-demo", description = "Where the database and exports go (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "Fill this database instead of the embedded H2 one (the SMS "
            + "tables are created when missing), e.g. jdbc:postgresql://localhost/sms.")
    String dbUrl;

    @Option(names = "--user", description = "Database user, with --db.")
    String user;

    @Option(names = "--password", description = "Database password, with --db.", arity = "0..1", interactive = true)
    String password;

    /** @return the JDBC URL of the demo database in a directory */
    static String url(Path dir, boolean mustExist) {
        return "jdbc:h2:file:" + dir.resolve("db").resolve("sms").toAbsolutePath() + (mustExist ? ";IFEXISTS=TRUE" : "")
                // a running 'scheduler run' or 'serve' and another command may use the file at once
                + ";AUTO_SERVER=TRUE" + DatabaseOptions.H2_DURABLE;
    }

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(dir);
        DataSource db;
        if (dbUrl != null) {
            db = JdbcDataSource.driverManager(dbUrl, user, password);
        } else {
            // personal data: the database's folder and files are the owner's only, whatever the umask
            DatabaseOptions.ownerOnly(dir.resolve("db"));
            db = JdbcDataSource.driverManager(url(dir, false), "sa", "");
        }
        long existing = students(db);
        if (dbUrl == null) {
            DatabaseOptions.ownerOnly(dir.resolve("db"));
        }
        Object where = dbUrl != null ? JdbcUrls.mask(dbUrl) : dir.resolve("db");
        if (existing == 0) {
            if (!json) {
                err.printf(Locale.ROOT, "Creating the demo database with %,d students in %s …%n", rows, where);
            }
            long t0 = System.nanoTime();
            SampleData.Counts c = SampleData.load(db, SmsSchema.standard(), rows);
            if (!json) {
                err.printf(Locale.ROOT, "Loaded %,d students, %,d courses, %,d grades, %,d enrollments, %,d attendance rows in %.1f s%n",
                        c.students(), c.courses(), c.grades(), c.enrollments(), c.attendance(), (System.nanoTime() - t0) / 1e9);
            }
        } else if (!json) {
            err.printf(Locale.ROOT, "Reusing the demo database in %s (%,d students)%n", where, existing);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        boolean allOk = true;
        try (ExportService exports = DatabaseOptions.jobsIn(db).dataSource(JdbcDataSource.of(db))
                .outputDirectory(dir.resolve("exports")).maxRecords(0).build()) {
            for (String type : List.of("students", "courses", "grades")) {
                for (ExportFormat format : exports.formats()) {
                    ExportOutcome o = runWithProgress(exports, ExportRequest.builder().type(type).format(format.id()).owner("demo")
                            .build(), err);
                    allOk &= ok(o);
                    Map<String, Object> r = result(o, exports.storage());
                    results.add(r);
                    if (json) {
                        printJson(out, r);
                    }
                }
            }
        }
        if (!json) {
            Table.print(out, results);
        }
        return allOk ? 0 : Main.FAILED;
    }

    private static long students(DataSource db) throws SQLException {
        try (Connection c = db.getConnection()) {
            // ask the catalogue first: a failing query would leave an H2 trace file beside the database
            boolean found = false;
            for (String name : List.of("STUDENTS", "students")) {
                try (ResultSet t = c.getMetaData().getTables(null, null, name, null)) {
                    found |= t.next();
                }
            }
            if (!found) {
                return 0;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM students")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
