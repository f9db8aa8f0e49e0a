package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.test.OriginalSms;

/**
 * The original SMS's database as it is, read without a mapping file: its {@code attendances}, its students without
 * {@code class_division}, its tables without {@code created_at}; and its tables — {@code export_jobs} among them — left
 * exactly as they were, while every table of ours carries the prefix.
 */
class OriginalSmsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void everyTypeExportsTheRightRowsAndTheHostsTablesAreUntouched(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        OriginalSms.create(db);
        Map<String, String> before = OriginalSms.dump(db);
        JdbcJobStore jobs = JdbcJobStore.create(db);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(JdbcDataSource.of(db)).jobStore(jobs)
                .auditSink(jobs.auditSink()).templateStore(JdbcTemplateStore.create(db)).build()) {
            for (Map.Entry<String, Integer> type : OriginalSms.EXPORTED.entrySet()) {
                ExportOutcome o = exports.completion(exports.submit(ExportRequest.builder().type(type.getKey()).format("csv")
                        .owner("admin@school.example").build()).id()).get(60, TimeUnit.SECONDS);
                assertThat(o.job().status()).as(type.getKey() + ": " + o.job().errorMessage()).isEqualTo(JobStatus.COMPLETED);
                List<String> lines = Files.readAllLines(((ExportOutcome.Completed) o).file());
                assertThat(lines).as(type.getKey()).hasSize(type.getValue() + 1);
                assertThat(String.join("\n", lines)).as("soft-deleted rows and rows of deleted students are left out")
                        .doesNotContain("Left").doesNotContain("Retracted").doesNotContain("OLD100");
                if (type.getKey().equals("students")) {
                    assertThat(String.join("\n", lines)).contains("Ελένη").contains("Παπαδοπούλου");
                    assertThat(o.job().warnings()).anySatisfy(w -> assertThat(w).contains("class_division").contains("empty"));
                }
                if (type.getKey().equals("attendance")) {
                    assertThat(String.join("\n", lines)).contains("Absent").contains("Late");
                }
            }
            ExportOutcome found = exports.completion(exports.submit(ExportRequest.builder().type("students").format("csv")
                    .owner("a").filter("search", "ελενη").build()).id()).get(60, TimeUnit.SECONDS);
            assertThat(Files.readAllLines(((ExportOutcome.Completed) found).file())).hasSize(2).last().asString().contains("Ελένη");
            // the original's tables say nothing of what changed: a delta export is refused, saying why
            assertThatThrownBy(() -> exports.submit(ExportRequest.builder().type("grades").format("csv").owner("admin@school.example")
                    .changedSince(Instant.parse("2025-01-01T00:00:00Z")).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("created_at").hasMessageContaining("grades")
                    .hasMessageContaining("--migrate-sql");
        }
        Map<String, String> after = OriginalSms.dump(db);
        for (Map.Entry<String, String> t : before.entrySet()) {
            assertThat(after.get(t.getKey())).as("host table " + t.getKey() + " unchanged").isEqualTo(t.getValue());
        }
        assertThat(after.keySet()).filteredOn(t -> !before.containsKey(t)).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("sms_export_"));
    }

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void schemaCheckSaysWhatEachTypeReadsAndLacks(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        OriginalSms.create(db);
        List<JdbcDataSource.TypeCheck> checks = JdbcDataSource.of(db).checkSchema();
        assertThat(checks).allSatisfy(c -> assertThat(c.exportable()).as(c.type() + ": " + c.problem()).isTrue());
        JdbcDataSource.TypeCheck attendance = checks.stream().filter(c -> c.type().equals("attendance")).findFirst().orElseThrow();
        assertThat(attendance.table()).isEqualToIgnoringCase("attendances");
        JdbcDataSource.TypeCheck students = checks.stream().filter(c -> c.type().equals("students")).findFirst().orElseThrow();
        assertThat(students.columns()).containsEntry("first_name", "first_name").containsEntry("class_division", null);
        assertThat(students.noDeltas()).contains("created_at").contains("updated_at");
    }

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void aMappingFileNamesWhatTheDatabaseCallsOtherwise(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        OriginalSms.create(db);
        try (var c = db.getConnection(); var s = c.createStatement()) {
            s.execute("CREATE TABLE pupils (pupil_no INTEGER PRIMARY KEY, code VARCHAR(20) NOT NULL, given VARCHAR(50) NOT NULL, "
                    + "family VARCHAR(50) NOT NULL)");
            s.execute("INSERT INTO pupils VALUES (7, 'P7', 'Anna', 'Kara')");
        }
        Path map = dir.resolve("schema.properties");
        Files.writeString(map, "# the school's own names\nstudents.table = pupils\nstudents.id = pupil_no\nstudents.student_id = code\n"
                + "students.first_name = given\nstudents.last_name = family\n");
        JdbcDataSource source = JdbcDataSource.of(db, SmsSchema.load(map), 100);
        assertThat(source.checkSchema().get(0).exportable()).isTrue();
        try (ExportService exports = ExportService.builder().outputDirectory(dir.resolve("out")).dataSource(source).build()) {
            ExportOutcome o = exports.completion(exports.submit(ExportRequest.builder().type("students").format("csv").owner("a").build())
                    .id()).get(60, TimeUnit.SECONDS);
            assertThat(o.job().status()).as(String.valueOf(o.job().errorMessage())).isEqualTo(JobStatus.COMPLETED);
            assertThat(Files.readString(((ExportOutcome.Completed) o).file())).contains("P7").contains("Anna").contains("Kara");
        }
        Files.writeString(map, "students.table = pupils\npupils.first_name = given\nstudents.nick = x\n");
        assertThatThrownBy(() -> SmsSchema.load(map)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no table 'pupils'").hasMessageContaining("students has no column 'nick'");
        Files.writeString(map, "students.table = nowhere\n");
        assertThat(JdbcDataSource.of(db, SmsSchema.load(map), 100).checkSchema().get(0).problem()).contains("nowhere")
                .contains("students.table");
    }
}
