package org.smsexport.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.SmsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A bare JDBC read of the students query against the full CSV export from the same database: embedded PostgreSQL or an H2 file. */
@Command(name = "jdbc", mixinStandardHelpOptions = true,
        description = "Bare JDBC read of the students query vs the full CSV export, on embedded PostgreSQL or an H2 file.")
final class JdbcCommand implements Callable<Integer> {

    private static final String SQL = "SELECT st.id, st.student_id, st.first_name, st.last_name, st.father_name, st.email, "
            + "st.mobile_phone, st.phone, st.study_year, st.academic_year, st.class_division, st.enrollment_date, "
            + "CASE WHEN st.is_active THEN 'active' ELSE 'inactive' END FROM students st WHERE st.deleted_at IS NULL ORDER BY st.id";

    @Option(names = "--rows", defaultValue = "1000000", description = "Students (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--runs", defaultValue = "3", description = "Measured pairs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--database", defaultValue = "postgresql", description = "postgresql (embedded), h2 (a file database) or "
            + "mariadb (a server started from the machine's mariadbd) (default ${DEFAULT-VALUE}).")
    String database;

    /** Rows per second of the bare read and of our export. */
    /**
     * @param bareRowsPerSecond   a bare JDBC read touching every value
     * @param exportRowsPerSecond our CSV export, end to end
     * @param copyRowsPerSecond   PostgreSQL's own {@code COPY (…) TO STDOUT (FORMAT csv)} into a null sink ({@code NaN} on H2)
     */
    record Result(double bareRowsPerSecond, double exportRowsPerSecond, double copyRowsPerSecond) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("sms-export-jdbc");
        Result r = switch (database) {
            case "h2" -> h2(rows, runs, dir);
            case "mariadb" -> mariadb(rows, runs);
            case "postgresql" -> postgres(rows, runs);
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--database " + database
                    + " is not one of postgresql, h2, mariadb");
        };
        System.out.printf(Locale.ROOT, "{\"database\":\"%s\",\"rows\":%d,\"bare_read_rows_per_second\":%d,\"export_rows_per_second\":%d,"
                + "\"ratio\":%.2f,\"raw_copy_csv_rows_per_second\":%d,\"ratio_to_copy\":%.2f}%n", database, rows,
                Math.round(r.bareRowsPerSecond()), Math.round(r.exportRowsPerSecond()), r.exportRowsPerSecond() / r.bareRowsPerSecond(),
                Double.isNaN(r.copyRowsPerSecond()) ? 0 : Math.round(r.copyRowsPerSecond()), r.exportRowsPerSecond() / r.copyRowsPerSecond());
        Workloads.deleteTree(dir);
        return 0;
    }

    /** On an embedded PostgreSQL filled with {@code rows} students. */
    static Result postgres(int rows, int runs) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource db = pg.getPostgresDatabase();
            fill(db, "SELECT g, 'STU' || lpad(g::text, 6, '0'), "
                    + "(ARRAY['Γιώργος','Μαρία','Ελένη','Nikos','Zoë'])[1 + g % 5], (ARRAY['Παπαδόπουλος','Georgiou','Οικονόμου'])"
                    + "[1 + g % 3], 'Δημήτρης', 'student' || g || '@uni.example.edu', '69' || (10000000 + g), 1 + g % 4, "
                    + "'2025-2026', 'A1', DATE '2021-09-01' + (g % 1500), g % 10 <> 0 FROM generate_series(1, " + rows + ") g",
                    "ANALYZE students");
            return compareInTemporaryDirectory(db, rows, runs, true);
        }
    }

    /** Creates the SMS schema and fills the students table from the database's own row generator. */
    private static void fill(DataSource db, String select, String... after) throws Exception {
        SmsSchema.standard().create(db);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO students (id, student_id, first_name, last_name, father_name, email, mobile_phone, study_year, "
                    + "academic_year, class_division, enrollment_date, is_active) " + select);
            for (String sql : after) {
                s.execute(sql);
            }
        }
    }

    private static Result compareInTemporaryDirectory(DataSource db, int rows, int runs, boolean postgres) throws Exception {
        Path dir = Files.createTempDirectory("sms-export-jdbc");
        try {
            return compare(db, rows, runs, dir, postgres);
        } finally {
            Workloads.deleteTree(dir);
        }
    }

    /**
     * On a MariaDB server started for the run (the test kit's {@link org.smsexport.test.MariaDbServer}, from the machine's
     * {@code mariadbd}) filled with {@code rows} students; MariaDB has no {@code COPY}: its result rows are the only way out.
     */
    static Result mariadb(int rows, int runs) throws Exception {
        org.smsexport.test.MariaDbServer server = org.smsexport.test.MariaDbServer.require();
        DataSource db = JdbcDataSource.driverManager(server.freshDatabase(), "root", "");
        fill(db, "SELECT seq, CONCAT('STU', LPAD(seq, 6, '0')), "
                + "ELT(1 + seq % 5, 'Γιώργος', 'Μαρία', 'Ελένη', 'Nikos', 'Zoë'), ELT(1 + seq % 3, 'Παπαδόπουλος', 'Georgiou', "
                + "'Οικονόμου'), 'Δημήτρης', CONCAT('student', seq, '@uni.example.edu'), CONCAT('69', 10000000 + seq), 1 + seq % 4, "
                + "'2025-2026', 'A1', DATE '2021-09-01' + INTERVAL (seq % 1500) DAY, seq % 10 <> 0 FROM seq_1_to_" + rows);
        return compareInTemporaryDirectory(db, rows, runs, false);
    }

    /** On an H2 file database in {@code dir} filled with {@code rows} students, as the CLI's demo database is. */
    static Result h2(int rows, int runs, Path dir) throws Exception {
        DataSource db = h2Database(rows, dir.resolve("h2-" + System.nanoTime()));
        Path out = Files.createDirectories(dir.resolve("h2-out-" + System.nanoTime()));
        return compare(db, rows, runs, out, false);
    }

    private static DataSource h2Database(int rows, Path where) throws Exception {
        Files.createDirectories(where);
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:file:" + where.resolve("sms").toAbsolutePath() + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        fill(db, "SELECT X, 'STU' || LPAD(CAST(X AS VARCHAR), 6, '0'), "
                + "CASE MOD(X, 5) WHEN 0 THEN 'Γιώργος' WHEN 1 THEN 'Μαρία' WHEN 2 THEN 'Ελένη' WHEN 3 THEN 'Nikos' ELSE 'Zoë' END, "
                + "CASE MOD(X, 3) WHEN 0 THEN 'Παπαδόπουλος' WHEN 1 THEN 'Georgiou' ELSE 'Οικονόμου' END, 'Δημήτρης', "
                + "'student' || X || '@uni.example.edu', '69' || (10000000 + X), 1 + MOD(X, 4), '2025-2026', 'A1', "
                + "DATEADD('DAY', MOD(X, 1500), DATE '2021-09-01'), MOD(X, 10) <> 0 FROM SYSTEM_RANGE(1, " + rows + ")");
        return db;
    }

    /** Seconds from submitting a CSV export of {@code rows} H2 students until its first rows are written. */
    static double firstProgressH2(int rows, Path dir) throws Exception {
        DataSource db = h2Database(rows, dir.resolve("h2p-" + System.nanoTime()));
        Path out = Files.createDirectories(dir.resolve("h2p-out-" + System.nanoTime()));
        try (ExportService service = Workloads.service(JdbcDataSource.of(db), out, true)) {
            long t0 = System.nanoTime();
            org.smsexport.JobId id = service.submit(org.smsexport.ExportRequest.builder().type(ExportType.STUDENTS).format("csv")
                    .build()).id();
            while (true) {
                org.smsexport.ExportJob j = service.job(id).orElseThrow();
                if (j.totalRecords() > 0 || j.status().isTerminal()) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    service.completion(id).join();
                    return s;
                }
                Thread.sleep(5);
            }
        }
    }

    private static Result compare(DataSource db, int rows, int runs, Path dir, boolean postgres) throws Exception {
        Stats bare = new Stats();
        Stats ours = new Stats();
        Stats copy = new Stats();
        try (ExportService service = Workloads.service(JdbcDataSource.of(db), dir, true)) {
            for (int i = 0; i < runs + 1; i++) {
                long t0 = System.nanoTime();
                long n = bareRead(db);
                long t1 = System.nanoTime();
                long bytes = Workloads.ours(service, ExportType.STUDENTS, "csv");
                long t2 = System.nanoTime();
                if (n != rows) {
                    throw new IllegalStateException("read " + n + " rows, expected " + rows);
                }
                long copied = postgres ? copyCsv(db) : 0;
                long t3 = System.nanoTime();
                if (i > 0) {
                    bare.add(t1 - t0, 0);
                    ours.add(t2 - t1, bytes);
                    if (postgres) {
                        copy.add(t3 - t2, copied);
                    }
                }
            }
        }
        return new Result(rows / bare.median(), rows / ours.median(), postgres ? rows / copy.median() : Double.NaN);
    }

    /** The server's own CSV of the same query, through pgjdbc's CopyManager into a sink that only counts: the physical anchor. */
    private static long copyCsv(DataSource db) throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            long[] bytes = new long[1];
            java.io.OutputStream sink = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes[0] += len;
                }
            };
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY (" + SQL + ") TO STDOUT (FORMAT csv)", sink);
            c.rollback();
            return bytes[0];
        }
    }


    /** Reads every column of every row with the JDBC getters, as the data source does, and nothing more. */
    private static long bareRead(DataSource db) throws Exception {
        long n = 0;
        long sink = 0;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                ps.setFetchSize(1_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink += rs.getLong(1);
                        for (int i = 2; i <= 13; i++) {
                            if (i == 9) {
                                sink += rs.getLong(i);
                            } else if (i == 12) {
                                LocalDate d = rs.getObject(i, LocalDate.class);
                                sink += d == null ? 0 : d.getDayOfMonth();
                            } else {
                                String s = rs.getString(i);
                                sink += s == null ? 0 : s.length();
                            }
                        }
                        n++;
                    }
                }
            }
            c.rollback();
        }
        if (sink == 42) {
            System.out.print("");
        }
        return n;
    }
}
