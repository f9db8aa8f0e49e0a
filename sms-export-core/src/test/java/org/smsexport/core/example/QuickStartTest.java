package org.smsexport.core.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportMetrics;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportTemplate;
import org.smsexport.ExportType;
import org.smsexport.JobId;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.core.PerformanceMonitor;
import org.smsexport.core.PerformanceStats;

/** The README's quick start, compiled and run; and a check that the README still shows exactly this code. */
class QuickStartTest {

    @TempDir
    Path tmp;

    String quickStart(Path exportsDir) {
        // BEGIN quickstart
        List<Object[]> students = List.<Object[]>of(new Object[] {1L, "STU000001", "Ελένη", "Παπαδοπούλου",
            "Γιώργος", "eleni@uni.example.edu", "6912345678", null, 2L, "2025-2026", "A1", LocalDate.of(2024, 9, 1), "active"});

        try (ExportService exports = ExportService.builder()
                .dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, students).build())
                .outputDirectory(exportsDir)
                .build()) {
            ExportOutcome outcome = exports.run(ExportRequest.builder()
                    .type("students").format("csv").filter("status", "active").owner("alice").build());
            if (outcome instanceof ExportOutcome.Completed done) {
                System.out.println("Wrote " + done.job().totalRecords() + " students to " + done.file());
                return done.file().toString();
            }
            return outcome.job().errorMessage().orElse("cancelled");
        }
        // END quickstart
    }

    void maintenance(ExportService exports) {
        // BEGIN maintenance
        PerformanceStats week = exports.performance().performanceStats(Optional.of("students"), 7);  // the seed's fields + p50/p95
        List<ExportMetrics> slow = exports.performance().slowestExports(10);
        exports.maintenance().cleanupOldExports(30, true, false);                       // days, delete files, dry run
        exports.maintenance().cleanupAndArchiveOldExports(30, Path.of("data/exports/archive"), false);
        // END maintenance
        assertThat(week.totalExports()).isEqualTo(1);
        assertThat(slow).hasSize(1);
    }

    ExportMetrics tracking(ExportService exports, Path file, long rows) {
        // BEGIN tracking
        PerformanceMonitor monitor = exports.performance();
        PerformanceMonitor.Tracking t = monitor.startTracking(JobId.random(), "students", "csv", "alice");
        // … the host writes its file …
        monitor.endTracking(t.records(rows), file, null);   // or an error message: recorded as failed
        // END tracking
        return monitor.performanceStats(Optional.of("students"), 1).successful() == 1 ? monitor.slowestExports(1).get(0) : null;
    }

    ExportOutcome templates(ExportService exports, java.time.Instant now) {
        // BEGIN templates
        exports.templates().save(new ExportTemplate("weekly_active", "alice", "students", "csv", Map.of("status", "active"),
                Map.of("delimiter", "semicolon"), Optional.empty(), Optional.of("Mondays, for the office"), now, now));
        exports.run(ExportRequest.builder().template(exports.templates().find("alice", "weekly_active").orElseThrow())
                .filter("study_year", "2").owner("alice").build());
        // END templates
        return exports.jobs(org.smsexport.JobFilter.all()).isEmpty() ? null : exports.completion(exports.jobs(org.smsexport.JobFilter.all())
                .get(0).id()).join();
    }

    ExportOutcome delta(ExportService exports) {
        // BEGIN delta
        exports.run(ExportRequest.builder().type("grades").format("csv").changedSince(Instant.parse("2026-01-31T00:00:00Z")).build());
        // END delta
        return exports.completion(exports.jobs(org.smsexport.JobFilter.all()).get(0).id()).join();
    }

    @Test
    void theDeltaExampleExportsWhatChangedAndWhatWasDeleted() throws Exception {
        List<Map<String, ?>> grades = List.of(
                Map.of("id", 1L, "grade", 9.5, "updated_at", Instant.parse("2026-02-01T10:00:00Z")),
                Map.of("id", 2L, "grade", 7.0, "updated_at", Instant.parse("2025-12-01T10:00:00Z")),
                Map.of("id", 3L, "grade", 4.0, "updated_at", Instant.parse("2025-12-01T10:00:00Z"),
                        "deleted_at", Instant.parse("2026-02-02T10:00:00Z")));
        try (ExportService exports = ExportService.builder().outputDirectory(tmp).dataSource(InMemoryDataSource.builder()
                .maps(ExportType.GRADES, grades).build()).build()) {
            ExportOutcome.Completed done = (ExportOutcome.Completed) delta(exports);
            List<String> lines = Files.readAllLines(done.file(), StandardCharsets.UTF_8);
            assertThat(lines.get(0)).endsWith(",Change");
            assertThat(lines).hasSize(3);
            assertThat(lines.get(1)).startsWith("1,").contains("9.5").endsWith(",upsert");
            assertThat(lines.get(2)).startsWith("3,").doesNotContain("4.0").endsWith(",delete");
        }
    }

    @Test
    void theTemplatesExampleRunsATemplate() {
        try (ExportService exports = ExportService.builder().outputDirectory(tmp).dataSource(InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, List.<Object[]>of()).build()).build()) {
            assertThat(templates(exports, java.time.Instant.now())).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(exports.templates().list("alice")).hasSize(1);
        }
    }

    @Test
    void theTrackingExampleRecordsTheHostsOwnExport() throws Exception {
        try (ExportService exports = ExportService.builder().outputDirectory(tmp).dataSource(InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, List.<Object[]>of()).build()).build()) {
            Path file = Files.writeString(tmp.resolve("own.csv"), "id\n1\n");
            ExportMetrics m = tracking(exports, file, 1);
            assertThat(m).isNotNull();
            assertThat(m.totalRecords()).isEqualTo(1);
            assertThat(m.fileSizeBytes()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void theMaintenanceExampleRuns() {
        try (ExportService exports = ExportService.builder().outputDirectory(tmp).dataSource(InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, List.<Object[]>of()).build()).build()) {
            exports.run(ExportRequest.builder().type("students").format("csv").build());
            maintenance(exports);
        }
    }

    @Test
    void theQuickStartExportsAStudent() throws Exception {
        Path file = Path.of(quickStart(tmp));
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(csv).contains("Ελένη,Παπαδοπούλου").startsWith("\uFEFFID,Student ID,First Name");
    }

    @Test
    void theReadmeShowsTheQuickStartAsCompiledHere() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String readme = Files.readString(root.resolve("README.md"));
        String source = Files.readString(Path.of("src/test/java/org/smsexport/core/example/QuickStartTest.java"));
        Matcher m = Pattern.compile("// BEGIN quickstart\\n(.*?)\\n\\s*// END quickstart", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).isTrue();
        String code = m.group(1).stripIndent().replace("exportsDir", "Path.of(\"data/exports\")")
                .replace("        return done.file().toString();\n", "")
                .replace("    return outcome.job().errorMessage().orElse(\"cancelled\");\n", "");
        assertThat(readme).as("README quick start").contains(code.strip());
        Matcher m2 = Pattern.compile("// BEGIN maintenance\\n(.*?)\\n\\s*// END maintenance", Pattern.DOTALL).matcher(source);
        assertThat(m2.find()).isTrue();
        assertThat(readme).as("README maintenance example").contains(m2.group(1).stripIndent().strip());
        Matcher m4 = Pattern.compile("// BEGIN templates\\n(.*?)\\n\\s*// END templates", Pattern.DOTALL).matcher(source);
        assertThat(m4.find()).isTrue();
        assertThat(readme).as("README templates example").contains(m4.group(1).stripIndent().strip());
        Matcher m5 = Pattern.compile("// BEGIN delta\\n(.*?)\\n\\s*// END delta", Pattern.DOTALL).matcher(source);
        assertThat(m5.find()).isTrue();
        assertThat(readme).as("README delta example").contains(m5.group(1).stripIndent().strip());
        Matcher m3 = Pattern.compile("// BEGIN tracking\\n(.*?)\\n\\s*// END tracking", Pattern.DOTALL).matcher(source);
        assertThat(m3.find()).isTrue();
        assertThat(readme).as("README tracking example").contains(m3.group(1).stripIndent().strip());
    }
}
