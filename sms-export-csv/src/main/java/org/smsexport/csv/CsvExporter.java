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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>On machines with more than one core, each export formats its 1,024-row blocks on two threads: the
 * calling thread, which alone reads the cursor and formats whenever no block is free to fill, and a helper
 * thread of its own; each block is written in order, in one call, by the thread that finished it (see
 * {@link Pipeline}).
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
    /** Blocks in flight per export: enough that neither thread waits for the other to write. */
    private static final int BLOCKS = 6;
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
        Block first = new Block(n);
        if (s.bom) {
            first.bytes.write(BOM);
        }
        if (s.header) {
            mine.header(schema.labels(), first.bytes);
        }
        first.bytes.writeTo(out);
        first.bytes.reset();
        RowFormatter other = PARALLEL ? new RowFormatter(schema, s) : null;
        long read = 0;
        try (Pipeline pipeline = new Pipeline(first, n, PARALLEL ? BLOCKS : 1, out, other)) {
            while (true) {
                Block b = pipeline.nextForCaller();
                if (b == null) {
                    break;
                }
                if (b.empty()) {
                    int got = fill(rows, b.values, n, BLOCK);
                    pipeline.filled(b, got);
                    // rows read: at most a few blocks ahead of the file, and known without waiting for the helper
                    read += got;
                    context.progress(read);
                    context.checkCancelled();
                } else {
                    mine.format(b);
                    pipeline.formatted(b);
                }
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

    /** One block of rows: their values as read, then their CSV bytes until written. */
    static final class Block {
        final Object[] values;
        final ExposedBytes bytes = new ExposedBytes();
        /** Rows filled; 0 while the block is free. */
        int rows;
        long seq;

        Block(int columns) {
            this.values = new Object[BLOCK * columns];
        }

        boolean empty() {
            return rows == 0;
        }
    }

    /**
     * The blocks of one export on their way from the cursor to the file. The calling thread alone reads the cursor:
     * it fills a free block whenever there is one, and otherwise formats a filled block, as the helper thread does
     * all the time; so neither thread waits while there is work, and a slow source only makes the helper format
     * more of the blocks. Whichever thread finishes the block that is next in order writes it, and any finished
     * blocks after it, straight to the stream in one call each; a thread that finishes a block out of order leaves
     * it and moves on. The lock is taken a few times per block of {@value #BLOCK} rows.
     */
    static final class Pipeline implements AutoCloseable {
        private final java.util.ArrayDeque<Block> free = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<Block> filled = new java.util.ArrayDeque<>();
        private final Block[] done;
        private final OutputStream out;
        private final Thread helper;
        private long nextSeq;
        private long nextWrite;
        private boolean writing;
        private boolean exhausted;
        private boolean closed;
        private Throwable error;

        /**
         * @param first   a free block to start with
         * @param columns values per row
         * @param blocks  blocks in flight
         * @param out     where blocks are written in order
         * @param other   the helper thread's formatter, or {@code null} for none
         */
        Pipeline(Block first, int columns, int blocks, OutputStream out, RowFormatter other) {
            free.add(first);
            for (int i = 1; i < blocks; i++) {
                free.add(new Block(columns));
            }
            this.done = new Block[blocks];
            this.out = out;
            this.helper = other == null ? null : org.smsexport.spi.ExportThreads.start("csv", () -> helperLoop(other));
        }

        /** @return a free block to fill, a filled one to format, or {@code null} once every row is written */
        synchronized Block nextForCaller() throws IOException {
            while (true) {
                rethrow();
                if (!exhausted && !free.isEmpty()) {
                    return free.poll();
                }
                if (!filled.isEmpty()) {
                    return filled.poll();
                }
                if (exhausted && nextWrite == nextSeq) {
                    return null;
                }
                await();
            }
        }

        /** The calling thread filled {@code b} with {@code rows} rows; fewer than a block means the cursor is done. */
        synchronized void filled(Block b, int rows) {
            b.rows = rows;
            if (rows < BLOCK) {
                exhausted = true;
            }
            if (rows == 0) {
                free.add(b);
            } else {
                b.seq = nextSeq++;
                filled.add(b);
            }
            notifyAll();
        }

        /** {@code b} is formatted: writes it if it is next, then whatever follows it that is ready too. */
        void formatted(Block b) throws IOException {
            synchronized (this) {
                done[(int) (b.seq % done.length)] = b;
                if (writing) {
                    return;
                }
                writing = true;
            }
            while (true) {
                Block w;
                synchronized (this) {
                    int slot = (int) (nextWrite % done.length);
                    w = done[slot];
                    if (w == null || closed) {
                        writing = false;
                        return;
                    }
                    done[slot] = null;
                }
                try {
                    w.bytes.writeTo(out);
                } catch (IOException | RuntimeException e) {
                    synchronized (this) {
                        writing = false;
                    }
                    throw e;
                }
                synchronized (this) {
                    nextWrite++;
                    w.rows = 0;
                    w.bytes.reset();
                    free.add(w);
                    notifyAll();
                }
            }
        }

        private void helperLoop(RowFormatter formatter) {
            try {
                while (true) {
                    Block b;
                    synchronized (this) {
                        while (filled.isEmpty() && !closed && !exhausted && error == null) {
                            wait();
                        }
                        if (closed || error != null || filled.isEmpty()) {
                            return;
                        }
                        b = filled.poll();
                    }
                    formatter.format(b);
                    formatted(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException | Error e) {
                synchronized (this) {
                    error = e;
                    notifyAll();
                }
            }
        }

        private void await() throws IOException {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while exporting");
            }
        }

        private void rethrow() throws IOException {
            if (error instanceof IOException) {
                throw (IOException) error;
            }
            if (error instanceof RuntimeException) {
                throw (RuntimeException) error;
            }
            if (error instanceof Error) {
                throw (Error) error;
            }
        }

        /** Stops the helper and waits for it, so no thread touches the stream once the export returns. */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            if (helper == null) {
                return;
            }
            try {
                helper.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (helper.isAlive()) {
                helper.interrupt();
            }
        }
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
        /** Where the encoder's bytes go: the block being formatted. */
        private final Target target = new Target();
        private final Utf8Writer utf8 = new Utf8Writer(target);
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

        void header(List<String> labels, ExposedBytes into) throws IOException {
            for (int i = 0; i < fields.length; i++) {
                fields[i] = guard ? FormulaGuard.neutralize(labels.get(i)) : labels.get(i);
            }
            target.to = into;
            csv.writeRecord(fields);
            utf8.flush();
        }

        /** Formats a filled block's rows into its bytes. */
        void format(Block b) throws IOException {
            format(b.values, b.rows, b.bytes);
        }

        /** Formats {@code rows} rows of {@code block} (row after row, each {@code columns} values) into {@code into}. */
        void format(Object[] block, int rows, ExposedBytes into) throws IOException {
            target.to = into;
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

    }

    /** Hands the encoder's bytes to the block being formatted. */
    private static final class Target extends OutputStream {
        ExposedBytes to;

        @Override
        public void write(int b) {
            to.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            to.write(b, off, len);
        }
    }

    /** A byte array output stream whose buffer is written out without a copy. */
    static final class ExposedBytes extends ByteArrayOutputStream {
        ExposedBytes() {
            super(256 * 1024);
        }

        @Override
        public synchronized void writeTo(OutputStream out) throws IOException {
            out.write(buf, 0, count);
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
