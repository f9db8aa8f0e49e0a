package org.smsexport.csv;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.ExportFormat;
import org.smsexport.InvalidRequestException;
import org.smsexport.csv.internal.Utf8Writer;
import org.smsexport.spi.CellText;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.FormulaGuard;
import org.smsexport.spi.RowCursor;

/**
 * The {@code csv} format: RFC 4180 CSV in UTF-8, a header row of localized column labels, ISO-8601 dates,
 * decimals with a dot and the column's scale, fields quoted only when needed. A {@code null} is an empty
 * field and an empty text is {@code ""}, so the two stay distinguishable.
 *
 * <p>Options (all optional):
 * <ul>
 * <li>{@code delimiter}: {@code comma} (default), {@code semicolon}, {@code tab} or {@code pipe}
 *     (or the character itself);</li>
 * <li>{@code bom}: {@code true} (default) writes a UTF-8 byte order mark, without which Excel on Windows
 *     reads the file as ANSI and shows Greek as mojibake; {@code false} for tools that choke on a BOM;</li>
 * <li>{@code line_ending}: {@code crlf} (default, as RFC 4180 says) or {@code lf};</li>
 * <li>{@code formula_guard}: {@code true} (default) neutralizes text starting with {@code = + - @},
 *     tab or CR with {@link FormulaGuard}; numbers in numeric columns are never touched;</li>
 * <li>{@code header}: {@code true} (default) writes the header row.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class CsvExporter implements Exporter {

    /** The format this exporter writes. */
    public static final ExportFormat FORMAT = new ExportFormat("csv", "csv", "text/csv; charset=utf-8");

    private static final Map<String, Character> DELIMITERS = new LinkedHashMap<>();

    static {
        DELIMITERS.put("comma", ',');
        DELIMITERS.put("semicolon", ';');
        DELIMITERS.put("tab", '\t');
        DELIMITERS.put("pipe", '|');
    }

    /** How often progress is reported and cancellation checked, in rows (a power of two). */
    private static final int CHECK_EVERY = 1024;

    /** Creates the exporter; it has no state. */
    public CsvExporter() {
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    @Override
    public Set<String> options() {
        return Set.of("delimiter", "bom", "line_ending", "formula_guard", "header");
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        Settings.of(options);
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
        Settings s = Settings.of(context.options());
        Utf8Writer sink = new Utf8Writer(out);
        if (s.bom) {
            sink.writeBom();
        }
        CsvWriter csv = CsvWriter.builder()
                .fieldSeparator(s.delimiter)
                .quoteStrategy(QuoteStrategies.EMPTY)
                .lineDelimiter(s.lineEnding)
                .bufferSize(0) // Utf8Writer is the buffer: one copy of each character, not two
                .build(sink);
        List<Column> columns = schema.columns();
        int n = columns.size();
        String[] fields = new String[n];
        try {
            if (s.header) {
                for (int i = 0; i < n; i++) {
                    fields[i] = s.guard ? FormulaGuard.neutralize(schema.labels().get(i)) : schema.labels().get(i);
                }
                csv.writeRecord(fields);
            }
            ColumnType[] types = new ColumnType[n];
            int[] scales = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = columns.get(i).type();
                scales[i] = columns.get(i).scale();
            }
            StringBuilder sb = new StringBuilder(64);
            ZoneId zone = schema.zone();
            long count = 0;
            while (rows.next()) {
                for (int i = 0; i < n; i++) {
                    Object v = rows.get(i);
                    fields[i] = v == null ? null : cell(columns.get(i), types[i], scales[i], v, s.guard, sb, zone);
                }
                csv.writeRecord(fields);
                if ((++count & (CHECK_EVERY - 1)) == 0) {
                    context.progress(count);
                    context.checkCancelled();
                }
            }
            csv.flush();
            context.progress(count);
        } catch (UncheckedIOException e) {
            // FastCSV wraps the stream's IOException; give the engine the real one
            throw e.getCause();
        }
    }

    private static String cell(Column column, ColumnType type, int scale, Object v, boolean guard, StringBuilder sb, ZoneId zone) {
        switch (type) {
            case TEXT:
                if (v instanceof String) {
                    return guard ? FormulaGuard.neutralize((String) v) : (String) v;
                }
                break;
            case INTEGER:
                if (v instanceof Long || v instanceof Integer) {
                    return Long.toString(((Number) v).longValue());
                }
                break;
            case DECIMAL:
                if (v instanceof Number) {
                    sb.setLength(0);
                    return CellText.appendDecimal(sb, (Number) v, scale).toString();
                }
                break;
            case DATE:
                if (v instanceof LocalDate) {
                    sb.setLength(0);
                    return CellText.appendDate(sb, (LocalDate) v).toString();
                }
                break;
            default:
                break;
        }
        // the rarer classes (StringBuilder text, Short, date-times, booleans) and type errors
        String text = CellText.format(column, v, zone);
        return guard && type == ColumnType.TEXT ? FormulaGuard.neutralize(text) : text;
    }

    /** Parsed options. */
    private static final class Settings {
        final char delimiter;
        final boolean bom;
        final LineDelimiter lineEnding;
        final boolean guard;
        final boolean header;

        private Settings(char delimiter, boolean bom, LineDelimiter lineEnding, boolean guard, boolean header) {
            this.delimiter = delimiter;
            this.bom = bom;
            this.lineEnding = lineEnding;
            this.guard = guard;
            this.header = header;
        }

        static Settings of(Map<String, String> options) {
            List<String> problems = new ArrayList<>();
            char delimiter = ',';
            String d = options.get("delimiter");
            if (d != null) {
                Character c = DELIMITERS.get(d.toLowerCase(java.util.Locale.ROOT));
                if (c == null && d.length() == 1 && DELIMITERS.containsValue(d.charAt(0))) {
                    c = d.charAt(0);
                }
                if (c == null) {
                    problems.add("Option 'delimiter' has value '" + d + "'; expected one of " + DELIMITERS.keySet() + ".");
                } else {
                    delimiter = c;
                }
            }
            boolean bom = bool(options, "bom", true, problems);
            LineDelimiter lineEnding = LineDelimiter.CRLF;
            String le = options.get("line_ending");
            if (le != null) {
                if (le.equalsIgnoreCase("lf")) {
                    lineEnding = LineDelimiter.LF;
                } else if (!le.equalsIgnoreCase("crlf")) {
                    problems.add("Option 'line_ending' has value '" + le + "'; expected one of [crlf, lf].");
                }
            }
            boolean guard = bool(options, "formula_guard", true, problems);
            boolean header = bool(options, "header", true, problems);
            if (!problems.isEmpty()) {
                throw new InvalidRequestException(String.join(" ", problems), null, null, FORMAT.id(), null);
            }
            return new Settings(delimiter, bom, lineEnding, guard, header);
        }

        private static boolean bool(Map<String, String> options, String key, boolean dflt, List<String> problems) {
            String v = options.get(key);
            if (v == null) {
                return dflt;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            problems.add("Option '" + key + "' has value '" + v + "'; expected one of [true, false].");
            return dflt;
        }
    }
}
