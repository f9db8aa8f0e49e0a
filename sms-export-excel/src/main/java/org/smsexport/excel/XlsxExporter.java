package org.smsexport.excel;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.util.TempFile;
import org.apache.poi.util.TempFileCreationStrategy;
import org.smsexport.Column;
import org.smsexport.ExportException;
import org.smsexport.ExportFormat;
import org.smsexport.excel.internal.SheetXml;
import org.smsexport.excel.internal.WorkbookParts;
import org.smsexport.support.ZipPipe;
import org.smsexport.support.CellText;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.support.FormatOptions;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.OptionSpec;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.Utf8Writer;

/**
 * The {@code xlsx} format (the original system's "excel"): one sheet per export named after the type
 * ("Students", "Μαθητές"), a bold header row in the type's colour, frozen, with an autofilter; integers and
 * decimals as numbers (decimals shown with the column's scale), dates as real Excel dates, booleans as
 * booleans, text (IDs such as {@code STU000123} included) as text.
 *
 * <p>Streaming: worksheets are written as XML straight into the zip (inline strings, deflate level 1 on a
 * thread of its own) while rows arrive; the rest of the workbook (styles, sheet list, autofilter names, properties) is built
 * with Apache POI and added after them, so no row count is needed up front and nothing grows with the rows.
 * Excel's limits are kept visibly: more than 1,048,575 data rows continue on "Students (2)" with the header
 * repeated; text over 32,767 characters is cut and ends with {@value SheetXml#TRUNCATION_MARKER}, and the job
 * gets a warning; characters XML cannot hold (control characters, lone surrogates) become U+FFFD.
 *
 * <p>Printing: fit to one page wide, landscape when the type has more than 6 columns, the header row repeated
 * on every page, the title in the page header and "Page X of Y" in the footer.
 *
 * <p>Options: {@code page_size} ({@code a4}, the default, or {@code letter}); {@code orientation}
 * ({@code portrait} or {@code landscape}; by default as above); {@code formula_guard} ({@code true} by default: text starting with {@code = + - @}, tab or CR
 * is prefixed with {@code '}, the same {@link org.smsexport.support.FormulaGuard} rule as CSV);
 * {@code password}: encrypts the whole file with POI's agile encryption (Excel asks for the password);
 * encryption reads from an owner-only temporary file that is deleted on every path.
 *
 * <p>Stateless and thread-safe.
 */
public final class XlsxExporter implements Exporter {

