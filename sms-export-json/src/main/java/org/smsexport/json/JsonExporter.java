package org.smsexport.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.ExportFormat;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.OptionSpec;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.CellText;
import org.smsexport.support.FormatOptions;
import org.smsexport.support.FormulaGuard;

/**
 * Writes an export as one JSON document, streamed by Jackson's generator (nothing held but the current row):
 *
 * <pre>{@code
 * {"type":"students","title":"Student Export Report","generated_at":"2026-12-07T10:30:00+02:00","zone":"Europe/Athens",
 *  "locale":"el","filters":{"status":"active"},
 *  "columns":[{"id":"id","label":"Α/Α","type":"integer"}, …],
 *  "rows":[{"id":1,"student_id":"STU000001", …,"enrollment_date":"2023-08-17","status":"active"}, …],
 *  "row_count":300}
 * }</pre>
 *
 * Values are typed and keyed by column id: integers and decimals as JSON numbers (decimals with the column's scale, as in
 * CSV), dates ({@code 2026-12-07}) and date-times (ISO-8601 with the export zone's offset) as strings, booleans as
 * booleans, empty values as {@code null}. Options: {@code jsonl=true} writes JSON Lines instead, one row object per line
 * and nothing else (extension {@code jsonl}); {@code formula_guard} is off by default (JSON is not a spreadsheet) and,
 * on, neutralizes text as CSV does. Text that cannot be UTF-8 (an unpaired surrogate) is written as U+FFFD. Stateless and
 * thread-safe.
 */
public final class JsonExporter implements Exporter {

    /** The format this exporter writes. */
    public static final ExportFormat FORMAT = new ExportFormat("json", "json", "application/json");

    private static final OptionSpec JSONL = OptionSpec.bool("jsonl", false)
            .label("en", "One row per line (JSON Lines)").label("el", "Μία γραμμή ανά εγγραφή (JSON Lines)")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final OptionSpec GUARD = OptionSpec.bool("formula_guard", false)
            .label("en", "Neutralize formulas (for files opened in a spreadsheet)")
            .label("el", "Εξουδετέρωση τύπων (για αρχεία που ανοίγουν σε υπολογιστικό φύλλο)")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final List<OptionSpec> OPTIONS = List.of(JSONL, GUARD);
    /** Rows between progress reports and cancellation checks. */
    private static final int CHECK_EVERY = 4096;
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Creates the exporter; it has no state. */
    public JsonExporter() {
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    /** @return {@code jsonl} (JSON Lines) and {@code formula_guard} (off) */
    @Override
    public List<OptionSpec> optionSpecs() {
        return OPTIONS;
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        settings(options);
    }

    /** @return {@code jsonl} for JSON Lines, else {@code json} */
    @Override
    public String extension(Map<String, String> options) {
        return settings(options).lines ? "jsonl" : "json";
    }

    private record Settings(boolean lines, boolean guard) {
    }

    private static Settings settings(Map<String, String> options) {
        FormatOptions o = FormatOptions.of(FORMAT.id(), options);
        Settings s = new Settings(o.bool(JSONL), o.bool(GUARD));
        o.check();
        return s;
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
        Settings s = settings(context.options());
        List<Column> columns = schema.columns();
        int n = columns.size();
        SerializedString[] names = new SerializedString[n];
        for (int i = 0; i < n; i++) {
            names[i] = new SerializedString(columns.get(i).key());
        }
        long count = 0;
        // the generator closes what it writes to: it gets a view of out that only flushes
        try (JsonGenerator g = FACTORY.createGenerator(Exporter.keepingOpen(out), JsonEncoding.UTF8)) {
            if (s.lines) {
                g.setRootValueSeparator(null);
            } else {
                head(g, schema);
            }
            while (rows.next()) {
                g.writeStartObject();
                for (int i = 0; i < n; i++) {
                    g.writeFieldName(names[i]);
                    value(g, columns.get(i), rows.get(i), schema, s.guard);
                }
                g.writeEndObject();
                if (s.lines) {
                    g.writeRaw('\n');
                }
                if (++count % CHECK_EVERY == 0) {
                    context.progress(count);
                    context.checkCancelled();
                }
            }
            if (!s.lines) {
                g.writeEndArray();
                g.writeNumberField("row_count", count);
                g.writeEndObject();
                g.writeRaw('\n');
            }
        }
        context.progress(count);
    }

    /** The document's start: what the export is, then its columns, then the opening of its rows. */
    private static void head(JsonGenerator g, ExportSchema schema) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", schema.type().name());
        g.writeStringField("title", schema.title());
        g.writeStringField("generated_at", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.ofInstant(schema.generatedAt(), schema.zone())));
        g.writeStringField("zone", schema.zone().getId());
        g.writeStringField("locale", schema.locale().toLanguageTag());
        g.writeObjectFieldStart("filters");
        for (Map.Entry<String, String> f : schema.filters().entrySet()) {
            g.writeStringField(f.getKey(), clean(f.getValue()));
        }
        g.writeEndObject();
        g.writeArrayFieldStart("columns");
        for (int i = 0; i < schema.columns().size(); i++) {
            Column c = schema.columns().get(i);
            g.writeStartObject();
            g.writeStringField("id", c.key());
            g.writeStringField("label", clean(schema.labels().get(i)));
            g.writeStringField("type", c.type().id());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
    }

    private static void value(JsonGenerator g, Column column, Object v, ExportSchema schema, boolean guard) throws IOException {
        if (v == null) {
            g.writeNull();
            return;
        }
        ColumnType type = column.type();
        switch (type) {
            case TEXT:
                if (v instanceof CharSequence) {
                    String text = clean(v.toString());
                    g.writeString(guard ? FormulaGuard.neutralize(text) : text);
                    return;
                }
                break;
            case INTEGER:
                if (type.accepts(v)) {
                    g.writeNumber(((Number) v).longValue());
                    return;
                }
                break;
            case DECIMAL:
                if (v instanceof Number) {
                    // the column's scale, as CSV writes it; a value that is no number (NaN, infinity) is none in JSON
                    String text = CellText.format(column, v, schema.zone());
                    if (text.isEmpty() || !Character.isDigit(text.charAt(text.length() - 1))) {
                        g.writeNull();
                    } else {
                        g.writeNumber(text);
                    }
                    return;
                }
                break;
            case BOOLEAN:
                if (v instanceof Boolean) {
                    g.writeBoolean((Boolean) v);
                    return;
                }
                break;
            default:
                break;
        }
        // dates and date-times as ISO-8601 text; a value of the wrong type is refused naming the column, as everywhere
        g.writeString(CellText.format(column, v, schema.zone()));
    }

    /** @return the text with every unpaired surrogate (which no UTF-8 can carry) as U+FFFD; the text itself when it has none */
    static String clean(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && !Character.isSurrogate(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder b = new StringBuilder(n).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
