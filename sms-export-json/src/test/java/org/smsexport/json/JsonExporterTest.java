package org.smsexport.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.CellText;
import org.smsexport.test.RecordingContext;

class JsonExporterTest {

    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");
    private static final Instant GENERATED = Instant.parse("2026-12-07T08:30:00Z");

    @TempDir
    Path dir;

    private static byte[] export(ExportType type, List<Object[]> rows, Map<String, String> options, Locale locale) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JsonExporter().write(ExportSchema.of(type, locale, ATHENS, GENERATED, Map.of("status", "active")), RowCursor.of(rows), out,
                RecordingContext.of(options));
        return out.toByteArray();
    }

    private static List<Object[]> rows(ExportType type, int n) {
        List<Object[]> rows = new ArrayList<>();
        Iterator<Object[]> it = SmsData.standard().rows(type, n);
        it.forEachRemaining(rows::add);
        return rows;
    }

    @Test
    void aDocumentSaysWhatItIsAndTypesEveryValue() throws Exception {
        ExportType grades = ExportType.GRADES;
        List<Object[]> rows = rows(grades, 3);
        rows.get(2)[12] = null;
        JsonNode doc = JsonExporterContractTest.JSON.readTree(export(grades, rows, Map.of(), Locale.forLanguageTag("el")));
        assertThat(doc.get("type").asText()).isEqualTo("grades");
        assertThat(doc.get("title").asText()).isEqualTo(grades.title(Locale.forLanguageTag("el")));
        assertThat(doc.get("generated_at").asText()).isEqualTo("2026-12-07T10:30:00+02:00");
        assertThat(doc.get("zone").asText()).isEqualTo("Europe/Athens");
        assertThat(doc.get("locale").asText()).isEqualTo("el");
        assertThat(doc.get("filters").get("status").asText()).isEqualTo("active");
        assertThat(doc.get("columns").get(7).toString()).isEqualTo("{\"id\":\"grade\",\"label\":\"" + grades.columnLabels(Locale.forLanguageTag("el")).get(7)
                + "\",\"type\":\"decimal\"}");
        assertThat(doc.get("row_count").asLong()).isEqualTo(3);
        JsonNode first = doc.get("rows").get(0);
        assertThat(first.get("id").isIntegralNumber()).isTrue();
        assertThat(first.get("grade").isBigDecimal()).isTrue();
        assertThat(first.get("grade").decimalValue()).isEqualTo(new BigDecimal(CellText.format(grades.columns().get(7), rows.get(0)[7], ATHENS)));
        assertThat(first.get("date_assigned").asText()).isEqualTo(rows.get(0)[11].toString()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(first.get("student_name").isTextual()).isTrue();
        assertThat(doc.get("rows").get(2).get("date_submitted").isNull()).isTrue();
        assertThat(doc.get("rows").get(2).has("date_submitted")).as("an empty value is null, not missing").isTrue();
    }

    @Test
    void dateTimesCarryTheZonesOffsetAndBooleansAreBooleans() throws Exception {
        ExportType t = ExportType.builder("events").columns(Column.integer("id"), Column.dateTime("at"), Column.bool("ok")).build();
        JsonNode doc = JsonExporterContractTest.JSON.readTree(export(t, List.<Object[]>of(new Object[] {1L, Instant.parse("2026-07-01T09:00:00Z"), true},
                new Object[] {2L, Instant.parse("2026-01-15T09:00:00Z"), false}), Map.of(), Locale.ENGLISH));
        assertThat(doc.get("rows").get(0).get("at").asText()).isEqualTo("2026-07-01T12:00:00+03:00");
        assertThat(doc.get("rows").get(1).get("at").asText()).isEqualTo("2026-01-15T11:00:00+02:00");
        assertThat(doc.get("rows").get(0).get("ok").isBoolean()).isTrue();
        assertThat(doc.get("rows").get(1).get("ok").asBoolean()).isFalse();
    }

    @Test
    void jsonLinesHaveOneRowObjectPerLineAndNothingElse() throws Exception {
        List<Object[]> rows = rows(ExportType.STUDENTS, 5);
        String text = new String(export(ExportType.STUDENTS, rows, Map.of("jsonl", "true"), Locale.ENGLISH), StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n");
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode row = JsonExporterContractTest.JSON.readTree(lines.get(i));
            assertThat(row.get("student_id").asText()).isEqualTo(rows.get(i)[1]);
            assertThat(row.size()).isEqualTo(ExportType.STUDENTS.columns().size());
        }
        assertThat(new JsonExporter().extension(Map.of("jsonl", "true"))).isEqualTo("jsonl");
        assertThat(new JsonExporter().extension(Map.of())).isEqualTo("json");
    }

    @Test
    void theFormulaGuardIsOffUnlessAskedFor() throws Exception {
        ExportType t = ExportType.builder("notes").columns(Column.text("note")).build();
        List<Object[]> rows = List.<Object[]>of(new Object[] {"=HYPERLINK(\"http://x.example\")"}, new Object[] {"plain"});
        JsonNode plain = JsonExporterContractTest.JSON.readTree(export(t, rows, Map.of(), Locale.ENGLISH));
        assertThat(plain.get("rows").get(0).get("note").asText()).isEqualTo("=HYPERLINK(\"http://x.example\")");
        JsonNode guarded = JsonExporterContractTest.JSON.readTree(export(t, rows, Map.of("formula_guard", "true"), Locale.ENGLISH));
        assertThat(guarded.get("rows").get(0).get("note").asText()).isEqualTo("'=HYPERLINK(\"http://x.example\")");
        assertThat(guarded.get("rows").get(1).get("note").asText()).isEqualTo("plain");
        assertThatThrownBy(() -> new JsonExporter().validateOptions(Map.of("jsonl", "maybe"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'maybe'").hasMessageContaining("[true, false]");
    }

    @Test
    void pythonsJsonReadsEveryValueAsTheCsvHasItTyped() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        for (ExportType type : ExportType.builtIns()) {
            List<Object[]> rows = rows(type, 200);
            Path file = Files.write(dir.resolve(type.name() + ".json"), export(type, rows, Map.of(), Locale.ENGLISH));
            // Python's own reader: decimals kept exact, each row printed as its values' texts, numbers marked as numbers
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                    "import json, sys, decimal",
                    "doc = json.load(open(sys.argv[1], encoding='utf-8'), parse_float=decimal.Decimal)",
                    "ids = [c['id'] for c in doc['columns']]",
                    "def show(v):",
                    "    if v is None: return ''",
                    "    if isinstance(v, bool): return 'true' if v else 'false'",
                    "    if isinstance(v, (int, decimal.Decimal)): return '#' + str(v)",
                    "    return v",
                    "for r in doc['rows']: print(json.dumps([show(r[i]) for i in ids], ensure_ascii=False))"), file.toString())
                    .redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
            assertThat(lines).hasSize(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                List<String> expected = new ArrayList<>();
                for (int c = 0; c < type.columns().size(); c++) {
                    Column col = type.columns().get(c);
                    Object v = rows.get(r)[c];
                    String text = v == null ? "" : CellText.format(col, v, ATHENS);
                    boolean number = v != null && (col.type() == org.smsexport.ColumnType.INTEGER || col.type() == org.smsexport.ColumnType.DECIMAL);
                    expected.add(number ? "#" + text : text);
                }
                assertThat(JsonExporterContractTest.JSON.readValue(lines.get(r), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { })).as(type.name() + " row " + r).isEqualTo(expected);
            }
        }
    }

    @Test
    void datesAreIsoDates() throws Exception {
        ExportType t = ExportType.builder("days").columns(Column.date("day")).build();
        JsonNode doc = JsonExporterContractTest.JSON.readTree(export(t, List.<Object[]>of(new Object[] {LocalDate.of(2026, 2, 28)}), Map.of(), Locale.ENGLISH));
        assertThat(doc.get("rows").get(0).get("day").asText()).isEqualTo("2026-02-28");
    }
}
