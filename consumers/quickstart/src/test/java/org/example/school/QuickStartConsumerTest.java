package org.example.school;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.ZipFile;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;

/** The README's quick start, in a project that knows sms-export only as Maven artifacts, in every format. */
class QuickStartConsumerTest {

    @TempDir
    Path dir;

    @Test
    void theQuickStartWritesFilesOutsideReadersRead() throws Exception {
        List<Object[]> students = List.<Object[]>of(new Object[] {1L, "STU000001", "Ελένη", "Παπαδοπούλου",
            "Γιώργος", "eleni@uni.example.edu", "6912345678", null, 2L, "2025-2026", "A1", LocalDate.of(2024, 9, 1), "active"});

        try (ExportService exports = ExportService.builder()
                .dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, students).build())
                .outputDirectory(dir.resolve("data/exports"))
                .build()) {
            for (String format : List.of("csv", "xlsx", "pdf")) {
                ExportOutcome outcome = exports.run(ExportRequest.builder()
                        .type("students").format(format).filter("status", "active").owner("alice").build());
                assertTrue(outcome instanceof ExportOutcome.Completed, format + ": " + outcome.job().errorMessage().orElse(""));
                Path file = ((ExportOutcome.Completed) outcome).file();
                assertEquals(1, outcome.job().totalRecords());
                assertTrue(read(format, file).contains("Παπαδοπούλου"), format + " holds the student's name");
            }
        }
    }

    private static String read(String format, Path file) throws Exception {
        switch (format) {
            case "csv":
                return Files.readString(file, StandardCharsets.UTF_8);
            case "xlsx":
                try (ZipFile zip = new ZipFile(file.toFile())) {
                    StringBuilder all = new StringBuilder();
                    zip.stream().filter(e -> e.getName().startsWith("xl/")).forEach(e -> {
                        try {
                            all.append(new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
                        } catch (java.io.IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    });
                    return all.toString();
                }
            default:
                try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
                    return new PDFTextStripper().getText(pdf);
                }
        }
    }
}
