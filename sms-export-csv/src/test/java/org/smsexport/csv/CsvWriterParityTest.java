package org.smsexport.csv;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.support.Utf8Writer;

/**
 * The exporter writes data rows itself (digits and dates with no String per value); these bytes must be FastCSV's,
 * cell for cell, over sample rows salted with every case the quoting rules know — empty, {@code null}, the
 * delimiters, quotes, CR, LF, a leading {@code #}, formula triggers, Greek, emoji, extreme numbers, decimals near a tie, and dates — for
 * every delimiter, both line endings, the guard on and off.
 */
class CsvWriterParityTest {

    private static final Object[] TEXTS = {"", null, "#x", "x#", "a,b", "a;b", "a\tb", "a|b", "q\"q", "\"", "l\nf", "c\rr", "\r\n",
        "=1+2", "+31", "-x", "@me", " sp ", "Ελένη Παπαδοπούλου", "Zoë 😀", "\uD800", "plain"};
    private static final Object[] INTEGERS = {0L, -1L, 7, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE, 1234567890123L, (short) 5};
    private static final Object[] DECIMALS = {0.0, -0.0, -0.001, -0.5, 2.675, 1.005, 0.125, 99.999, -12.345, 1e14, 1e300,
        Double.NaN, Double.NEGATIVE_INFINITY, 7, new java.math.BigDecimal("3.14159"), 0.1 + 0.2, 5e-7, -99999.995};
    private static final Object[] DATES = {LocalDate.of(0, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.of(-1, 3, 4),
        LocalDate.of(10000, 1, 1), LocalDate.of(2026, 2, 28)};

    @ParameterizedTest
    @CsvSource({"comma,crlf,true", "semicolon,lf,true", "tab,crlf,false", "pipe,lf,false", "comma,lf,false"})
    void dataRowsAreFastCsvsBytes(String delimiter, String lineEnding, boolean guard) throws Exception {
        // a type of the host's whose first column is text: FastCSV quotes a record's first field starting with '#'
        ExportType notes = ExportType.builder("notes").columns(Column.text("note"), Column.integer("n"), Column.date("day"),
                Column.text("more")).build();
        for (ExportType type : List.of(ExportType.STUDENTS, ExportType.GRADES, ExportType.COURSES, notes)) {
            ExportSchema schema = ExportSchema.of(type, Locale.ENGLISH, ZoneOffset.UTC, Instant.parse("2026-12-01T10:00:00Z"), Map.of());
            CsvExporter.Settings settings = CsvExporter.Settings.of(Map.of("delimiter", delimiter, "line_ending", lineEnding,
                    "formula_guard", Boolean.toString(guard)));
            List<Column> columns = schema.columns();
            int n = columns.size();
            List<Object[]> rows = new ArrayList<>();
            if (type == notes) {
                for (int r = 0; r < 3000; r++) {
                    rows.add(new Object[] {"n" + r, (long) r, LocalDate.of(2026, 1, 1).plusDays(r), "m"});
                }
            } else {
                SmsData.standard().rows(type, 3000).forEachRemaining(rows::add);
            }
            for (int r = 0; r < rows.size(); r += 3) {
                Object[] row = Arrays.copyOf(rows.get(r), n);
                for (int i = 0; i < n; i++) {
                    switch (columns.get(i).type()) {
                        case TEXT:
                            row[i] = TEXTS[(r / 3 + i) % TEXTS.length];
                            break;
                        case INTEGER:
                            row[i] = INTEGERS[(r / 3 + i) % INTEGERS.length];
                            break;
                        case DATE:
                            row[i] = DATES[(r / 3 + i) % DATES.length];
                            break;
                        case DECIMAL:
                            row[i] = DECIMALS[(r / 3 + i) % DECIMALS.length];
                            break;
                        default:
                            row[i] = r % 9 == 0 ? null : row[i];
                    }
                }
                rows.set(r, row);
            }
            Object[] block = new Object[rows.size() * n];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, block, r * n, n);
            }

            CsvExporter.RowFormatter ours = new CsvExporter.RowFormatter(schema, settings);
            CsvExporter.ExposedBytes got = new CsvExporter.ExposedBytes();
            ours.format(block, rows.size(), got);

            ByteArrayOutputStream want = new ByteArrayOutputStream();
            Utf8Writer utf8 = new Utf8Writer(want);
            CsvWriter fast = CsvWriter.builder().fieldSeparator(settings.delimiter).quoteStrategy(QuoteStrategies.EMPTY)
                    .lineDelimiter(settings.lineEnding).bufferSize(0).build(utf8);
            StringBuilder sb = new StringBuilder();
            String[] fields = new String[n];
            for (Object[] row : rows) {
                for (int i = 0; i < n; i++) {
                    Column c = columns.get(i);
                    fields[i] = row[i] == null ? null : CsvExporter.cell(c, c.type(), c.scale(), row[i], guard, sb, ZoneOffset.UTC);
                }
                fast.writeRecord(fields);
            }
            utf8.flush();
            assertThat(got.toByteArray()).as(type.name() + " " + delimiter + " " + lineEnding + " guard " + guard)
                    .isEqualTo(want.toByteArray());
        }
    }
}
