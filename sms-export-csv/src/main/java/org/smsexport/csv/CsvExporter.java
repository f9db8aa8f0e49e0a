package org.smsexport.csv;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import net.lingala.zip4j.io.outputstream.ZipOutputStream;
import net.lingala.zip4j.model.ZipParameters;
import net.lingala.zip4j.model.enums.AesKeyStrength;
import net.lingala.zip4j.model.enums.CompressionMethod;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.ExportFormat;
import org.smsexport.spi.CellText;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.FormatOptions;
import org.smsexport.spi.FormulaGuard;
import org.smsexport.spi.RowCursor;
import org.smsexport.spi.Utf8Writer;

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
 * <p>On machines with more than one core, each export formats two of every three 1,024-row blocks on a
 * second thread of its own, while the calling thread reads the cursor, formats the third block and writes
 * all of them in order; the cursor is only ever read by the calling thread.
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

    /** Rows formatted by the exporter's thread per round; progress and cancellation are checked every round. */
    private static final int BLOCK = 1024;
    /** Rows formatted by the helper thread per round. */
    private static final int HELPER_BLOCK = 2 * BLOCK;
    /** A second formatting thread pays off only with a second core. */
    private static final boolean PARALLEL = Runtime.getRuntime().availableProcessors() > 1;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Creates the exporter; it has no state. */
    public CsvExporter() {
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    @Override
    public Set<String> options() {
        return Set.of("delimiter", "bom", "line_ending", "formula_guard", "header", "password");
    }

    /** @return {@code csv.zip} with a password: the CSV inside an AES-256 encrypted ZIP; {@code csv} otherwise */
    @Override
    public String extension(Map<String, String> options) {
        return Settings.of(options).password != null ? "csv.zip" : "csv";
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        Settings.of(options);
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
        Settings s = Settings.of(context.options());
        if (s.password == null) {
            writeCsv(schema, rows, out, context, s);
            return;
        }
        // encrypted as it is written: no clear copy of the CSV on disk at any point; the job's SHA-256 is the ZIP's
        ZipParameters entry = new ZipParameters();
        entry.setEncryptFiles(true);
        entry.setEncryptionMethod(EncryptionMethod.AES);
        entry.setAesKeyStrength(AesKeyStrength.KEY_STRENGTH_256);
        entry.setCompressionMethod(CompressionMethod.DEFLATE);
        entry.setFileNameInZip(schema.type().name() + "_" + context.jobId() + ".csv");
        char[] password = s.password.toCharArray();
        try (ZipOutputStream zip = new ZipOutputStream(new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the caller closes the file
            }
        }, password)) {
            zip.putNextEntry(entry);
            writeCsv(schema, rows, zip, context, s);
            zip.closeEntry();
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private void writeCsv(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context, Settings s) throws IOException {
        int n = schema.columns().size();
        RowFormatter mine = new RowFormatter(schema, s);
        if (s.bom) {
            out.write(BOM);
        }
        if (s.header) {
            mine.header(schema.labels());
            mine.drainTo(out);
        }
        // Rounds of three blocks: the helper formats the first two while this thread, which alone reads the
        // cursor, formats the third; then both are written in order. Reading costs this thread about a third
        // of what formatting does, hence two blocks for the helper and one here.
        Object[] a = new Object[HELPER_BLOCK * n];
        Object[] b = new Object[BLOCK * n];
        long count = 0;
        RowFormatter other = PARALLEL ? new RowFormatter(schema, s) : null;
        try (Helper helper = other != null ? new Helper(other) : null) {
            boolean more = true;
            while (more) {
                int ra = fill(rows, a, n, HELPER_BLOCK);
                int rb = 0;
                if (helper != null && ra == HELPER_BLOCK) {
                    helper.submit(a, ra);
                    rb = fill(rows, b, n, BLOCK);
                    mine.format(b, rb);
                    helper.awaitAndDrainTo(out);
                } else {
                    mine.format(a, ra);
                }
                mine.drainTo(out);
                count += ra + rb;
                more = ra == HELPER_BLOCK && (helper == null || rb == BLOCK);
                context.progress(count);
                context.checkCancelled();
            }
        }
        long replaced = mine.utf8.replacedCharacters() + (other == null ? 0 : other.utf8.replacedCharacters());
        if (replaced > 0) {
            // as XLSX and PDF do: the file differs from the data, so the job says so (never which values)
            context.warn(replaced + " character(s) that UTF-8 cannot hold (unpaired surrogates) were replaced with U+FFFD.");
        }
    }

    /** Reads up to {@code max} rows' values into {@code block}; fewer only at the end of the cursor. */
    private static int fill(RowCursor rows, Object[] block, int n, int max) {
        int r = 0;
        while (r < max && rows.next()) {
            int base = r * n;
            for (int i = 0; i < n; i++) {
                block[base + i] = rows.get(i);
            }
            r++;
        }
        return r;
    }

    /**
     * Formats blocks of rows into UTF-8 CSV bytes. The header goes through FastCSV; data rows are written straight
     * into one char buffer with FastCSV's own rules — a field is quoted when it is empty, holds the delimiter, a
     * quote, CR or LF, or is the first of its record and starts with FastCSV's comment character {@code #}; quotes
     * are doubled; {@code null} is nothing — so integers and dates are appended as digits with no String per value,
     * and each block is encoded in large steps. {@code CsvWriterParityTest} holds the bytes to FastCSV's. Used by
     * one thread at a time.
     */
    static final class RowFormatter {
        private final List<Column> columns;
        private final ColumnType[] types;
        private final int[] scales;
        private final String[] fields;
        private final boolean guard;
        private final ZoneId zone;
        private final char delimiter;
        private final char[] newline;
        private final StringBuilder sb = new StringBuilder(64);
        private final ExposedBytes bytes = new ExposedBytes();
        private final Utf8Writer utf8 = new Utf8Writer(bytes);
        private final CsvWriter csv;
        private char[] line = new char[32 * 1024];
        private int len;

        RowFormatter(ExportSchema schema, Settings s) {
            this.columns = schema.columns();
            int n = columns.size();
            this.types = new ColumnType[n];
            this.scales = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = columns.get(i).type();
                scales[i] = columns.get(i).scale();
            }
            this.fields = new String[n];
            this.guard = s.guard;
            this.zone = schema.zone();
            this.delimiter = s.delimiter;
            this.newline = s.lineEnding == LineDelimiter.LF ? new char[] {'\n'} : new char[] {'\r', '\n'};
            this.csv = CsvWriter.builder()
                    .fieldSeparator(s.delimiter)
                    .quoteStrategy(QuoteStrategies.EMPTY)
                    .lineDelimiter(s.lineEnding)
                    .bufferSize(0) // Utf8Writer is the buffer: one copy of each character, not two
                    .build(utf8);
        }

        void header(List<String> labels) throws IOException {
            for (int i = 0; i < fields.length; i++) {
                fields[i] = guard ? FormulaGuard.neutralize(labels.get(i)) : labels.get(i);
            }
            csv.writeRecord(fields);
            utf8.flush();
        }

        void format(Object[] block, int rows) throws IOException {
            int n = fields.length;
            for (int r = 0; r < rows; r++) {
                int base = r * n;
                // the longest a row of plain digits and dates can be before a text field makes room for itself
                room(n * 24 + 2);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        line[len++] = delimiter;
                    }
                    Object v = block[base + i];
                    if (v == null) {
                        continue;
                    }
                    ColumnType t = types[i];
                    if (t == ColumnType.INTEGER && (v instanceof Long || v instanceof Integer)) {
                        appendLong(((Number) v).longValue());
                    } else if (t == ColumnType.DATE && v instanceof LocalDate && fastDate((LocalDate) v)) {
                        appendDate((LocalDate) v);
                    } else {
                        appendText(cell(columns.get(i), t, scales[i], v, guard, sb, zone), i == 0);
                    }
                }
                for (char c : newline) {
                    line[len++] = c;
                }
                if (len > line.length / 2) {
                    utf8.write(line, 0, len);
                    len = 0;
                }
            }
            utf8.write(line, 0, len);
            len = 0;
            utf8.flush();
        }

        private void room(int more) {
            if (len + more > line.length) {
                line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + more));
            }
        }

        private void appendLong(long v) {
            if (v == Long.MIN_VALUE) {
                String s = Long.toString(v);
                s.getChars(0, s.length(), line, len);
                len += s.length();
                return;
            }
            if (v < 0) {
                line[len++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long x = v; x >= 10; x /= 10) {
                digits++;
            }
            int p = len + digits;
            len = p;
            do {
                line[--p] = (char) ('0' + (int) (v % 10));
                v /= 10;
            } while (v != 0);
        }

        private static boolean fastDate(LocalDate d) {
            int y = d.getYear();
            return y >= 0 && y <= 9999;
        }

        /** As {@link CellText#appendDate}: {@code yyyy-MM-dd} for years 0 to 9999. */
        private void appendDate(LocalDate d) {
            int y = d.getYear();
            int m = d.getMonthValue();
            int day = d.getDayOfMonth();
            char[] b = line;
            int p = len;
            b[p++] = (char) ('0' + y / 1000);
            b[p++] = (char) ('0' + y / 100 % 10);
            b[p++] = (char) ('0' + y / 10 % 10);
            b[p++] = (char) ('0' + y % 10);
            b[p++] = '-';
            b[p++] = (char) ('0' + m / 10);
            b[p++] = (char) ('0' + m % 10);
            b[p++] = '-';
            b[p++] = (char) ('0' + day / 10);
            b[p++] = (char) ('0' + day % 10);
            len = p;
        }

        /** A text field by FastCSV's rules (see the class comment). */
        private void appendText(String s, boolean first) {
            int l = s.length();
            boolean quote = l == 0 || first && s.charAt(0) == '#';
            for (int k = 0; k < l && !quote; k++) {
                char c = s.charAt(k);
                quote = c == delimiter || c == '"' || c == '\r' || c == '\n';
            }
            if (!quote) {
                room(l + 24 * fields.length);
                s.getChars(0, l, line, len);
                len += l;
                return;
            }
            room(2 * l + 2 + 24 * fields.length);
            line[len++] = '"';
            for (int k = 0; k < l; k++) {
                char c = s.charAt(k);
                if (c == '"') {
                    line[len++] = '"';
                }
                line[len++] = c;
            }
            line[len++] = '"';
        }

        void drainTo(OutputStream out) throws IOException {
            bytes.writeTo(out);
            bytes.reset();
        }
    }

    /** A byte array output stream whose buffer is written out without a copy. */
    private static final class ExposedBytes extends ByteArrayOutputStream {
        ExposedBytes() {
            super(256 * 1024);
        }

        @Override
        public synchronized void writeTo(OutputStream out) throws IOException {
            out.write(buf, 0, count);
        }
    }

    /** The second formatting thread of one export; lives as long as the export. */
    private static final class Helper implements AutoCloseable {
        private static final Object[] STOP = new Object[0];

        private final RowFormatter formatter;
        private final BlockingQueue<Object[]> tasks = new ArrayBlockingQueue<>(1);
        private final BlockingQueue<Object> results = new ArrayBlockingQueue<>(1);
        private final Thread thread;
        private volatile int rows;

        Helper(RowFormatter formatter) {
            this.formatter = formatter;
            this.thread = org.smsexport.spi.ExportThreads.start("csv", this::loop);
        }

        private void loop() {
            try {
                while (true) {
                    Object[] block = tasks.take();
                    if (block == STOP) {
                        return;
                    }
                    Object result = Boolean.TRUE;
                    try {
                        formatter.format(block, rows);
                    } catch (IOException | RuntimeException e) {
                        result = e;
                    }
                    results.put(result);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void submit(Object[] block, int rowCount) throws IOException {
            rows = rowCount;
            try {
                tasks.put(block);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while exporting");
            }
        }

        void awaitAndDrainTo(OutputStream out) throws IOException {
            Object result;
            try {
                result = results.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while exporting");
            }
            if (result instanceof IOException) {
                throw (IOException) result;
            }
            if (result instanceof RuntimeException) {
                throw (RuntimeException) result;
            }
            formatter.drainTo(out);
        }

        @Override
        public void close() {
            tasks.clear();
            if (!tasks.offer(STOP)) {
                thread.interrupt();
            }
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }
    }

    static String cell(Column column, ColumnType type, int scale, Object v, boolean guard, StringBuilder sb, ZoneId zone) {
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
    static final class Settings {
        final char delimiter;
        final boolean bom;
        final LineDelimiter lineEnding;
        final boolean guard;
        final boolean header;
        final String password;

        private Settings(char delimiter, boolean bom, LineDelimiter lineEnding, boolean guard, boolean header, String password) {
            this.password = password;
            this.delimiter = delimiter;
            this.bom = bom;
            this.lineEnding = lineEnding;
            this.guard = guard;
            this.header = header;
        }

        static Settings of(Map<String, String> options) {
            FormatOptions o = FormatOptions.of(FORMAT.id(), options);
            char delimiter = ',';
            String d = options.get("delimiter");
            if (d != null) {
                Character c = DELIMITERS.get(d.toLowerCase(java.util.Locale.ROOT));
                if (c == null && d.length() == 1 && DELIMITERS.containsValue(d.charAt(0))) {
                    c = d.charAt(0);
                }
                if (c == null) {
                    o.problem("Option 'delimiter' has value '" + d + "'; expected one of " + DELIMITERS.keySet() + ".");
                } else {
                    delimiter = c;
                }
            }
            boolean bom = o.bool("bom", true);
            LineDelimiter lineEnding = o.choice("line_ending", "crlf", "crlf", "lf").equals("lf") ? LineDelimiter.LF : LineDelimiter.CRLF;
            boolean guard = o.bool("formula_guard", true);
            boolean header = o.bool("header", true);
            String password = o.secret("password");
            o.check();
            return new Settings(delimiter, bom, lineEnding, guard, header, password);
        }
    }
}
