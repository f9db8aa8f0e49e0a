package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;

/** Delta exports on H2 and PostgreSQL: what was inserted, changed and soft-deleted since a watermark, and nothing else. */
class DeltaExportTest {

    @TempDir
    Path dir;

    private static List<String[]> csv(ExportOutcome o) throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(((ExportOutcome.Completed) o).file())) {
            rows.add(line.replace("\uFEFF", "").split(",", -1));
        }
        return rows;
    }

    /** Runs one statement, its parameters bound as the database keeps them. */
    static void sql(DataSource db, String statement, Object... params) throws Exception {
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                dialect.setObject(ps, i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void exportsExactlyTheRowsInsertedChangedAndSoftDeletedSinceTheWatermark(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        SampleData.load(db, SmsSchema.standard(), 30);
        // the sample's rows are older than the watermark
        Instant old = Instant.parse("2026-01-01T00:00:00Z");
        for (String t : List.of("students", "courses", "grades", "course_enrollments", "attendance")) {
            sql(db, "UPDATE " + t + " SET created_at = ?, updated_at = ?", old, old);
        }
        Instant watermark = Instant.parse("2026-06-01T00:00:00Z");
        Instant after = Instant.parse("2026-06-02T09:00:00Z");
        sql(db, "INSERT INTO students (student_id, first_name, last_name, email, is_active, created_at, updated_at) "
                + "VALUES ('NEW-1', 'Νέα', 'Φοιτήτρια', 'new@uni.example', TRUE, ?, ?)", after, after);
        sql(db, "UPDATE students SET email = 'changed@uni.example', updated_at = ? WHERE id = 3", after);
        sql(db, "UPDATE students SET deleted_at = ? WHERE id = 5", after);
        sql(db, "UPDATE grades SET grade = 1, updated_at = ? WHERE id = 7", after);

        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(dir).build()) {
            List<String[]> delta = csv(exports.run(ExportRequest.builder().type("students").format("csv").changedSince(watermark)
                    .option("bom", "false").build()));
            assertThat(delta.get(0)[delta.get(0).length - 1]).isEqualTo("Change");
            assertThat(delta).hasSize(4);
            assertThat(delta.get(1)).startsWith("3").contains("changed@uni.example").endsWith("upsert");
            // a deleted row keeps its keys only: nothing personal goes out again
            String[] deleted = delta.get(2);
            assertThat(deleted[0]).isEqualTo("5");
            assertThat(deleted[1]).isNotEmpty();
            assertThat(deleted[2]).isEmpty();
            assertThat(deleted[deleted.length - 1]).isEqualTo("delete");
            assertThat(delta.get(3)).contains("NEW-1", "new@uni.example").endsWith("upsert");

            List<String[]> grades = csv(exports.run(ExportRequest.builder().type("grades").format("csv").changedSince(watermark)
                    .option("bom", "false").build()));
            // the changed grade, and every grade of the changed student 3 (upsert) and of the soft-deleted student 5 (delete)
            int student = 1; // grades: id, student_id, …
            List<String[]> body = grades.subList(1, grades.size());
            assertThat(body).anySatisfy(r -> assertThat(r[0]).isEqualTo("7"));
            assertThat(body).allSatisfy(r -> assertThat(r[0].equals("7") || List.of("3", "5").contains(r[student])).isTrue());
            assertThat(body).filteredOn(r -> r[student].equals("5")).isNotEmpty().allSatisfy(r -> assertThat(r[r.length - 1])
                    .isEqualTo("delete"));
            assertThat(body).filteredOn(r -> !r[student].equals("5")).allSatisfy(r -> assertThat(r[r.length - 1]).isEqualTo("upsert"));

            List<String[]> full = csv(exports.run(ExportRequest.builder().type("students").format("csv").option("bom", "false").build()));
            assertThat(full).as("a full export is unchanged: no change column, deleted rows left out").hasSize(31);
            assertThat(full.get(0)).doesNotContain("Change");
            assertThat(full).noneMatch(r -> r[0].equals("5"));

            assertThat(csv(exports.run(ExportRequest.builder().type("courses").format("csv").changedSince(watermark).build())))
                    .as("nothing changed: the header alone").hasSize(1);
            assertThatThrownBy(() -> exports.validate(ExportRequest.builder().type("students").format("csv")
                    .changedSince(Instant.now().plusSeconds(3600)).build())).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("in the future");
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void theMigrationGivesAnOlderDatabaseWhatDeltaExportsNeedAndRunsTwice(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE students (id BIGINT PRIMARY KEY, student_id VARCHAR(50))");
        }
        for (int i = 0; i < 2; i++) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                for (String sql : SmsSchema.standard().migrationSql()) {
                    if (sql.contains(" students ") || sql.startsWith("ALTER TABLE students") || sql.contains("ON students")) {
                        s.execute(sql);
                    }
                }
            }
        }
        try (Connection c = db.getConnection(); var rs = c.getMetaData().getColumns(null, null, kind == Databases.H2 ? "STUDENTS"
                : "students", null)) {
            List<String> cols = new ArrayList<>();
            while (rs.next()) {
                cols.add(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(cols).contains("created_at", "updated_at", "deleted_at");
        }
    }

    /**
     * {@code TIMESTAMP WITHOUT TIME ZONE} holds UTC on every database: H2 would otherwise read and compare it in the
     * session's zone (the JVM's by default, Athens here), three hours off from what PostgreSQL's driver reads.
     */
    @org.junit.jupiter.api.Test
    void aTimestampWithoutZoneIsUtcAlsoWhenTheSessionIsNot() throws Exception {
        DataSource plain = Databases.H2.fresh();
        SampleData.load(plain, SmsSchema.standard(), 3);
        try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
            for (String col : List.of("created_at", "updated_at", "deleted_at")) {
                s.execute("ALTER TABLE students ALTER COLUMN " + col + " SET DATA TYPE TIMESTAMP");
            }
            s.execute("UPDATE students SET created_at = TIMESTAMP '2026-01-01 00:00:00', updated_at = TIMESTAMP '2026-01-01 00:00:00'");
            // the host wrote 10:00 UTC
            s.execute("UPDATE students SET updated_at = TIMESTAMP '2026-06-01 10:00:00' WHERE id = 2");
        }
        // every connection starts in Athens, as on a JVM whose zone it is
        DataSource athens = (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(plain, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Connection) {
                        try (Statement s = ((Connection) result).createStatement()) {
                            s.execute("SET TIME ZONE 'Europe/Athens'");
                        }
                    }
                    return result;
                });
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(athens)).outputDirectory(dir).build()) {
            List<String[]> before = csv(exports.run(ExportRequest.builder().type("students").format("csv").option("bom", "false")
                    .changedSince(Instant.parse("2026-06-01T09:30:00Z")).build()));
            assertThat(before).as("10:00 UTC is after 09:30 UTC").hasSize(2);
            List<String[]> after = csv(exports.run(ExportRequest.builder().type("students").format("csv").option("bom", "false")
                    .changedSince(Instant.parse("2026-06-01T10:30:00Z")).build()));
            assertThat(after).as("and before 10:30 UTC").hasSize(1);
        }
    }
}
