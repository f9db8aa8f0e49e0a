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
import net.lingala.zip4j.io.outputstream.ZipOutputStream;
import net.lingala.zip4j.model.ZipParameters;
import net.lingala.zip4j.model.enums.AesKeyStrength;
import net.lingala.zip4j.model.enums.CompressionMethod;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.ExportFormat;
import org.smsexport.support.CellText;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.OptionSpec;
import org.smsexport.support.FormatOptions;
import org.smsexport.support.FormulaGuard;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.Utf8Writer;

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
    /**
     * Blocks in flight per export (about 4 MB): enough that a thread the OS parks for a time slice on a busy machine
     * does not stall the other (1M students beside a busy core: 0.59 s with 6, 0.53 s with 16). In a heap under
     * 256 MB, 6 (about 1.5 MB): there the live set costs more in collections than the slack gains (1M students in
     * 32 MB: 2.0 s with 16, 1.7 s with 6).
     */
    private static final int BLOCKS = Runtime.getRuntime().maxMemory() >= 256L << 20 ? 16 : 6;
    /**
     * Filled blocks waiting for a formatter before the calling thread formats instead of reading on: the rows they
     * hold stay reachable, and in a small heap rows that live long get copied by every collection.
     */
    private static final int FILL_AHEAD = 4;
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

    private static final OptionSpec DELIMITER = OptionSpec.choice("delimiter", "comma", "comma", "semicolon", "tab", "pipe")
            .label("en", "Separator").label("el", "Διαχωριστικό")
            .choiceLabel("comma", "en", "Comma ( , )").choiceLabel("comma", "el", "Κόμμα ( , )")
            .choiceLabel("semicolon", "en", "Semicolon ( ; ) for Excel in Greek").choiceLabel("semicolon", "el", "Ερωτηματικό ( ; ) για ελληνικό Excel")
            .choiceLabel("tab", "en", "Tab").choiceLabel("tab", "el", "Στηλοθέτης (Tab)")
            .choiceLabel("pipe", "en", "Vertical bar ( | )").choiceLabel("pipe", "el", "Κάθετη γραμμή ( | )");
    private static final OptionSpec BOM_OPTION = OptionSpec.bool("bom", true)
            .label("en", "Mark as UTF-8 for Excel (BOM)").label("el", "Σήμανση UTF-8 για το Excel (BOM)")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final OptionSpec LINE_ENDING = OptionSpec.choice("line_ending", "crlf", "crlf", "lf")
            .label("en", "Line endings").label("el", "Τέλος γραμμής")
            .choiceLabel("crlf", "en", "Windows (CRLF)").choiceLabel("crlf", "el", "Windows (CRLF)")
            .choiceLabel("lf", "en", "Unix and macOS (LF)").choiceLabel("lf", "el", "Unix και macOS (LF)");
    private static final OptionSpec HEADER = OptionSpec.bool("header", true)
            .label("en", "Header row").label("el", "Γραμμή επικεφαλίδων")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final List<OptionSpec> OPTIONS = List.of(DELIMITER, BOM_OPTION, LINE_ENDING, HEADER, FormatOptions.FORMULA_GUARD,
            FormatOptions.PASSWORD.label("en", "Password (an encrypted ZIP)").label("el", "Κωδικός (κρυπτογραφημένο ZIP)"));

    @Override
    public List<OptionSpec> optionSpecs() {
        return OPTIONS;
    }

    /** @return {@code csv.zip} with a password: the CSV inside an AES-256 encrypted ZIP; {@code csv} otherwise */
    @Override
    public String extension(Map<String, String> options) {
        return Settings.of(options).password != null ? "csv.zip" : "csv";
    }

    /** @return {@code true} where there is a second core: the calling thread then mostly reads, the helper formats */
    @Override
    public boolean readsOnItsOwnThread() {
        return PARALLEL;
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
        ExposedBytes head = new ExposedBytes();
        if (s.bom) {
            head.write(BOM);
        }
        if (s.header) {
            mine.header(schema.labels(), head);
        }
        head.writeTo(out);
        RowFormatter other = PARALLEL ? new RowFormatter(schema, s) : null;
        long read = 0;
        // this thread holds a core for the export; the helper formats only while it holds one too (ExportThreads.claimCore)
        boolean core = org.smsexport.support.ExportThreads.claimCore();
        try (Pipeline pipeline = new Pipeline(n, PARALLEL ? BLOCKS : 1, out, other)) {
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
        } finally {
            if (core) {
                org.smsexport.support.ExportThreads.releaseCore();
            }
        }
        long replaced = mine.replacedCharacters() + (other == null ? 0 : other.replacedCharacters());
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
        byte[] data = new byte[64 * 1024];
        int length;
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
     * it fills a free block whenever there is one (and fewer than {@value #FILL_AHEAD} wait), and otherwise formats a
     * filled block, as the helper thread does
     * all the time; so neither thread waits while there is work, and a slow source only makes the helper format
     * more of the blocks. Whichever thread finishes the block that is next in order writes it, and any finished
     * blocks after it, straight to the stream in one call each; a thread that finishes a block out of order leaves
     * it and moves on. The lock is taken a few times per block of {@value #BLOCK} rows.
     */
    static final class Pipeline implements AutoCloseable {
        /** Blocks the helper threads of this JVM formatted (tests check who formatted). */
        static final java.util.concurrent.atomic.AtomicLong HELPER_BLOCKS = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.ArrayDeque<Block> free = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<Block> filled = new java.util.ArrayDeque<>();
        private final Block[] done;
        private final int columns;
        /** Blocks in flight at most, and how many are made so far. */
        private final int blocks;
        private int made;
        private final OutputStream out;
        private final Thread helper;
        private long nextSeq;
        private long nextWrite;
        private boolean writing;
        private boolean exhausted;
        private boolean closed;
        private Throwable error;

        /**
         * @param columns values per row
         * @param blocks  blocks in flight
         * @param out     where blocks are written in order
         * @param other   the helper thread's formatter, or {@code null} for none
         */
        Pipeline(int columns, int blocks, OutputStream out, RowFormatter other) {
            this.columns = columns;
            this.blocks = blocks;
            this.done = new Block[blocks];
            this.out = out;
            this.helper = other == null ? null : org.smsexport.support.ExportThreads.start("csv", () -> helperLoop(other));
        }

        /** @return a free block to fill, a filled one to format, or {@code null} once every row is written */
        synchronized Block nextForCaller() throws IOException {
            while (true) {
                rethrow();
                if (!exhausted && filled.size() < FILL_AHEAD) {
                    if (!free.isEmpty()) {
                        return free.poll();
                    }
                    if (made < blocks) {
                        // made as they are first needed: a class list of 30 rows fills one block, not sixteen (2 MB)
                        made++;
                        return new Block(columns);
                    }
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
                    out.write(w.data, 0, w.length);
                } catch (IOException | RuntimeException e) {
                    synchronized (this) {
                        writing = false;
                    }
                    throw e;
                }
                synchronized (this) {
                    nextWrite++;
                    w.rows = 0;
                    free.add(w);
                    notifyAll();
                }
            }
        }

        private void helperLoop(RowFormatter formatter) {
            try {
                while (true) {
                    synchronized (this) {
                        while (filled.isEmpty() && !closed && !exhausted && error == null) {
                            wait();
                        }
                        if (closed || error != null || filled.isEmpty()) {
                            return;
                        }
                    }
                    // a core of the JVM's, or none: other exports' calling threads hold them all, and the caller formats
                    if (!org.smsexport.support.ExportThreads.claimCore(10)) {
                        continue;
                    }
                    try {
                        Block b;
                        synchronized (this) {
                            b = closed || error != null ? null : filled.poll();
                        }
                        if (b == null) {
                            continue;
                        }
                        formatter.format(b);
                        HELPER_BLOCKS.incrementAndGet();
                        formatted(b);
                    } finally {
                        org.smsexport.support.ExportThreads.releaseCore();
                    }
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
     * Formats blocks of rows straight into UTF-8 CSV bytes. The header goes through FastCSV; data rows are written
     * by FastCSV's own rules — a field is quoted when it is empty, holds the delimiter, a quote, CR or LF, or is the
     * first of its record and starts with FastCSV's comment character {@code #}; quotes are doubled; {@code null} is
     * nothing — in one pass per text value that copies plain ASCII byte for byte and encodes anything else as UTF-8
     * (an unpaired surrogate becomes U+FFFD, as {@link Utf8Writer} does), and integers and dates are appended as
     * digits with no String per value. {@code CsvWriterParityTest} holds the bytes to FastCSV's through
     * {@link Utf8Writer}. Used by one thread at a time.
     */
    static final class RowFormatter {
        private final List<Column> columns;
        private final ColumnType[] types;
        private final int[] scales;
        private final int n;
        private final boolean guard;
        private final ZoneId zone;
        private final Settings settings;
        private final byte delimiter;
        private final byte[] newline;
        /** ASCII characters written as they are, unquoted: all but the delimiter, the quote, CR and LF. */
        private final boolean[] plain = new boolean[128];
        private final StringBuilder sb = new StringBuilder(64);
        private char[] chars = new char[256];
        private byte[] out;
        private int pos;
        private long replaced;

        RowFormatter(ExportSchema schema, Settings s) {
            this.columns = schema.columns();
            this.n = columns.size();
            this.types = new ColumnType[n];
            this.scales = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = columns.get(i).type();
                scales[i] = columns.get(i).scale();
            }
            this.guard = s.guard;
            this.zone = schema.zone();
            this.settings = s;
            this.delimiter = (byte) s.delimiter;
            this.newline = s.lineEnding == LineDelimiter.LF ? new byte[] {'\n'} : new byte[] {'\r', '\n'};
            for (char c = 0; c < 128; c++) {
                plain[c] = c != s.delimiter && c != '"' && c != '\r' && c != '\n';
            }
        }

        /** Writes the header row, through FastCSV. */
        void header(List<String> labels, OutputStream into) throws IOException {
            String[] fields = new String[n];
            for (int i = 0; i < n; i++) {
                fields[i] = guard ? FormulaGuard.neutralize(labels.get(i)) : labels.get(i);
            }
            Utf8Writer utf8 = new Utf8Writer(into, 4096);
            CsvWriter.builder().fieldSeparator(settings.delimiter).quoteStrategy(QuoteStrategies.EMPTY)
                    .lineDelimiter(settings.lineEnding).bufferSize(0).build(utf8).writeRecord(fields);
            utf8.flush();
            replaced += utf8.replacedCharacters();
        }

        /** Formats a filled block's rows into its bytes. */
        void format(Block b) {
            out = b.data;
            pos = 0;
            rows(b.values, b.rows);
            b.data = out;
            b.length = pos;
            // the bytes are all that is needed now: let the rows go while the block waits its turn to be written
            java.util.Arrays.fill(b.values, 0, b.rows * n, null);
        }

        /** Formats {@code rows} rows of {@code block} (row after row, each {@code n} values) into {@code into}. */
        void format(Object[] block, int rows, OutputStream into) throws IOException {
            out = new byte[64 * 1024];
            pos = 0;
            rows(block, rows);
            into.write(out, 0, pos);
        }

        /** @return unpaired surrogates written as U+FFFD so far */
        long replacedCharacters() {
            return replaced;
        }

        private void rows(Object[] block, int rows) {
            long scaled;
            for (int r = 0; r < rows; r++) {
                int base = r * n;
                // the longest a row of plain digits and dates can be before a text field makes room for itself
                room(n * 24 + 2);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out[pos++] = delimiter;
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
                    } else if (t == ColumnType.DECIMAL && v instanceof Double
                            && (scaled = CellText.scaledDecimal((Double) v, scales[i])) != Long.MIN_VALUE) {
                        appendScaled(scaled, scales[i]);
                    } else {
                        appendText(cell(columns.get(i), t, scales[i], v, guard, sb, zone), i == 0);
                    }
                }
                for (byte c : newline) {
                    out[pos++] = c;
                }
            }
        }

        private void room(int more) {
            if (pos + more > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, pos + more));
            }
        }

        private void appendLong(long v) {
            pos = Utf8Writer.putScaled(out, pos, v, 0);
        }

        /** As {@link CellText#appendDecimal} writes a scaled value: digits with a point {@code scale} places from the right. */
        private void appendScaled(long scaled, int scale) {
            pos = Utf8Writer.putScaled(out, pos, scaled, scale);
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
            byte[] b = out;
            int p = pos;
            b[p++] = (byte) ('0' + y / 1000);
            b[p++] = (byte) ('0' + y / 100 % 10);
            b[p++] = (byte) ('0' + y / 10 % 10);
            b[p++] = (byte) ('0' + y % 10);
            b[p++] = '-';
            b[p++] = (byte) ('0' + m / 10);
            b[p++] = (byte) ('0' + m % 10);
            b[p++] = '-';
            b[p++] = (byte) ('0' + day / 10);
            b[p++] = (byte) ('0' + day % 10);
            pos = p;
        }

        /** A text field by FastCSV's rules (see the class comment). */
        private void appendText(String s, boolean first) {
            int l = s.length();
            // UTF-8 takes at most three bytes a char, a doubled quote two; then the rest of the row's numbers
            room(3 * l + 2 + 24 * n);
            if (l == 0) {
                out[pos++] = '"';
                out[pos++] = '"';
                return;
            }
            if (chars.length < l) {
                chars = new char[Math.max(l, 2 * chars.length)];
            }
            char[] c = chars;
            s.getChars(0, l, c, 0);
            byte[] o = out;
            int p = pos;
            int k = 0;
            if (!first || c[0] != '#') {
                // the common case: plain ASCII, copied as it is
                while (k < l) {
                    char ch = c[k];
                    if (ch >= 128 || !plain[ch]) {
                        break;
                    }
                    o[p++] = (byte) ch;
                    k++;
                }
                if (k == l) {
                    pos = p;
                    return;
                }
                if (!needsQuotes(c, k, l)) {
                    pos = encode(c, k, l, p, false);
                    return;
                }
            }
            o[pos++] = '"';
            pos = encode(c, 0, l, pos, true);
            out[pos++] = '"';
        }

        private boolean needsQuotes(char[] c, int from, int to) {
            char d = settings.delimiter;
            for (int k = from; k < to; k++) {
                char ch = c[k];
                if (ch == d || ch == '"' || ch == '\r' || ch == '\n') {
                    return true;
                }
            }
            return false;
        }

        /** UTF-8 of {@code c[from..to)} at {@code p}, quotes doubled when {@code quoted}; returns the new end. */
        private int encode(char[] c, int from, int to, int p, boolean quoted) {
            byte[] o = out;
            for (int k = from; k < to; k++) {
                char ch = c[k];
                if (ch < 0x80) {
                    if (quoted && ch == '"') {
                        o[p++] = '"';
                    }
                    o[p++] = (byte) ch;
                } else if (ch < 0x800) {
                    o[p++] = (byte) (0xC0 | ch >> 6);
                    o[p++] = (byte) (0x80 | ch & 0x3F);
                } else if (Character.isHighSurrogate(ch) && k + 1 < to && Character.isLowSurrogate(c[k + 1])) {
                    int cp = Character.toCodePoint(ch, c[++k]);
                    o[p++] = (byte) (0xF0 | cp >> 18);
                    o[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    o[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    o[p++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(ch)) {
                    replaced++;
                    o[p++] = (byte) 0xEF;
                    o[p++] = (byte) 0xBF;
                    o[p++] = (byte) 0xBD;
                } else {
                    o[p++] = (byte) (0xE0 | ch >> 12);
                    o[p++] = (byte) (0x80 | ch >> 6 & 0x3F);
                    o[p++] = (byte) (0x80 | ch & 0x3F);
                }
            }
            return p;
        }
    }

    /** A byte array output stream whose buffer is written out without a copy. */
    static final class ExposedBytes extends ByteArrayOutputStream {
        ExposedBytes() {
            super(1024);
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
                Character c = DELIMITERS.get(d.strip().toLowerCase(java.util.Locale.ROOT));
                if (c == null && d.length() == 1 && DELIMITERS.containsValue(d.charAt(0))) {
                    c = d.charAt(0);
                }
                if (c == null) {
                    o.problem("Option 'delimiter' has value '" + d + "'; expected one of " + DELIMITERS.keySet() + ".");
                } else {
                    delimiter = c;
                }
            }
            boolean bom = o.bool(BOM_OPTION);
            LineDelimiter lineEnding = o.choice(LINE_ENDING).equals("lf") ? LineDelimiter.LF : LineDelimiter.CRLF;
            boolean guard = o.bool(FormatOptions.FORMULA_GUARD);
            boolean header = o.bool(HEADER);
            String password = o.secret("password");
            o.check();
            return new Settings(delimiter, bom, lineEnding, guard, header, password);
        }
    }
}
