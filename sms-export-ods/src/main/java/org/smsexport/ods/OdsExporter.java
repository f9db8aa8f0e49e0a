package org.smsexport.ods;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.smsexport.support.Utf8Writer;
import org.smsexport.support.XmlText;
import org.smsexport.support.ZipPipe;

/**
 * Writes an OpenDocument spreadsheet (ODF 1.3, {@code .ods}), streamed: {@code content.xml} is written row by row into a
 * zip deflated on a thread of its own ({@link ZipPipe}), nothing held but the current row. Cells are typed as a
 * spreadsheet reads them — integers and decimals as numbers (decimals shown with the column's scale), dates as dates,
 * booleans as booleans, text (IDs such as {@code STU000123} too) as text, never a formula — and empty values are empty
 * cells. The header row is bold in the type's colour, frozen, and repeated on every printed page; columns are as wide as
 * their headers and types ask; the sheet is named in the export's language, and past {@value #MAX_DATA_ROWS_PER_SHEET}
 * rows the export continues on "Students (2)" and on, each with its header. Text keeps its spaces, tabs and line breaks
 * ({@code text:s}, {@code text:tab}, a paragraph per line); characters XML cannot hold become U+FFFD.
 *
 * <p>Options: {@code formula_guard} (on by default: text starting {@code = + - @}, tab or CR gets a {@code '} prefix, as
 * in CSV and XLSX), {@code page_size} and {@code orientation} for printing. There is no {@code password}: ODF's
 * encryption (per-entry Blowfish or AES under a key the manifest describes) is read by LibreOffice but by few others, and
 * a file a school cannot open elsewhere is no safeguard — export XLSX or PDF with a password instead. Stateless and
 * thread-safe.
 */
public final class OdsExporter implements Exporter {

    /** The format this exporter writes. */
    public static final ExportFormat FORMAT = new ExportFormat("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet");

    /** The rows a sheet holds below its header, as in XLSX (LibreOffice's limit before 7.4, and Excel's). */
    public static final int MAX_DATA_ROWS_PER_SHEET = 1_048_575;

    private static final List<OptionSpec> OPTIONS = List.of(FormatOptions.PAGE_SIZE, FormatOptions.ORIENTATION, FormatOptions.FORMULA_GUARD);
    private static final int CHECK_EVERY = 1024;
    private static final byte[] ROW_START = ascii("<table:table-row>");
    private static final byte[] ROW_END = ascii("</table:table-row>\n");
    private static final byte[] EMPTY = ascii("<table:table-cell/>");
    private static final byte[] FLOAT = ascii("<table:table-cell office:value-type=\"float\" office:value=\"");
    private static final byte[] STRING = ascii("<table:table-cell office:value-type=\"string\"><text:p>");
    private static final byte[] STRING_END = ascii("</text:p></table:table-cell>");
    /** A typed cell ends with its value: a reader shows it by the cell's style (a paragraph of text would only double it). */
    private static final byte[] VALUE_END = ascii("\"/>");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final int rowsPerSheet;

    /** Creates the exporter with {@value #MAX_DATA_ROWS_PER_SHEET} rows per sheet. */
    public OdsExporter() {
        this(MAX_DATA_ROWS_PER_SHEET);
    }

