package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.SortKey;
import org.smsexport.core.ExportService;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.RowCursor;

class JdbcDataSourceTest {

    @TempDir
    Path out;

    private static long scalar(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** @return every row the query reads, each value as the cursor gives it */
    static List<Object[]> read(JdbcDataSource source, ExportQuery q) {
        List<Object[]> out = new ArrayList<>();
        try (RowCursor c = source.open(q)) {
            while (c.next()) {
                Object[] r = new Object[q.type().columns().size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = c.get(i);
                }
                out.add(r);
            }
        }
        return out;
    }

    private static List<Object[]> rows(JdbcDataSource source, ExportType type, Map<String, ?> filters, List<SortKey> sort,
            OptionalLong limit) {
        ExportQuery q = new ExportQuery(type, type.parseFilters(filters), limit, sort, Optional.empty());
        List<Object[]> out = read(source, q);
        long count = source.count(q).orElseThrow();
        assertThat(out).as("rows agree with count(), which ignores the limit").hasSize((int) Math.min(count, limit.orElse(count)));
        return out;
    }

    private static List<Object[]> rows(JdbcDataSource source, ExportType type, Map<String, ?> filters) {
        return rows(source, type, filters, List.of(), OptionalLong.empty());
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void readsEveryTypeWithJoinedNamesInIdOrder(Databases database) throws Exception {
        DataSource db = database.fresh();
        SampleData.Counts counts = SampleData.load(db, SmsSchema.standard(), 300);
        JdbcDataSource source = JdbcDataSource.of(db);
        SmsData data = SmsData.of(42, 300, counts.courses());

        List<Object[]> students = rows(source, ExportType.STUDENTS, Map.of());
        assertThat(students).hasSize(300);
        assertThat(students.get(0)).containsExactly(data.row(ExportType.STUDENTS, 0));
        List<Object[]> grades = rows(source, ExportType.GRADES, Map.of());
        assertThat(grades).hasSize((int) counts.grades());
        Object[] expected = data.row(ExportType.GRADES, 17);
        Object[] actual = grades.get(17);
        assertThat(actual[2]).as("student_name joined in").isEqualTo(expected[2]);
        assertThat(actual[3]).as("course_code joined in").isEqualTo(expected[3]);
        assertThat((Double) actual[9]).isCloseTo((Double) expected[9], org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rows(source, ExportType.ENROLLMENTS, Map.of())).hasSize((int) counts.enrollments());
        assertThat(rows(source, ExportType.ATTENDANCE, Map.of())).hasSize((int) counts.attendance());
        assertThat(rows(source, ExportType.COURSES, Map.of())).hasSize((int) counts.courses());
        List<Long> ids = new ArrayList<>();
        grades.forEach(g -> ids.add((Long) g[0]));
        assertThat(ids).isSorted();
        exec(db, "INSERT INTO courses (course_code, course_name) VALUES ('NEW1', 'A course added by the host')");
        assertThat(scalar(db, "SELECT MAX(id) FROM courses")).as("identity moved past the sample ids").isEqualTo(counts.courses() + 1);
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void appliesFiltersAsBindParameters(Databases database) throws Exception {
        DataSource db = database.fresh();
        SampleData.load(db, SmsSchema.standard(), 300);
        JdbcDataSource source = JdbcDataSource.of(db);

        long active = scalar(db, "SELECT COUNT(*) FROM students WHERE is_active");
        assertThat(rows(source, ExportType.STUDENTS, Map.of("status", "Active"))).hasSize((int) active).allMatch(r -> r[12].equals("active"));
        long year2 = scalar(db, "SELECT COUNT(*) FROM students WHERE study_year = 2");
        assertThat(rows(source, ExportType.STUDENTS, Map.of("study_year", "2"))).hasSize((int) year2);
        List<Object[]> papad = rows(source, ExportType.STUDENTS, Map.of("search", "ΠΑΠΑΔ"));
        assertThat(papad).isNotEmpty().allMatch(r -> (r[2] + " " + r[3]).toLowerCase().contains("παπαδ"));
        assertThat(rows(source, ExportType.STUDENTS, Map.of("search", "50%_\\"))).isEmpty();
        long in2023 = scalar(db, "SELECT COUNT(*) FROM students WHERE enrollment_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'");
        assertThat(in2023).as("the sample has students enrolled in 2023").isPositive();
        assertThat(rows(source, ExportType.STUDENTS, Map.of("enrolled_from", "2023-01-01", "enrolled_to", "2023-12-31")))
                .hasSize((int) in2023).allMatch(r -> r[11].toString().startsWith("2023"));
        long course3 = scalar(db, "SELECT COUNT(*) FROM grades WHERE course_id = 3");
        assertThat(rows(source, ExportType.GRADES, Map.of("course_id", 3))).hasSize((int) course3);
        assertThat(rows(source, ExportType.ATTENDANCE, Map.of("status", "late"))).isNotEmpty().allMatch(r -> r[6].equals("Late"));
        assertThat(rows(source, ExportType.COURSES, Map.of("search", "cs1"))).isNotEmpty();
        List<Object[]> sorted = rows(source, ExportType.STUDENTS, Map.of(), List.of(SortKey.parse("-study_year")), OptionalLong.of(10));
        assertThat(sorted).hasSize(10).allMatch(r -> (Long) r[8] == 4L);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void searchesIgnoreCaseAndAccentsAsTheInMemorySourceDoes(MoreDatabases.Db database) throws Exception {
        DataSource db = database.fresh().get();
        SampleData.Counts counts = SampleData.load(db, SmsSchema.standard(), 300);
        JdbcDataSource source = JdbcDataSource.of(db);
        SmsData data = SmsData.of(42, 300, counts.courses());
        org.smsexport.core.InMemoryDataSource memory = org.smsexport.core.InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, () -> data.rows(ExportType.STUDENTS, 300))
                .rows(ExportType.COURSES, () -> data.rows(ExportType.COURSES, counts.courses())).build();
        String[][] searches = {
            {"students", "ελενη"}, {"students", "ΕΛΈΝΗ"}, {"students", "Ελένη"}, {"students", "παπαδοπουλοσ"},
            {"students", "Παπαδόπουλος"}, {"students", "ΠΑΠΑΔΟΠΟΎΛΟΥ"}, {"students", "garcia"}, {"students", "GARCÍA"},
            {"students", "o'brien"}, {"students", "ς"}, {"students", "ι"}, {"students", "@"}, {"students", "%"},
            {"courses", "μαθηματικα"}, {"courses", "ΦΥΣΙΚΉ"}, {"courses", "cs1"}, {"courses", "αρχαια ελλ"},
        };
        for (String[] search : searches) {
            ExportType type = ExportType.builtIn(search[0]).orElseThrow();
            ExportQuery q = new ExportQuery(type, type.parseFilters(Map.of("search", search[1])), OptionalLong.empty(), List.of(),
                    Optional.empty());
            List<Object> expected = ids(memory.open(q));
            assertThat(ids(source.open(q))).as("%s search=%s on %s", search[0], search[1], database).isEqualTo(expected);
            assertThat(source.count(q)).hasValue(expected.size());
            if (!search[1].equals("%") && !search[1].equals("@") && search[1].length() > 2) {
                assertThat(expected).as("%s search=%s finds something", search[0], search[1]).isNotEmpty();
            }
        }
        // a name stored decomposed (e + combining acute) is found as well
        exec(db, "UPDATE students SET first_name = 'Qzxe\u0301' WHERE id = 7");
        assertThat(rows(source, ExportType.STUDENTS, Map.of("search", "qzxé"))).extracting(r -> r[0]).containsExactly(7L);
        assertThat(rows(source, ExportType.STUDENTS, Map.of("search", "QZXE"))).extracting(r -> r[0]).containsExactly(7L);
    }

    private static List<Object> ids(RowCursor c) {
        List<Object> ids = new ArrayList<>();
        try (c) {
            while (c.next()) {
                ids.add(((Number) c.get(0)).longValue());
            }
        }
        return ids;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void neverExportsSoftDeletedRowsOrRowsOfSoftDeletedStudents(MoreDatabases.Db database) throws Exception {
        DataSource db = database.fresh().get();
        SampleData.load(db, SmsSchema.standard(), 100);
        exec(db, "UPDATE students SET deleted_at = CURRENT_TIMESTAMP WHERE id <= 10");
        exec(db, "UPDATE courses SET deleted_at = CURRENT_TIMESTAMP WHERE id = 1");
        JdbcDataSource source = JdbcDataSource.of(db);
        assertThat(rows(source, ExportType.STUDENTS, Map.of())).hasSize(90);
        long visibleGrades = scalar(db, "SELECT COUNT(*) FROM grades WHERE student_id > 10 AND course_id <> 1");
        assertThat(rows(source, ExportType.GRADES, Map.of())).hasSize((int) visibleGrades);
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void exportsThroughExportServiceToCsv(Databases database) throws Exception {
        DataSource db = database.fresh();
        SampleData.load(db, SmsSchema.standard(), 200);
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(out).build()) {
            ExportOutcome outcome = exports.run(ExportRequest.builder().type("grades").format("csv").filter("category", "midterm").build());
            assertThat(outcome).isInstanceOf(ExportOutcome.Completed.class);
            long midterms = scalar(db, "SELECT COUNT(*) FROM grades WHERE category = 'Midterm'");
            assertThat(outcome.job().totalRecords()).isEqualTo(midterms);
            assertThat(Files.readAllLines(((ExportOutcome.Completed) outcome).file())).hasSize((int) midterms + 1);
        }
    }

    @org.junit.jupiter.api.Test
    void streamsFromPostgresqlWithoutLoadingTheResult() throws Exception {
        DataSource db = Databases.POSTGRESQL.fresh();
        SmsSchema.standard().create(db);
        // 400,000 students of ~300 bytes: far more than this 128 MB test heap could hold at once
        exec(db, "INSERT INTO students (id, student_id, first_name, last_name, father_name, email, study_year, academic_year, "
                + "class_division, enrollment_date, is_active) SELECT g, 'STU' || lpad(g::text, 6, '0'), 'Αναστασία-' || g, "
                + "repeat('Παπαδοπούλου', 8), 'Γεώργιος', 'student' || g || '@uni.example.edu', 1 + g % 4, '2025-2026', 'A1', "
                + "DATE '2024-09-01', true FROM generate_series(1, 400000) g");
        JdbcDataSource source = JdbcDataSource.of(db);
        long n = 0;
        long chars = 0;
        try (RowCursor c = source.open(ExportQuery.all(ExportType.STUDENTS))) {
            while (c.next()) {
                n++;
                chars += ((String) c.get(3)).length();
            }
        }
        assertThat(n).isEqualTo(400_000);
        assertThat(chars).isEqualTo(400_000L * 96);
    }

    /** 400,000 students of ~300 bytes from MariaDB and from SQLite in this 128 MB heap: the driver streams them. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(MoreDatabases.class)
    void streamsFromMariaDbAndSqliteWithoutLoadingTheResult(MoreDatabases kind) throws Exception {
        DataSource db = kind.fresh();
        SmsSchema.standard().create(db);
        String columns = "INSERT INTO students (id, student_id, first_name, last_name, father_name, email, study_year, academic_year, "
                + "class_division, enrollment_date, is_active) ";
        String surname = "Παπαδοπούλου".repeat(8);
        if (kind == MoreDatabases.MARIADB) {
            exec(db, columns + "SELECT seq, CONCAT('STU', LPAD(seq, 6, '0')), CONCAT('Αναστασία-', seq), '" + surname + "', 'Γεώργιος', "
                    + "CONCAT('student', seq, '@uni.example.edu'), 1 + seq % 4, '2025-2026', 'A1', DATE '2024-09-01', TRUE "
                    + "FROM seq_1_to_400000");
        } else {
            exec(db, "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 400000) " + columns
                    + "SELECT x, printf('STU%06d', x), 'Αναστασία-' || x, '" + surname + "', 'Γεώργιος', 'student' || x || '@uni.example.edu', "
                    + "1 + x % 4, '2025-2026', 'A1', '2024-09-01', 1 FROM g");
        }
        JdbcDataSource source = JdbcDataSource.of(db);
        long n = 0;
        long chars = 0;
        try (RowCursor c = source.open(ExportQuery.all(ExportType.STUDENTS))) {
            while (c.next()) {
                n++;
                chars += ((String) c.get(3)).length();
            }
        }
        assertThat(n).isEqualTo(400_000);
        assertThat(chars).isEqualTo(400_000L * 96);
    }

    @org.junit.jupiter.api.Test
    void streamsFromAnH2FileDatabaseWithoutATemporaryCopyOfTheResult() throws Exception {
        // MAX_MEMORY_ROWS=100: a materialised result of 1,500 grades would spill to an h2tmp file in java.io.tmpdir
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:file:" + out.resolve("sms").toAbsolutePath() + ";MAX_MEMORY_ROWS=100",
                "sa", "");
        SampleData.load(db, SmsSchema.standard(), 300);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<Path> before = h2TempFiles(tmp);
        JdbcDataSource source = JdbcDataSource.of(db);
        long n = 0;
        try (RowCursor c = source.open(ExportQuery.all(ExportType.GRADES))) {
            assertThat(c.next()).isTrue();
            n++;
            assertThat(h2TempFiles(tmp)).as("no temporary copy of the result").isSubsetOf(before);
            while (c.next()) {
                n++;
            }
        }
        assertThat(n).isEqualTo(1_500);
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = "
                        + "'LAZY_QUERY_EXECUTION'")) {
            // a new connection: the setting is the session's, not the database's
            assertThat(rs.next() ? rs.getString(1) : "FALSE").isEqualToIgnoringCase("FALSE");
        }
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static java.util.Set<Path> h2TempFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("h2tmp")).collect(java.util.stream.Collectors.toSet());
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void handsConnectionsBackAsTheyCameAfterReadsAndFailures(Databases database) throws Exception {
        DataSource fresh = database.fresh();
        SmsSchema.standard().create(fresh);
        Connection shared = fresh.getConnection();
        // one connection handed out again and again, as a pool does: close() only returns it
        DataSource pool = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> m.getName().equals("getConnection") ? java.lang.reflect.Proxy
                        .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (cp, cm, ca) ->
                                cm.getName().equals("close") ? null : invoke(cm, shared, ca)) : invoke(m, fresh, a));
        try {
            JdbcDataSource source = JdbcDataSource.of(pool);
            try (RowCursor c = source.open(ExportQuery.all(ExportType.STUDENTS))) {
                assertThat(c.next()).isFalse();
            }
            assertThat(shared.getAutoCommit()).isTrue();
            assertThat(shared.isReadOnly()).isFalse();
            exec(fresh, "DROP TABLE attendance");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> source.open(ExportQuery.all(ExportType.ATTENDANCE))))
                    .isInstanceOf(org.smsexport.ExportException.class);
            assertThat(shared.getAutoCommit()).isTrue();
            assertThat(shared.isReadOnly()).isFalse();
            try (Statement s = shared.createStatement()) {
                s.execute("CREATE TABLE still_writable (id INT)");
            }
        } finally {
            shared.close();
        }
    }
}