    /** The format this exporter writes. */
    public static final ExportFormat FORMAT = new ExportFormat("xlsx", "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    /** Excel's limit of rows per sheet, less the header row. */
    public static final int MAX_DATA_ROWS_PER_SHEET = 1_048_575;

    private static final int SAMPLE_ROWS = 100;
    private static final int CHECK_EVERY = 1024;

    private final int rowsPerSheet;

    /** Creates the exporter with Excel's own row limit per sheet. */
    public XlsxExporter() {
        this(MAX_DATA_ROWS_PER_SHEET);
    }

    /**
     * @param rowsPerSheet data rows per sheet before continuing on the next, 1 to {@value #MAX_DATA_ROWS_PER_SHEET}
     */
    public XlsxExporter(int rowsPerSheet) {
        if (rowsPerSheet < 1 || rowsPerSheet > MAX_DATA_ROWS_PER_SHEET) {
            throw new IllegalArgumentException("rowsPerSheet must be 1.." + MAX_DATA_ROWS_PER_SHEET + ", got " + rowsPerSheet);
        }
        this.rowsPerSheet = rowsPerSheet;
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    private static final List<OptionSpec> OPTIONS = List.of(FormatOptions.PAGE_SIZE, FormatOptions.ORIENTATION, FormatOptions.FORMULA_GUARD,
            FormatOptions.PASSWORD);

    /** @return paper size and orientation when printed, the formula guard, a password (agile encryption) */
    @Override
    public List<OptionSpec> optionSpecs() {
        return OPTIONS;
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        settings(options);
    }

    private record Settings(boolean guard, String password, int paperSize, String orientation) {
    }

    private static Settings settings(Map<String, String> options) {
        FormatOptions o = FormatOptions.of(FORMAT.id(), options);
        Settings s = new Settings(o.bool(FormatOptions.FORMULA_GUARD), o.secret("password"),
                o.choice(FormatOptions.PAGE_SIZE).equals("letter") ? 1 : 9, o.choice(FormatOptions.ORIENTATION));
        o.check();
        return s;
    }

    /** @return how the export prints: landscape for more than 6 columns unless asked otherwise, one page wide */
    private static SheetXml.Print print(Settings settings, ExportSchema schema) {
        boolean landscape = FormatOptions.landscape(settings.orientation(), schema.columns().size());
        String footer = schema.locale().getLanguage().equals("el") ? "Σελίδα &P από &N" : "Page &P of &N";
        return new SheetXml.Print(settings.paperSize(), landscape, schema.title(), footer);
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
        Settings settings = settings(context.options());
        String password = settings.password();
        if (password == null) {
            writeWorkbook(schema, rows, out, context, settings);
            return;
        }
        // no clear workbook ever reaches the disk: the workbook is encrypted as it streams, chunk by chunk, into POI's
        // ciphertext work file, and the encrypted package is laid out in a second one; both come from the context
        // (hidden, owner-only, beside the export, removed by recovery after a crash), never from java.io.tmpdir
        Path encrypted = context.createTempFile(".xlsx.enc");
        List<Path> work = new ArrayList<>();
        TempFileCreationStrategy inJobDirectory = new TempFileCreationStrategy() {
            @Override
            public File createTempFile(String prefix, String suffix) throws IOException {
                Path p = context.createTempFile("." + suffix);
                work.add(p);
                return p.toFile();
            }

            @Override
            public File createTempDirectory(String prefix) throws IOException {
                throw new IOException("the xlsx encryption asked for a temporary directory; only work files are provided");
            }
        };
        try {
            try (POIFSFileSystem fs = POIFSFileSystem.create(encrypted.toFile())) { // the owner-only file, truncated, kept
                Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
                encryptor.confirmPassword(password);
                try (OutputStream os = dataStream(encryptor, fs, inJobDirectory)) {
                    writeWorkbook(schema, rows, os, context, settings);
                    context.checkCancelled();
                }
                fs.writeFilesystem();
            } catch (GeneralSecurityException e) {
                throw new ExportException("Encrypting the xlsx file failed: " + e.getMessage(), e, null, FORMAT.id(), null);
            }
            Files.copy(encrypted, out);
        } finally {
            Files.deleteIfExists(encrypted);
            for (Path p : work) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The encryptor's stream, its work file made by {@code strategy} (POI asks on this thread, when the stream is made). */
    private static OutputStream dataStream(Encryptor encryptor, POIFSFileSystem fs, TempFileCreationStrategy strategy)
            throws IOException, GeneralSecurityException {
        Object[] made = new Object[1];
        TempFile.withStrategy(strategy, () -> {
            try {
                made[0] = encryptor.getDataStream(fs);
            } catch (IOException | GeneralSecurityException e) {
                made[0] = e;
            }
            return null;
        });
        if (made[0] instanceof IOException e) {
            throw e;
        }
        if (made[0] instanceof GeneralSecurityException e) {
            throw e;
        }
        return (OutputStream) made[0];
    }

    private void writeWorkbook(ExportSchema schema, RowCursor rows, OutputStream target, ExportContext context, Settings settings)
            throws IOException {
        boolean guard = settings.guard();
        SheetXml.Print print = print(settings, schema);
        List<Column> columns = schema.columns();
        int n = columns.size();
        WorkbookParts parts = new WorkbookParts(schema.type().colour(), columns);
        try (ZipPipe zip = new ZipPipe(target, FORMAT.id())) {
            Utf8Writer utf8 = new Utf8Writer(zip);
            SheetXml xml = new SheetXml(utf8, columns, parts.columnStyles(), guard, schema.zone());

            List<Object[]> sample = new ArrayList<>();
            while (sample.size() < SAMPLE_ROWS && rows.next()) {
                Object[] v = new Object[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rows.get(i);
                }
                sample.add(v);
            }
            double[] widths = widths(schema, sample);

            List<String> names = new ArrayList<>();
            List<Integer> lastRows = new ArrayList<>();
            int rowNumber = startSheet(zip, xml, utf8, schema, widths, names, parts);
            int inSheet = 0;
            long count = 0;
            Object[] current = new Object[n];
            int next = 0;
            while (true) {
                Object[] values;
                if (next < sample.size()) {
                    values = sample.get(next);
                    sample.set(next++, null);
                } else if (rows.next()) {
                    for (int i = 0; i < n; i++) {
                        current[i] = rows.get(i);
                    }
                    values = current;
                } else {
                    break;
                }
                if (inSheet == rowsPerSheet) {
                    endSheet(zip, xml, utf8, rowNumber, lastRows, print);
                    rowNumber = startSheet(zip, xml, utf8, schema, widths, names, parts);
                    inSheet = 0;
                }
                xml.row(++rowNumber, values, 0);
                inSheet++;
                if ((++count & (CHECK_EVERY - 1)) == 0) {
                    context.progress(count);
                    context.checkCancelled();
                }
            }
            endSheet(zip, xml, utf8, rowNumber, lastRows, print);
            parts.finish(zip, names, lastRows, n, schema.title(), schema.type().name() + " export");
            zip.finish();
            context.progress(count);
            report(xml, columns, context);
        } finally {
            parts.discard();
        }
    }

    private int startSheet(ZipPipe zip, SheetXml xml, Utf8Writer utf8, ExportSchema schema, double[] widths,
            List<String> names, WorkbookParts parts) throws IOException {
        names.add(sheetName(schema.sheetName(), names.size() + 1));
        zip.putNextEntry("xl/worksheets/sheet" + names.size() + ".xml");
        xml.begin(widths);
        xml.header(1, schema.labels(), parts.headerStyle());
        return 1;
    }

    private static void endSheet(ZipPipe zip, SheetXml xml, Utf8Writer utf8, int lastRow, List<Integer> lastRows,
            SheetXml.Print print) throws IOException {
        xml.end(lastRow, print);
        utf8.flush();
        zip.closeEntry();
        lastRows.add(lastRow);
    }

    private static void report(SheetXml xml, List<Column> columns, ExportContext context) {
        long[] truncated = xml.truncatedCells();
        for (int i = 0; i < truncated.length; i++) {
            if (truncated[i] > 0) {
                context.warn(truncated[i] + " cell(s) in column '" + columns.get(i).key() + "' were longer than Excel's "
                        + SheetXml.MAX_CELL_CHARS + " characters and were cut, ending with '" + SheetXml.TRUNCATION_MARKER + "'.");
            }
        }
        if (xml.replacedCharacters() > 0) {
            context.warn(xml.replacedCharacters() + " character(s) that XLSX cannot hold (control characters, unpaired "
                    + "surrogates) were replaced with U+FFFD.");
        }
    }

    /**
     * @param label the localized type label
     * @param index 1-based sheet number
     * @return a valid Excel sheet name: no {@code []:*?/\}, at most 31 characters, "(2)" from the second on
     */
    static String sheetName(String label, int index) {
        String base = label.replaceAll("[\\[\\]:*?/\\\\]", "_").strip();
        if (base.isEmpty()) {
            base = "Export";
        }
        String suffix = index == 1 ? "" : " (" + index + ")";
        if (base.length() + suffix.length() > 31) {
            base = base.substring(0, 31 - suffix.length());
        }
        return base + suffix;
    }

    private static double[] widths(ExportSchema schema, List<Object[]> sample) {
        int n = schema.columns().size();
        double[] widths = new double[n];
        for (int i = 0; i < n; i++) {
            Column c = schema.columns().get(i);
            int longest = schema.labels().get(i).length();
            for (Object[] row : sample) {
                Object v = row[i];
                if (v != null && c.type().accepts(v)) {
                    longest = Math.max(longest, CellText.format(c, v, schema.zone()).length());
                }
            }
            widths[i] = Math.min(Math.max(longest, 6) + 2, 60);
        }
        return widths;
    }
}