    /**
     * @param rowsPerSheet data rows per sheet before continuing on the next, 1 to {@value #MAX_DATA_ROWS_PER_SHEET}
     */
    public OdsExporter(int rowsPerSheet) {
        if (rowsPerSheet < 1 || rowsPerSheet > MAX_DATA_ROWS_PER_SHEET) {
            throw new IllegalArgumentException("rowsPerSheet must be 1.." + MAX_DATA_ROWS_PER_SHEET + ", got " + rowsPerSheet);
        }
        this.rowsPerSheet = rowsPerSheet;
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    /** @return paper size and orientation when printed, and the formula guard */
    @Override
    public List<OptionSpec> optionSpecs() {
        return OPTIONS;
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        settings(options);
    }

    private record Settings(boolean guard, boolean letter, String orientation) {
    }

    private static Settings settings(Map<String, String> options) {
        FormatOptions o = FormatOptions.of(FORMAT.id(), options);
        Settings s = new Settings(o.bool(FormatOptions.FORMULA_GUARD), o.choice(FormatOptions.PAGE_SIZE).equals("letter"),
                o.choice(FormatOptions.ORIENTATION));
        o.check();
        return s;
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream target, ExportContext context) throws IOException {
        Settings settings = settings(context.options());
        boolean landscape = FormatOptions.landscape(settings.orientation(), schema.columns().size());
        List<String> sheets = new ArrayList<>();
        long count = 0;
        long replaced;
        try (ZipPipe zip = new ZipPipe(target, FORMAT.id())) {
            // ODF: the media type first, stored, so that a reader knows the package from its first bytes
            zip.putStoredEntry("mimetype", FORMAT.mediaType().getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry("content.xml");
            Utf8Writer out = new Utf8Writer(zip);
            Cells cells = new Cells(out, schema, settings.guard());
            out.write(Parts.contentStart(schema));
            int inSheet = 0;
            while (rows.next()) {
                if (inSheet == 0) {
                    String name = sheets.isEmpty() ? schema.sheetName() : schema.sheetName() + " (" + (sheets.size() + 1) + ")";
                    sheets.add(name);
                    out.write(Parts.tableStart(schema, name));
                }
                out.writeAscii(ROW_START, 0, ROW_START.length);
                for (int i = 0; i < schema.columns().size(); i++) {
                    cells.write(i, rows.get(i));
                }
                out.writeAscii(ROW_END, 0, ROW_END.length);
                count++;
                if (++inSheet == rowsPerSheet) {
                    out.write(Parts.TABLE_END);
                    inSheet = 0;
                }
                if (count % CHECK_EVERY == 0) {
                    context.progress(count);
                    context.checkCancelled();
                }
            }
            if (sheets.isEmpty()) {
                sheets.add(schema.sheetName());
                out.write(Parts.tableStart(schema, schema.sheetName()));
                inSheet = 1;
            }
            if (inSheet > 0) {
                out.write(Parts.TABLE_END);
            }
            out.write(Parts.CONTENT_END);
            out.flush();
            replaced = out.replacedCharacters() + cells.replaced;
            zip.closeEntry();
            part(zip, "styles.xml", Parts.styles(schema, settings.letter(), landscape));
            part(zip, "meta.xml", Parts.meta(schema));
            part(zip, "settings.xml", Parts.settings(sheets));
            part(zip, "META-INF/manifest.xml", Parts.MANIFEST);
            zip.finish();
        }
        if (replaced > 0) {
            context.warn(replaced + " characters that an OpenDocument file cannot hold were written as U+FFFD.");
        }
        context.progress(count);
    }

    private static void part(ZipPipe zip, String name, String xml) throws IOException {
        zip.putNextEntry(name);
        zip.write(xml.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One row's cells into content.xml: typed values (shown by their styles), text with its whitespace kept. */
    private static final class Cells {
        private final Utf8Writer out;
        private final ExportSchema schema;
        private final boolean guard;
        private final Column[] columns;
        private final byte[][] styled;
        private final StringBuilder sb = new StringBuilder(256);
        long replaced;

        Cells(Utf8Writer out, ExportSchema schema, boolean guard) {
            this.out = out;
            this.schema = schema;
            this.guard = guard;
            this.columns = schema.columns().toArray(Column[]::new);
            this.styled = new byte[columns.length][];
            for (int i = 0; i < columns.length; i++) {
                Column c = columns[i];
                String style = Parts.cellStyle(c);
                String type = c.type() == ColumnType.DATE || c.type() == ColumnType.DATETIME ? "date" : c.type() == ColumnType.BOOLEAN ? "boolean" : "float";
                String valueAttribute = type.equals("date") ? "office:date-value" : type.equals("boolean") ? "office:boolean-value" : "office:value";
                styled[i] = ascii("<table:table-cell" + (style == null ? "" : " table:style-name=\"" + style + "\"") + " office:value-type=\""
                        + type + "\" " + valueAttribute + "=\"");
            }
        }

        void write(int i, Object v) throws IOException {
            if (v == null) {
                out.writeAscii(EMPTY, 0, EMPTY.length);
                return;
            }
            Column c = columns[i];
            switch (c.type()) {
                case TEXT:
                    if (v instanceof CharSequence) {
                        text(guard ? FormulaGuard.neutralize(v.toString()) : v.toString());
                        return;
                    }
                    break;
                case INTEGER:
                    if (c.type().accepts(v)) {
                        long n = ((Number) v).longValue();
                        out.writeAscii(FLOAT, 0, FLOAT.length);
                        out.writeLong(n);
                        out.writeAscii(VALUE_END, 0, VALUE_END.length);
                        return;
                    }
                    break;
                case DECIMAL:
                    if (v instanceof Number) {
                        String shown = CellText.format(c, v, schema.zone());
                        if (!shown.isEmpty() && Character.isDigit(shown.charAt(shown.length() - 1))) {
                            typed(i, shown);
                        } else {
                            // NaN or an infinity: no number a spreadsheet holds; its text
                            text(shown);
                        }
                        return;
                    }
                    break;
                case DATE:
                    if (v instanceof LocalDate) {
                        String iso = CellText.format(c, v, schema.zone());
                        typed(i, iso);
                        return;
                    }
                    break;
                case DATETIME:
                    if (c.type().accepts(v)) {
                        // a spreadsheet's date-time has no zone: the export zone's wall time, as the header's zone says
                        LocalDateTime local = CellText.toZoned(v, schema.zone()).toLocalDateTime();
                        typed(i, LOCAL.format(local));
                        return;
                    }
                    break;
                case BOOLEAN:
                    if (v instanceof Boolean) {
                        typed(i, v.toString());
                        return;
                    }
                    break;
                default:
                    break;
            }
            // a value of the wrong type: refused naming the column, as by every format
            CellText.format(c, v, schema.zone());
            throw new IllegalStateException("unreachable: " + c.type());
        }

        private void typed(int i, String value) throws IOException {
            out.writeAscii(styled[i], 0, styled[i].length);
            out.write(value);
            out.writeAscii(VALUE_END, 0, VALUE_END.length);
        }

        /** Text in paragraphs, one per line, its spaces and tabs kept as ODF says (a reader collapses plain whitespace). */
        private void text(String s) throws IOException {
            out.writeAscii(STRING, 0, STRING.length);
            int n = s.length();
            if (XmlText.plain(s) && (n == 0 || s.charAt(0) != ' ' && s.charAt(n - 1) != ' ' && !s.contains("  "))) {
                out.write(s);
            } else {
                sb.setLength(0);
                int i = 0;
                while (i < n) {
                    char ch = s.charAt(i);
                    if (ch == ' ') {
                        int j = i;
                        while (j < n && s.charAt(j) == ' ') {
                            j++;
                        }
                        int run = j - i;
                        boolean edge = i == 0 || j == n;
                        if (!edge) {
                            sb.append(' ');
                            run--;
                        }
                        if (run == 1) {
                            sb.append("<text:s/>");
                        } else if (run > 1) {
                            sb.append("<text:s text:c=\"").append(run).append("\"/>");
                        }
                        i = j;
                    } else if (ch == '\t') {
                        sb.append("<text:tab/>");
                        i++;
                    } else if (ch == '\n') {
                        // a spreadsheet's cell holds lines as paragraphs (LibreOffice drops a text:line-break in a cell)
                        sb.append("</text:p><text:p>");
                        i++;
                    } else {
                        int j = i;
                        while (j < n && s.charAt(j) != ' ' && s.charAt(j) != '\t' && s.charAt(j) != '\n') {
                            j++;
                        }
                        replaced += XmlText.append(sb, s, i, j);
                        i = j;
                    }
                }
                out.write(sb.toString());
            }
            out.writeAscii(STRING_END, 0, STRING_END.length);
        }
    }

    /** @return the decimal scales the schema's columns use, for their number styles */
    static Set<Integer> scales(ExportSchema schema) {
        Set<Integer> out = new TreeSet<>();
        for (Column c : schema.columns()) {
            if (c.type() == ColumnType.DECIMAL) {
                out.add(c.scale());
            }
        }
        return out;
    }
}
