package org.smsexport.ods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.CellText;
import org.smsexport.support.FormulaGuard;
import org.smsexport.test.RecordingContext;

class OdsExporterTest {

    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");
    private static final Locale GREEK = Locale.forLanguageTag("el");

    @TempDir
    Path dir;

    @BeforeAll
    static void readers() throws Exception {
        boolean here = OdsFiles.odfpy();
        if (!here && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs python3-odf; it is missing");
        }
        Assumptions.assumeTrue(here, "python3-odf is not installed (apt-get install python3-odf)");
    }

    private static byte[] export(OdsExporter exporter, ExportType type, List<Object[]> rows, Locale locale, Map<String, String> options)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.write(ExportSchema.of(type, locale, ATHENS, Instant.parse("2026-12-07T08:30:00Z"), Map.of()), RowCursor.of(rows), out,
                RecordingContext.of(options));
        return out.toByteArray();
    }

    private static List<Object[]> rows(ExportType type, int n) {
        List<Object[]> rows = new ArrayList<>();
        Iterator<Object[]> it = SmsData.standard().rows(type, n);
        it.forEachRemaining(rows::add);
        return rows;
    }

    /** @return each value as CSV writes it (the guard on, as both formats have it by default) */
    private static List<String> csv(ExportType type, Object[] row) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < type.columns().size(); c++) {
            Column col = type.columns().get(c);
            String text = row[c] == null ? "" : CellText.format(col, row[c], ATHENS);
            out.add(col.type() == org.smsexport.ColumnType.TEXT ? FormulaGuard.neutralize(text) : text);
        }
        return out;
    }

    @Test
    void theHeaderIsBoldFrozenAndPrintedOnEveryPageAndTheMediaTypeComesFirst() throws Exception {
        byte[] file = export(new OdsExporter(), ExportType.GRADES, rows(ExportType.GRADES, 5), GREEK, Map.of());
        Map<String, String> parts = new java.util.LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                parts.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                if (parts.size() == 1) {
                    assertThat(e.getMethod()).as("mimetype is stored").isEqualTo(ZipEntry.STORED);
                }
            }
        }
        assertThat(parts.keySet()).startsWith("mimetype").contains("content.xml", "styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml");
        assertThat(parts.get("mimetype")).isEqualTo("application/vnd.oasis.opendocument.spreadsheet");
        String content = parts.get("content.xml");
        assertThat(content).contains("<table:table table:name=\"Βαθμολογίες\"", "<table:table-header-rows>", "fo:font-weight=\"bold\"",
                "fo:background-color=\"#" + ExportType.GRADES.colour() + "\"", "office:value-type=\"date\" office:date-value=\"");
        assertThat(parts.get("settings.xml")).contains("config:name=\"Βαθμολογίες\"", "VerticalSplitMode\" config:type=\"short\">2",
                "VerticalSplitPosition\" config:type=\"int\">1");
        assertThat(parts.get("styles.xml")).contains("style:print-orientation=\"landscape\"", "Σελίδα <text:page-number>");
        assertThat(parts.get("meta.xml")).contains("<dc:language>el</dc:language>");
    }

    @Test
    void pastItsRowsASheetContinuesOnAnotherWithItsHeader() throws Exception {
        List<Object[]> rows = rows(ExportType.COURSES, 7);
        Map<String, List<List<String>>> sheets = OdsFiles.sheets(export(new OdsExporter(3), ExportType.COURSES, rows, GREEK, Map.of()));
        assertThat(sheets.keySet()).containsExactly("Μαθήματα", "Μαθήματα (2)", "Μαθήματα (3)");
        int r = 0;
        for (List<List<String>> sheet : sheets.values()) {
            assertThat(sheet.get(0)).containsExactlyElementsOf(ExportType.COURSES.columnLabels(GREEK));
            for (List<String> row : sheet.subList(1, sheet.size())) {
                assertThat(row).containsExactlyElementsOf(csv(ExportType.COURSES, rows.get(r++)));
            }
        }
        assertThat(r).isEqualTo(7);
        // exactly a sheet's worth: no empty sheet after it
        assertThat(OdsFiles.sheets(export(new OdsExporter(3), ExportType.COURSES, rows.subList(0, 3), GREEK, Map.of()))).hasSize(1);
        assertThat(OdsFiles.sheets(export(new OdsExporter(3), ExportType.COURSES, List.of(), GREEK, Map.of())).get("Μαθήματα")).hasSize(1);
    }

    @Test
    void optionsAreCheckedAndThereIsNoPassword() {
        OdsExporter ods = new OdsExporter();
        assertThat(ods.options()).containsExactlyInAnyOrder("page_size", "orientation", "formula_guard");
        assertThatThrownBy(() -> ods.validateOptions(Map.of("orientation", "sideways"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'sideways'").hasMessageContaining("[auto, portrait, landscape]");
    }

    @Test
    void libreOfficeReadsEveryCellAsTheCsvHasIt() throws Exception {
        boolean here = Files.isExecutable(OdsFiles.SOFFICE);
        if (!here && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs LibreOffice (libreoffice-calc-nogui); it is missing");
        }
        Assumptions.assumeTrue(here, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)");
        Path profile = Files.createDirectories(dir.resolve("lo-profile"));
        for (ExportType type : ExportType.builtIns()) {
            for (Locale locale : new Locale[] {Locale.ENGLISH, GREEK}) {
                List<Object[]> rows = rows(type, 60);
                rows.add(rowWithSpaces(type));
                Path ods = Files.write(dir.resolve(type.name() + "-" + locale.getLanguage() + ".ods"), export(new OdsExporter(), type, rows, locale, Map.of()));
                Process p = new ProcessBuilder(OdsFiles.SOFFICE.toString(), "-env:UserInstallation=" + profile.toUri(), "--headless", "--convert-to",
                        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false", "--outdir", dir.toString(), ods.toString())
                        .redirectErrorStream(true).start();
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
                Path csv = dir.resolve(type.name() + "-" + locale.getLanguage() + ".csv");
                assertThat(csv).as(said).exists();
                List<List<String>> back = new ArrayList<>();
                try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
                    reader.forEach(rec -> back.add(rec.getFields()));
                }
                assertThat(back).hasSize(rows.size() + 1);
                assertThat(back.get(0)).containsExactlyElementsOf(type.columnLabels(locale));
                for (int r = 0; r < rows.size(); r++) {
                    assertThat(back.get(r + 1)).as(type.name() + " row " + r).containsExactlyElementsOf(csv(type, rows.get(r)));
                }
            }
        }
    }

    /**
     * A row of the type whose text cells have two spaces inside, one at each end, and a line break. (Not a tab: we write
     * it as LibreOffice itself does, text:tab, but its CSV export drops tabs from every cell; python3-odf reads ours back.)
     */
    private static Object[] rowWithSpaces(ExportType type) {
        Object[] row = rows(type, 1).get(0);
        for (int c = 0; c < type.columns().size(); c++) {
            if (type.columns().get(c).type() == org.smsexport.ColumnType.TEXT && row[c] != null) {
                row[c] = " two  spaces and a\nbreak ";
            }
        }
        return row;
    }
}
