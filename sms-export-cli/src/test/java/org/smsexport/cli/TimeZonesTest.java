package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.Column;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportTemplate;
import org.smsexport.ExportType;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;

/**
 * One time zone for exports that name none ({@code EXPORT_TIME_ZONE}), a request's or template's own: a date-time of
 * January and one of July come out at +02:00 and +03:00 in Athens, in CSV, XLSX and PDF, and the PDF's title block
 * names the zone.
 */
class TimeZonesTest {

    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");
    private static final ExportType EVENTS = ExportType.builder("events").columns(Column.integer("id"), Column.dateTime("at")).build();
    private static final Instant WINTER = Instant.parse("2026-01-15T10:00:00Z");
    private static final Instant SUMMER = Instant.parse("2026-07-15T10:00:00Z");

    @TempDir
    Path dir;

    private ExportService service(ZoneId zone) {
        return ExportService.builder().config(ExportConfig.builder().outputDirectory(dir).timeZone(zone).build())
                .dataSource(InMemoryDataSource.builder().rows(EVENTS, List.of(new Object[] {1L, WINTER}, new Object[] {2L, SUMMER})).build())
                .build();
    }

    private static Path file(ExportOutcome o) {
        assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
        return ((ExportOutcome.Completed) o).file();
    }

    @Test
    void anExportThatNamesNoZoneIsWrittenInTheServicesAndOneThatDoesInItsOwn() throws Exception {
        try (ExportService exports = service(ATHENS)) {
            String csv = Files.readString(file(exports.run(ExportRequest.builder().type("events").format("csv").build())));
            assertThat(csv).contains("2026-01-15T12:00:00+02:00").contains("2026-07-15T13:00:00+03:00");

            try (InputStream in = Files.newInputStream(file(exports.run(ExportRequest.builder().type("events").format("xlsx").build())));
                    Workbook wb = WorkbookFactory.create(in)) {
                Sheet sheet = wb.getSheetAt(0);
                assertThat(cell(sheet.getRow(1))).isEqualTo(LocalDateTime.parse("2026-01-15T12:00"));
                assertThat(cell(sheet.getRow(2))).isEqualTo(LocalDateTime.parse("2026-07-15T13:00"));
            }

            String pdf = pdfText(file(exports.run(ExportRequest.builder().type("events").format("pdf").build())));
            assertThat(pdf).containsPattern("\\+0[23]:00 \\(Europe/Athens\\)").contains("12:00").contains("13:00");

            // a request's own zone wins, and a template's when the request names none
            String utc = Files.readString(file(exports.run(ExportRequest.builder().type("events").format("csv").zone(ZoneId.of("UTC"))
                    .build())));
            assertThat(utc).contains("2026-01-15T10:00:00Z").doesNotContain("+02:00");
            Instant now = Instant.now();
            ExportTemplate lisbon = new ExportTemplate("lisbon", "system", "events", "csv", Map.of(), Map.of(), Optional.empty(),
                    Optional.of(ZoneId.of("Europe/Lisbon")), Optional.empty(), now, now);
            String fromTemplate = Files.readString(file(exports.run(ExportRequest.builder().template(lisbon).build())));
            assertThat(fromTemplate).contains("2026-07-15T11:00:00+01:00");
        }
    }

    private static LocalDateTime cell(Row row) {
        return row.getCell(1).getLocalDateTimeCellValue();
    }

    private static String pdfText(Path pdf) throws Exception {
        com.lowagie.text.pdf.PdfReader reader = new com.lowagie.text.pdf.PdfReader(pdf.toString());
        try {
            return new com.lowagie.text.pdf.parser.PdfTextExtractor(reader).getTextFromPage(1);
        } finally {
            reader.close();
        }
    }

    @Test
    void theCliTakesZoneAndTheEnvironmentsTimeZone(@TempDir Path demo) throws Exception {
        Cli.Run made = Cli.run("demo", "--rows", "20", "--dir", demo.toString(), "--json");
        assertThat(made.code()).as(made.err()).isZero();
        Cli.Run r = Cli.run("export", "--type", "students", "--format", "pdf", "--zone", "Europe/Athens", "--db",
                DemoCommand.url(demo, true), "--user", "sa", "--password", "", "--out", dir.resolve("out").toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(pdfText(Path.of(result.get("file").asText()))).containsPattern("\\+0[23]:00 \\(Europe/Athens\\)");

        Cli.Run bad = Cli.run("export", "--type", "students", "--format", "pdf", "--zone", "Mars/Olympus", "--db",
                DemoCommand.url(demo, true), "--user", "sa", "--password", "", "--out", dir.resolve("out").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Time zone 'Mars/Olympus' is unknown");
    }
}
