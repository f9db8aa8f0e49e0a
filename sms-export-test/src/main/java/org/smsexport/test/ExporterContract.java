package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.smsexport.Column;
import org.smsexport.ExportCancelledException;
import org.smsexport.ExportException;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.support.CellText;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.support.FormulaGuard;
import org.smsexport.spi.RowCursor;

/**
 * The behaviour every {@link Exporter} must have, as an abstract JUnit test: extend it, return your
 * exporter and a way to read your files back as text cells, and every format is held to the same rules —
 * empty input, Greek, emoji and right-to-left text, nulls in every column type, formula-like strings,
 * control characters, very long cells, a million rows streamed without being held, the caller's stream
 * left open, cancellation honoured, progress reported, wrong value classes rejected clearly.
 *
 * <p>Formats that render values differently (a PDF cuts long cells, XLSX strips control characters)
 * override {@link #expectedText(Column, Object)} and friends; the defaults describe a text format such as CSV.
 */
public abstract class ExporterContract {

    /** A type with one column of every column type, for null and rendering checks. */
    protected static final ExportType ALL_TYPES = ExportType.builder("contract_all_types")
            .columns(Column.text("text"), Column.integer("whole"), Column.decimal("amount", 2), Column.decimal("ratio", -1),
                    Column.date("day"), Column.dateTime("moment"), Column.bool("flag"))
            .build();

    /** A type with one text column, for text checks. */
    protected static final ExportType TEXT_ONLY = ExportType.builder("contract_text")
            .columns(Column.integer("id"), Column.text("value"))
            .build();

    /** Creates the contract. */
    protected ExporterContract() {
    }

    /** @return the exporter under test */
    protected abstract Exporter exporter();

    /**
     * Reads a file written by the exporter back with a real reader of the format.
     *
     * @param file the bytes written
     * @return the header row followed by the data rows, each a list of cell texts
     * @throws Exception when the file cannot be read: the contract fails
     */
    protected abstract List<List<String>> readBack(byte[] file) throws Exception;

    /** @return format options used for every contract test; none by default */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** @return how many rows the streaming test writes; one million by default */
    protected long largeRowCount() {
        return 1_000_000;
    }

    /**
     * The text {@link #readBack(byte[])} is expected to return for a value. By default: empty for
     * {@code null}, {@link CellText#format} for other values, text passed through {@link FormulaGuard}
     * and with unpaired surrogates (not representable in UTF-8) as U+FFFD.
     *
     * @param column the column
     * @param value  the value written
     * @return the expected cell text
     */
    protected String expectedText(Column column, Object value) {
        if (value == null) {
            return "";
        }
        String text = CellText.format(column, value, zone());
        if (column.type() == org.smsexport.ColumnType.TEXT) {
            text = FormulaGuard.neutralize(replaceLoneSurrogates(text));
        }
        return text;
    }

    /**
     * @param label a column label
     * @return the header text expected back; the label itself by default
     */
    protected String expectedHeader(String label) {
        return label;
    }

    /** @return the zone exports are written in; UTC */
    protected ZoneId zone() {
        return ZoneOffset.UTC;
    }

    /**
     * Writes rows with the exporter into memory.
     *
     * @param type the type
     * @param rows the rows
     * @return the bytes written
     * @throws IOException when the exporter fails
     */
    protected byte[] export(ExportType type, List<Object[]> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter().write(schema(type, Locale.ENGLISH), RowCursor.of(rows), out, RecordingContext.of(options()));
        return out.toByteArray();
    }

    /**
     * @param type   the type
     * @param locale the locale of the labels
     * @return the schema of all the type's columns
     */
    protected ExportSchema schema(ExportType type, Locale locale) {
        return ExportSchema.of(type, locale, zone(), Instant.parse("2026-01-31T10:30:00Z"), Map.of());
    }

