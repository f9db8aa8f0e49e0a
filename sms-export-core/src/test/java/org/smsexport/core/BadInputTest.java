package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportRequest;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobFilter;
import org.smsexport.StorageException;
import org.smsexport.UnsupportedFormatException;

/** Every kind of bad input gets an ExportException subclass naming the bad value and the valid choices, and leaves nothing behind. */
class BadInputTest {

    @TempDir
    Path dir;

    private ExportService exports;

    @BeforeEach
    void start() {
        exports = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(10)).build();
    }

    @AfterEach
    void nothingWasCreated() {
        assertThat(exports.countJobs(JobFilter.all())).isZero();
        assertThat(Fixtures.files(dir)).isEmpty();
        exports.close();
    }

    private static ExportRequest.Builder students() {
        return ExportRequest.builder().type("students").format("csv");
    }

    @Test
    void rejectsUnknownTypeListingAvailableOnes() {
        assertThatThrownBy(() -> exports.submit(ExportRequest.builder().type("studnets").format("csv").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Unknown export type 'studnets'. Available: [attendance, courses, enrollments, grades, students].");
    }

    /** Every job is audited with its filters: a filter longer than the trail keeps is refused, never left unaudited. */
    @Test
    void rejectsAFilterTooLongToAuditNamingItsLength() {
        assertThatThrownBy(() -> exports.submit(students().filter("search", "\u0301".repeat(5_000)).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Filter 'search' is 5,000 characters long; a filter value may have at most 1,000.");
        assertThat(exports.jobs(org.smsexport.JobFilter.all())).as("no job was made").isEmpty();
    }

    @Test
    void rejectsUnknownFormatWithListOfAvailableOnesAndTheModuleToAdd() {
        assertThatThrownBy(() -> exports.submit(students().format("pdf").build()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessage("No exporter for format 'pdf'. Available: [csv]. Add org.smsexport:sms-export-pdf to the class path.");
        assertThatThrownBy(() -> exports.submit(students().format("excel").build()))
                .hasMessageContaining("Add org.smsexport:sms-export-excel");
        assertThatThrownBy(() -> exports.submit(students().format("docx").build()))
                .hasMessageContaining("No exporter for format 'docx'. Available: [csv].");
    }

    @Test
    void rejectsUnknownFilterKeyListingValidKeys() {
        assertThatThrownBy(() -> exports.submit(students().filter("colour", "red").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Unknown filter 'colour' for type 'students'. Valid filters: [status, search, study_year, "
                        + "academic_year, class_division, enrolled_from, enrolled_to].");
    }

    @Test
    void rejectsFilterValuesOfTheWrongType() {
        assertThatThrownBy(() -> exports.submit(students().filter("study_year", "second").filter("enrolled_from", "31/01/2026")
                .filter("status", "graduated").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Filter 'study_year' has value 'second'; expected a whole number.")
                .hasMessageContaining("Filter 'enrolled_from' has value '31/01/2026'; expected a date like 2026-01-31.")
                .hasMessageContaining("Filter 'status' has value 'graduated'; expected one of [active, inactive].");
    }

    @Test
    void rejectsZeroOrNegativeLimits() {
        assertThatThrownBy(() -> students().limit(0).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit must be positive, got 0");
        assertThatThrownBy(() -> students().limit(-5).build()).hasMessageContaining("got -5");
    }

    @Test
    void rejectsMissingTypeAndFormatTogether() {
        assertThatThrownBy(() -> ExportRequest.builder().notifyEmail("not-an-address").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("type is required")
                .hasMessageContaining("format is required")
                .hasMessageContaining("notify email 'not-an-address' is not an email address");
    }

    @Test
    void rejectsUnknownAndBadOptionsListingChoices() {
        assertThatThrownBy(() -> exports.submit(students().option("seperator", ";").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Unknown option 'seperator' for format 'csv'. Valid options: [bom, delimiter, formula_guard, header, line_ending, password].");
        assertThatThrownBy(() -> exports.submit(students().option("delimiter", "#").option("bom", "maybe").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Option 'delimiter' has value '#'; expected one of [comma, semicolon, tab, pipe].")
                .hasMessageContaining("Option 'bom' has value 'maybe'; expected one of [true, false].");
    }

    @Test
    void rejectsSortingByAnUnknownColumn() {
        assertThatThrownBy(() -> exports.submit(students().sort("-age").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Cannot sort students by 'age'. Sortable columns: [id, student_id, first_name");
    }

    @Test
    void rejectsAMissingOutputDirectory() throws Exception {
        Path gone = dir.resolve("gone");
        try (ExportService other = ExportService.builder().outputDirectory(gone).createOutputDirectory(false).noMetricsFile()
                .dataSource(Fixtures.memory(10)).build()) {
            assertThatThrownBy(() -> other.submit(students().build()))
                    .isInstanceOf(StorageException.class)
                    .hasMessage("Output directory '" + gone.toAbsolutePath() + "' does not exist. Create it, or point "
                            + "EXPORT_OUTPUT_DIR at an existing directory.");
        }
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        try (ExportService other = ExportService.builder().outputDirectory(file).createOutputDirectory(false).noMetricsFile()
                .dataSource(Fixtures.memory(10)).build()) {
            assertThatThrownBy(() -> other.submit(students().build())).isInstanceOf(StorageException.class);
        }
        Files.delete(file);
    }

    @Test
    void rejectsANonWritableOutputDirectory() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        assertThat(readOnly.toFile().setWritable(false, false)).isTrue();
        try (ExportService other = ExportService.builder().outputDirectory(readOnly).noMetricsFile()
                .dataSource(Fixtures.memory(10)).build()) {
            if (Files.isWritable(readOnly)) {
                // root ignores permission bits: the check cannot be exercised, but the export must still work
                assertThat(other.run(students().build()).job().status().isTerminal()).isTrue();
                try (var inside = Files.list(readOnly)) {
                    inside.forEach(f -> f.toFile().delete());
                }
            } else {
                assertThatThrownBy(() -> other.submit(students().build()))
                        .isInstanceOf(StorageException.class).hasMessageContaining("is not writable by this process");
            }
        } finally {
            readOnly.toFile().setWritable(true);
            Files.delete(readOnly);
        }
    }

    @Test
    void rejectsBadConfigurationListingEveryProblem() {
        assertThatThrownBy(() -> ExportConfig.from(java.util.Map.of("EXPORT_MAX_RECORDS", "lots", "EXPORT_WORKERS", "0",
                "EXPORT_OVER_LIMIT", "ignore", "EXPORT_FSYNC", "perhaps")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EXPORT_MAX_RECORDS='lots' is not a whole number")
                .hasMessageContaining("EXPORT_OVER_LIMIT='ignore' is not one of [fail, truncate]")
                .hasMessageContaining("EXPORT_FSYNC='perhaps' is not one of [true, false]");
        assertThatThrownBy(() -> ExportConfig.from(java.util.Map.of("EXPORT_WORKERS", "300")))
                .hasMessageContaining("workers must be 0..256 (0: accept and serve, run nothing), got 300");
        assertThatThrownBy(() -> ExportConfig.from(java.util.Map.of("EXPORT_MAX_ATTEMPTS", "0", "EXPORT_QUEUE_POLL_MS", "1")))
                .hasMessageContaining("max attempts must be 1..10, got 0").hasMessageContaining("queue poll must be 10..60000 ms, got 1");
    }
}
