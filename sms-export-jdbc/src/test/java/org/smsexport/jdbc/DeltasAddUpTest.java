package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.core.ExportService;

/**
 * The guarantee of delta exports, as a property: random inserts, updates, soft deletes and restores of every table —
 * students and courses too, which take their grades, enrollments and attendance out of the full exports and back — and
 * after each round, the previous full export of each of the five types with the round's delta applied (upsert: put the
 * row by id; delete: remove it) is the new full export, row for row and value for value.
 */
class DeltasAddUpTest {

    private static final List<String> TYPES = List.of("students", "courses", "grades", "enrollments", "attendance");
    private static final List<String> DEPENDENT = List.of("grades", "course_enrollments", "attendance");

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void everyFullExportIsThePreviousOneWithTheDeltaApplied(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        SampleData.load(db, SmsSchema.standard(), 12);
        Instant base = Instant.parse("2026-03-01T08:00:00Z");
        for (String t : List.of("students", "courses", "grades", "course_enrollments", "attendance")) {
            DeltaExportTest.sql(db, "UPDATE " + t + " SET created_at = ?, updated_at = ?", base, base);
        }
        Random random = new Random(kind.name().hashCode());
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(dir).build()) {
            Map<String, Map<String, List<String>>> mirror = new TreeMap<>();
            for (String type : TYPES) {
                mirror.put(type, full(exports, type));
            }
            for (int round = 1; round <= 6; round++) {
                Instant watermark = base.plusSeconds(3600L * round);
                Instant at = watermark;
                for (int change = 0; change < 14; change++) {
                    at = at.plusSeconds(1);
                    change(db, random, at);
                }
                for (String type : TYPES) {
                    Map<String, List<String>> rows = mirror.get(type);
                    int upserts = 0;
                    for (List<String> row : read(exports.run(request(type).changedSince(watermark).build()))) {
                        String change = row.get(row.size() - 1);
                        if (change.equals("upsert")) {
                            rows.put(row.get(0), row.subList(0, row.size() - 1));
                            upserts++;
                        } else {
                            assertThat(change).isEqualTo("delete");
                            rows.remove(row.get(0));
                        }
                    }
                    assertThat(rows).as("%s on %s after round %d (%d upserts)", type, kind.name(), round, upserts)
                            .isEqualTo(full(exports, type));
                }
            }
        }
    }

    /** One random change, stamped {@code at}: an insert, an update, a soft delete or a restore, of a parent or a dependent row. */
    private static void change(DataSource db, Random random, Instant at) throws Exception {
        boolean parent = random.nextInt(3) == 0;
        String table = parent ? (random.nextBoolean() ? "students" : "courses") : DEPENDENT.get(random.nextInt(DEPENDENT.size()));
        List<Long> ids = ids(db, table);
        long id = ids.get(random.nextInt(ids.size()));
        switch (random.nextInt(5)) {
            case 0:
                insert(db, random, table, at);
                break;
            case 1:
                DeltaExportTest.sql(db, "UPDATE " + table + " SET deleted_at = ?, updated_at = ? WHERE id = ?", at, at, id);
                break;
            case 2:
                // a restore: the row (perhaps never deleted) is live again
                DeltaExportTest.sql(db, "UPDATE " + table + " SET deleted_at = NULL, updated_at = ? WHERE id = ?", at, id);
                break;
            default:
                String set;
                switch (table) {
                    case "students":
                        set = "last_name = 'Renamed" + random.nextInt(1000) + "'";
                        break;
                    case "courses":
                        set = "course_name = 'Course " + random.nextInt(1000) + "'";
                        break;
                    case "grades":
                        set = "grade = " + random.nextInt(20);
                        break;
                    case "course_enrollments":
                        set = "status = '" + (random.nextBoolean() ? "active" : "dropped") + "'";
                        break;
                    default:
                        set = "notes = 'note " + random.nextInt(1000) + "'";
                }
                DeltaExportTest.sql(db, "UPDATE " + table + " SET " + set + ", updated_at = ? WHERE id = ?", at, id);
        }
    }

    private static void insert(DataSource db, Random random, String table, Instant at) throws Exception {
        String n = Integer.toString(random.nextInt(1_000_000));
        switch (table) {
            case "students":
                DeltaExportTest.sql(db, "INSERT INTO students (student_id, first_name, last_name, email, is_active, created_at, updated_at) VALUES "
                        + "(?, 'New', ?, ?, TRUE, ?, ?)", "N-" + n, "Student" + n, n + "@uni.example", at, at);
                break;
            case "courses":
                DeltaExportTest.sql(db, "INSERT INTO courses (course_code, course_name, created_at, updated_at) VALUES (?, ?, ?, ?)", "C-" + n,
                        "Course " + n, at, at);
                break;
            default:
                List<Long> students = ids(db, "students");
                List<Long> courses = ids(db, "courses");
                long student = students.get(random.nextInt(students.size()));
                long course = courses.get(random.nextInt(courses.size()));
                if (table.equals("grades")) {
                    DeltaExportTest.sql(db, "INSERT INTO grades (student_id, course_id, assignment_name, grade, max_grade, created_at, updated_at) "
                            + "VALUES (?, ?, ?, 15, 20, ?, ?)", student, course, "Essay " + n, at, at);
                } else if (table.equals("course_enrollments")) {
                    DeltaExportTest.sql(db, "INSERT INTO course_enrollments (student_id, course_id, enrolled_at, status, created_at, updated_at) "
                            + "VALUES (?, ?, ?, 'active', ?, ?)", student, course, LocalDate.of(2026, 2, 1), at, at);
                } else {
                    DeltaExportTest.sql(db, "INSERT INTO attendance (student_id, course_id, date, period_number, status, created_at, updated_at) "
                            + "VALUES (?, ?, ?, 1, 'present', ?, ?)", student, course, LocalDate.of(2026, 2, 2), at, at);
                }
        }
    }

    private static ExportRequest.Builder request(String type) {
        return ExportRequest.builder().type(type).format("csv").option("bom", "false");
    }

    /** @return a full export's rows by id */
    private static Map<String, List<String>> full(ExportService exports, String type) throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        for (List<String> row : read(exports.run(request(type).build()))) {
            rows.put(row.get(0), row);
        }
        return rows;
    }

    /** @return the file's rows after the header, each as its values */
    private static List<List<String>> read(ExportOutcome o) throws Exception {
        assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
        Path file = ((ExportOutcome.Completed) o).file();
        List<List<String>> rows = new ArrayList<>();
        try (de.siegmar.fastcsv.reader.CsvReader<de.siegmar.fastcsv.reader.CsvRecord> csv = de.siegmar.fastcsv.reader.CsvReader.builder()
                .ofCsvRecord(file)) {
            boolean header = true;
            for (de.siegmar.fastcsv.reader.CsvRecord r : csv) {
                if (!header) {
                    rows.add(List.copyOf(r.getFields()));
                }
                header = false;
            }
        }
        Files.delete(file);
        return rows;
    }

    private static List<Long> ids(DataSource db, String table) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
