package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;

/**
 * Fills the SMS tables with the sample module's deterministic, realistic data ({@link SmsData}): students with
 * Greek and Latin names, courses, and per student two enrollments, five grades and five attendance rows.
 * Batched inserts in one transaction, indexes built afterwards. Needs
 * {@code sms-export-sample} on the class path (an optional dependency of this module).
 */
public final class SampleData {

    private static final int BATCH = 1_000;

    private SampleData() {
    }

    /** What was loaded. @param students rows @param courses rows @param grades rows @param enrollments rows @param attendance rows */
    public record Counts(long students, long courses, long grades, long enrollments, long attendance) {
    }

    /**
     * Creates the tables when missing and loads {@code students} students and their data into empty tables.
     *
     * @param db       the database
     * @param schema   table and column names
     * @param students how many students (1 or more)
     * @return how many rows each table received
     */
    public static Counts load(DataSource db, SmsSchema schema, int students) {
        if (students < 1) {
            throw new IllegalArgumentException("students must be at least 1, got " + students);
        }
        // indexes after the rows: building them once is cheaper than maintaining them per insert
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        SmsSchema.execute(db, schema.tableDdl(dialect), "creating the SMS tables");
        SmsData data = SmsData.sample(students);
        long courses = data.courses();
        java.time.Instant now = java.time.Instant.now();
        try (Connection c = db.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                insert(c, schema, "students", List.of("id", "student_id", "first_name", "last_name", "father_name", "email",
                        "mobile_phone", "phone", "study_year", "academic_year", "class_division", "enrollment_date", "is_active"),
                        students, i -> {
                            Object[] r = data.row(ExportType.STUDENTS, i);
                            Object[] v = java.util.Arrays.copyOf(r, 13);
                            v[12] = "active".equals(r[12]);
                            return v;
                        }, now, dialect);
                insert(c, schema, "courses", List.of("id", "course_code", "course_name", "semester", "credits", "hours_per_week",
                        "periods_per_week", "absence_penalty", "description"), courses, i -> data.row(ExportType.COURSES, i), now, dialect);
                long grades = data.sampleRows(ExportType.GRADES);
                insert(c, schema, "grades", List.of("id", "student_id", "course_id", "assignment_name", "category", "grade",
                        "max_grade", "weight", "date_assigned", "date_submitted"), grades, i -> {
                            Object[] r = data.row(ExportType.GRADES, i);
                            return new Object[] {r[0], r[1], data.courseId(ExportType.GRADES, i), r[5], r[6], r[7], r[8], r[10], r[11], r[12]};
                        }, now, dialect);
                long enrollments = data.sampleRows(ExportType.ENROLLMENTS);
                insert(c, schema, "course_enrollments", List.of("id", "student_id", "course_id", "enrolled_at", "status"), enrollments,
                        i -> {
                            Object[] r = data.row(ExportType.ENROLLMENTS, i);
                            return new Object[] {r[0], r[1], data.courseId(ExportType.ENROLLMENTS, i), r[5], r[6]};
                        }, now, dialect);
                long attendance = data.sampleRows(ExportType.ATTENDANCE);
                insert(c, schema, "attendance", List.of("id", "student_id", "course_id", "date", "period_number", "status", "notes"),
                        attendance, i -> {
                            Object[] r = data.row(ExportType.ATTENDANCE, i);
                            return new Object[] {r[0], r[1], data.courseId(ExportType.ATTENDANCE, i), r[4], r[5], r[6], r[7]};
                        }, now, dialect);
                c.commit();
                SmsSchema.execute(db, schema.indexDdl(), "indexing the SMS tables");
                // rows came with explicit ids: move each identity past them, so the host's next insert does not collide
                List<String> restarts = new ArrayList<>();
                long[] counts = {students, courses, grades, enrollments, attendance};
                String[] tables = {"students", "courses", "grades", "course_enrollments", "attendance"};
                for (int t = 0; t < tables.length; t++) {
                    if (dialect == org.smsexport.support.SqlDialect.MARIADB) {
                        restarts.add("ALTER TABLE " + schema.table(tables[t]) + " AUTO_INCREMENT = " + (counts[t] + 1));
                    } else if (dialect != org.smsexport.support.SqlDialect.SQLITE) {
                        // SQLite's INTEGER PRIMARY KEY takes the largest id plus one by itself
                        restarts.add("ALTER TABLE " + schema.table(tables[t]) + " ALTER COLUMN " + schema.column(tables[t], "id")
                                + " RESTART WITH " + (counts[t] + 1));
                    }
                }
                SmsSchema.execute(db, restarts, "moving the id sequences past the sample rows");
                return new Counts(students, courses, grades, enrollments, attendance);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.error("loading sample data", e);
        }
    }

    /** Makes row {@code i} of a table. */
    private interface RowMaker {
        Object[] row(long i);
    }

    private static void insert(Connection c, SmsSchema s, String table, List<String> columns, long rows, RowMaker maker,
            java.time.Instant now, org.smsexport.support.SqlDialect dialect) throws SQLException {
        List<String> names = new ArrayList<>();
        for (String col : columns) {
            names.add(s.column(table, col));
        }
        names.add(s.column(table, "created_at"));
        names.add(s.column(table, "updated_at"));
        String marks = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        String sql = "INSERT INTO " + s.table(table) + " (" + String.join(", ", names) + ") VALUES (" + marks + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (long i = 0; i < rows; i++) {
                Object[] v = maker.row(i);
                for (int k = 0; k < columns.size(); k++) {
                    dialect.setObject(ps, k + 1, v[k]);
                }
                dialect.setInstant(ps, columns.size() + 1, now);
                dialect.setInstant(ps, columns.size() + 2, now);
                ps.addBatch();
                if ((i + 1) % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

}