    /**
     * Asserts that a file read back holds the header of {@code type} and exactly {@code rows}.
     *
     * @param type the type
     * @param rows the rows written
     * @param file the bytes written
     * @throws Exception when reading fails
     */
    protected void assertRoundTrip(ExportType type, List<Object[]> rows, byte[] file) throws Exception {
        List<List<String>> back = readBack(file);
        List<String> header = new ArrayList<>();
        for (String label : type.columnLabels(Locale.ENGLISH)) {
            header.add(expectedHeader(label));
        }
        assertThat(back).as("rows read back (header + data)").hasSize(rows.size() + 1);
        assertThat(back.get(0)).as("header").containsExactlyElementsOf(header);
        for (int r = 0; r < rows.size(); r++) {
            List<String> expected = new ArrayList<>();
            for (int c = 0; c < type.columns().size(); c++) {
                expected.add(expectedText(type.columns().get(c), rows.get(r)[c]));
            }
            assertThat(back.get(r + 1)).as("data row %d", r + 1).containsExactlyElementsOf(expected);
        }
    }

    /**
     * What the exporter says of its options is what it takes: one description per key of {@code options()}, a label, and
     * every default and every choice accepted by {@code validateOptions}; a value off the list is refused naming it.
     */
    @Test
    void describesEveryOptionItTakes() {
        List<org.smsexport.spi.OptionSpec> specs = org.smsexport.spi.OptionSpec.describe(exporter());
        assertThat(specs).extracting(org.smsexport.spi.OptionSpec::key).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(exporter().options());
        for (org.smsexport.spi.OptionSpec o : specs) {
            assertThat(o.label(Locale.ENGLISH)).as(o.key()).isNotBlank();
            o.defaultValue().ifPresent(v -> exporter().validateOptions(java.util.Map.of(o.key(), v)));
            for (String choice : o.choices()) {
                exporter().validateOptions(java.util.Map.of(o.key(), choice));
            }
            if (!o.choices().isEmpty()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> exporter().validateOptions(java.util.Map.of(o.key(), "no-such-value")))
                        .isInstanceOf(org.smsexport.InvalidRequestException.class).hasMessageContaining("no-such-value");
            }
        }
    }

    @Test
    void writesOnlyTheHeaderForEmptyInput() throws Exception {
        assertRoundTrip(ExportType.STUDENTS, List.of(), export(ExportType.STUDENTS, List.of()));
    }

    @Test
    void writesEveryBuiltInTypeExactly() throws Exception {
        SmsData data = SmsData.standard();
        for (ExportType type : ExportType.builtIns()) {
            List<Object[]> rows = new ArrayList<>();
            data.rows(type, 60).forEachRemaining(rows::add);
            assertRoundTrip(type, rows, export(type, rows));
        }
    }

    @Test
    void writesLocalizedGreekHeaders() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter().write(schema(ExportType.STUDENTS, Locale.forLanguageTag("el")), RowCursor.of(List.of()), out,
                RecordingContext.of(options()));
        List<List<String>> back = readBack(out.toByteArray());
        assertThat(back.get(0)).contains(expectedHeader("Όνομα"), expectedHeader("Επώνυμο"));
    }

    @Test
    void keepsGreekEmojiAndRightToLeftText() throws Exception {
        List<Object[]> rows = textRows("Γιώργος Παπαδόπουλος", "ΆΈΉΊΌΎΏ άέήίόύώ ϊϋΐΰ ς", "👩‍🎓 Zoë 🎉 𝄞",
                "مرحبا بالعالم", "שלום עולם", "Дмитрий Ёлкин", "Ñandú Çağrı Łódź", "中文 日本語 한국어");
        assertRoundTrip(TEXT_ONLY, rows, export(TEXT_ONLY, rows));
    }

    @Test
    void writesNullsInEveryColumnType() throws Exception {
        List<Object[]> rows = List.of(
                new Object[] {null, null, null, null, null, null, null},
                new Object[] {"x", 42L, new BigDecimal("3.14159"), 0.1, LocalDate.of(2026, 1, 31),
                    Instant.parse("2026-01-31T10:30:00Z"), Boolean.TRUE},
                new Object[] {"", -7, -2.005, 1e-7, LocalDate.of(1999, 12, 31), Instant.parse("2000-02-29T23:59:59Z"),
                    Boolean.FALSE});
        assertRoundTrip(ALL_TYPES, rows, export(ALL_TYPES, rows));
    }

    @Test
    void neutralizesFormulaLikeTextButNotNegativeNumbers() throws Exception {
        List<Object[]> rows = textRows("=1+2", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")",
                "safe = text");
        byte[] file = export(TEXT_ONLY, rows);
        assertRoundTrip(TEXT_ONLY, rows, file);
        List<List<String>> back = readBack(file);
        assertThat(back.get(1).get(1)).isEqualTo(expectedText(TEXT_ONLY.columns().get(1), "=1+2"));
        assertThat(back.get(1).get(1)).doesNotStartWith("=");

        List<Object[]> numbers = new ArrayList<>();
        numbers.add(new Object[] {"n", -5L, -1.5, -0.25, null, null, null});
        List<List<String>> nums = readBack(export(ALL_TYPES, numbers));
        assertThat(nums.get(1).subList(1, 4)).containsExactly(expectedText(ALL_TYPES.columns().get(1), -5L),
                expectedText(ALL_TYPES.columns().get(2), -1.5), expectedText(ALL_TYPES.columns().get(3), -0.25));
        assertThat(nums.get(1).get(1)).startsWith("-");
    }

    @Test
    void survivesControlCharactersAndUnpairedSurrogates() throws Exception {
        List<Object[]> rows = textRows("nul\u0000byte", "bell\u0007 vt\u000B ff\u000C esc\u001B", "line\nbreak\r\nwindows",
                "tab\tinside", "lone \uD800 high", "lone \uDC00 low", "quote \" and ,comma; semi|pipe", "\u2028\u2029\u200B\uFEFF");
        assertRoundTrip(TEXT_ONLY, rows, export(TEXT_ONLY, rows));
    }

    @Test
    void writesVeryLongCells() throws Exception {
        String longText = "Αβγ-xyz ".repeat(12_500);
        List<Object[]> rows = textRows(longText, "short");
        assertRoundTrip(TEXT_ONLY, rows, export(TEXT_ONLY, rows));
    }

    @Test
    void streamsAMillionRowsWithoutHoldingThem() throws IOException {
        long total = largeRowCount();
        List<WeakReference<Object>> early = new ArrayList<>();
        long[] halfway = {-1};
        Iterator<Object[]> generated = SmsData.standard().rows(ExportType.STUDENTS, total);
        Iterator<Object[]> watched = new Iterator<>() {
            private long n;

            @Override
            public boolean hasNext() {
                return generated.hasNext();
            }

            @Override
            public Object[] next() {
                Object[] row = generated.next();
                if (n < 1000) {
                    // a value of its own (not shared with other rows): an exporter that keeps values keeps it
                    row[1] = new String(String.valueOf(row[1]).toCharArray());
                    early.add(new WeakReference<>(row));
                    early.add(new WeakReference<>(row[1]));
                } else if (n == total / 2) {
                    // while the export runs: an exporter that keeps rows to write them at the end still holds these
                    halfway[0] = reachable(early);
                }
                n++;
                return row;
            }
        };
        CountingStream out = new CountingStream();
        RecordingContext context = RecordingContext.of(options());
        exporter().write(schema(ExportType.STUDENTS, Locale.ENGLISH), RowCursor.of(watched), out, context);

        assertThat(out.count).as("bytes written").isGreaterThan(total);
        assertThat(context.progressReports()).as("progress").last().isEqualTo(total);
        assertThat(halfway[0]).as("of the first 1,000 rows and their student numbers, still reachable half-way through the "
                + "export (the exporter must not hold rows or values)").isBetween(0L, 9L);
        assertThat(reachable(early)).as("rows still reachable after the export").isLessThan(10);
    }

    /** The heap {@link #streamsAMillionRowsInASmallHeap()} gives its JVM. */
    protected static final String SMALL_HEAP = "-Xmx96m";

    /**
     * The same export in a JVM of its own with {@value #SMALL_HEAP}: an exporter that keeps rows, or copies of their
     * values, to write them at the end runs out of memory. Skipped for a contract subclass that cannot be made with no
     * arguments (an inner class); the in-process test above still runs.
     */
    @Test
    void streamsAMillionRowsInASmallHeap() throws Exception {
        Class<?> self = getClass();
        boolean constructible = java.lang.reflect.Modifier.isStatic(self.getModifiers()) || self.getEnclosingClass() == null;
        org.junit.jupiter.api.Assumptions.assumeTrue(constructible, "an inner contract class cannot be made in another JVM");
        List<String> cmd = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), SMALL_HEAP,
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SmallHeapExport.class.getName(), self.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertThat(exit).as("the export of " + largeRowCount() + " rows in " + SMALL_HEAP + " (the exporter must stream):\n"
                + output.substring(Math.max(0, output.length() - 2000))).isZero();
        assertThat(output).contains("OK ");
    }

    /** @return how many of the objects are still reachable, after collections that would free them */
    private static long reachable(List<WeakReference<Object>> rows) {
        long left = rows.size();
        for (int i = 0; i < 5 && left >= 10; i++) {
            System.gc();
            left = rows.stream().filter(ref -> ref.get() != null).count();
        }
        return left;
    }

    @Test
    void neverClosesTheCallersStream() throws IOException {
        CountingStream out = new CountingStream();
        exporter().write(schema(ExportType.COURSES, Locale.ENGLISH), SmsData.standard().cursor(ExportType.COURSES, 10), out,
                RecordingContext.of(options()));
        assertThat(out.closed).as("stream closed by the exporter").isFalse();
        out.write(1);
    }

    @Test
    void stopsSoonAfterCancellation() {
        long total = 1_000_000;
        long[] pulled = new long[1];
        Iterator<Object[]> rows = SmsData.standard().rows(ExportType.STUDENTS, total);
        Iterator<Object[]> counting = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Object[] next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                pulled[0]++;
                return rows.next();
            }
        };
        RecordingContext context = new RecordingContext(options(), total, n -> n >= 5_000);
        assertThatThrownBy(() -> exporter().write(schema(ExportType.STUDENTS, Locale.ENGLISH), RowCursor.of(counting),
                new CountingStream(), context)).isInstanceOf(ExportCancelledException.class);
        assertThat(pulled[0]).as("rows read after cancellation at 5,000").isLessThan(5_000 + 10_000);
    }

    @Test
    void reportsProgressWhileWriting() throws IOException {
        RecordingContext context = RecordingContext.of(options());
        exporter().write(schema(ExportType.GRADES, Locale.ENGLISH), SmsData.standard().cursor(ExportType.GRADES, 20_000),
                new CountingStream(), context);
        List<Long> reports = context.progressReports();
        assertThat(reports.size()).as("progress reports for 20,000 rows").isGreaterThan(2);
        assertThat(reports).isSorted();
        assertThat(reports.get(reports.size() - 1)).isEqualTo(20_000L);
        assertThat(reports.get(0)).isLessThan(20_000L);
    }

    @Test
    void rejectsAValueOfTheWrongClassNamingTheColumnNotTheValue() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"x", "secret-personal-value", null, null, null, null, null});
        assertThatThrownBy(() -> export(ALL_TYPES, rows))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("'whole'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-personal-value"));
    }

    /**
     * @param values text values
     * @return rows of {@link #TEXT_ONLY}, ids 1..n
     */
    protected static List<Object[]> textRows(String... values) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(new Object[] {(long) i + 1, values[i]});
        }
        return rows;
    }

    /**
     * For formats that are XML (XLSX, ODS): the text with every character XML 1.0 cannot hold — control characters other
     * than tab, LF and CR, U+FFFE, U+FFFF and unpaired surrogates — as U+FFFD.
     *
     * @param s a text
     * @return it as an XML format holds it
     */
    protected static String xmlSafe(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || Character.isSurrogate(c) || c >= 0xFFFE) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * @param text any text
     * @return the text with every unpaired surrogate replaced by U+FFFD, as UTF-8 encoders do
     */
    protected static String replaceLoneSurrogates(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (sb != null) {
                    sb.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
                sb.append('\uFFFD');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** An output stream that counts bytes, discards them, and records whether it was closed. */
    protected static final class CountingStream extends FilterOutputStream {
        long count;
        boolean closed;

        CountingStream() {
            super(OutputStream.nullOutputStream());
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            count += len;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return "CountingStream" + Arrays.asList(count, closed);
        }
    }
}
