package org.smsexport.pdf;

import com.lowagie.text.PageSize;
import com.lowagie.text.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.smsexport.ExportFormat;
import org.smsexport.pdf.internal.ReportWriter;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.OptionSpec;
import org.smsexport.support.FormatOptions;
import org.smsexport.spi.RowCursor;

/**
 * The {@code pdf} format: a printable report. The first page carries the title ("Student Export Report",
 * localized), the generation time with its time zone, the filters applied and the row count; then a table
 * whose header row, in the type's colour, is repeated on every page, with alternating row shading, thin
 * grid lines and a footer with the title and "Page X of Y".
 *
 * <p>Text prints in DejaVu Sans, bundled in this jar and embedded as a subset, so Greek, accented Latin and
 * Cyrillic look the same on every host. Characters the font lacks (CJK, most emoji), control characters
 * and unpaired surrogates are printed as U+FFFD, never dropped; line breaks and tabs become spaces. Rows
 * are one line high: text wider than its column is cut and ends with "…" inside the column; the job gets a
 * warning naming the column and how many values were cut or had characters replaced. Hebrew and Arabic
 * print right to left (Unicode bidi, brackets mirrored, right-aligned when the text starts right to left),
 * Arabic letters joined; a cut keeps the start of the text.
 *
 * <p>Values are formatted for reading: decimals with the locale's decimal separator, date-times as
 * {@code 2026-01-31 12:30:00} in the schema's zone, booleans as a localized Yes/No; dates stay ISO.
 * Column widths come from the column types, the header and the first 100 rows; numbers are right-aligned.
 * Options:
 * <ul>
 * <li>{@code page_size}: {@code a4} (default) or {@code letter};
 * <li>{@code orientation}: {@code auto} (the default: landscape when the type has more than 6 columns), {@code portrait}
 *     or {@code landscape};
 * <li>{@code password}: the password needed to open the file (AES-256, any characters); the reader may print, not edit;
 * <li>{@code owner_password}: the password that gives full rights, only with {@code password}; a random
 *     one when not given (nobody can lift the restrictions);
 * <li>{@code formula_guard}: {@code true} (default) prefixes text starting with {@code = + - @}, tab or CR
 *     with {@code '}, as in CSV and XLSX, since text is copied from reports into spreadsheets;
 * <li>{@code accessible}: {@code true} writes a tagged PDF conforming to PDF/UA-1 (ISO 14289-1): a structure tree of
 *     Document, H1 (the title), P (the lines under it) and Table (THead with TH cells scoped to their column, a TBody
 *     per page, TR, TD), the document language from the export's locale, the title shown instead of the file name,
 *     shading, grid, footers and the header repeated on later pages as artifacts, right-to-left cells with their
 *     logical text as ActualText; default {@code false};
 * <li>{@code archival}: {@code true} writes PDF/A-2 (ISO 19005-2): level A with {@code accessible}, level U without;
 *     XMP metadata, an sRGB output intent, embedded fonts; never with a password. Default {@code false}.
 * </ul>
 *
 * <p>Accessible and archival reports are written by a writer of this module rather than OpenPDF's (object streams
 * and a cross-reference stream, the structure elements written page by page), so they stream like the others.
 *
 * <p>Streaming: each page's content is built as raw PDF operators while rows arrive (fixed row height, so a
 * page ends after a known number of rows) and handed to a second thread that owns the OpenPDF document,
 * deflates (level 1) and writes it; memory does not grow with the rows. Stateless and thread-safe.
 */
public final class PdfExporter implements Exporter {

    /** The format this exporter writes. */
    public static final ExportFormat FORMAT = new ExportFormat("pdf", "pdf", "application/pdf");

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Creates the exporter. */
    public PdfExporter() {
    }

    @Override
    public ExportFormat format() {
        return FORMAT;
    }

    private static final OptionSpec OWNER_PASSWORD = OptionSpec.secret("owner_password")
            .label("en", "Password to change or print").label("el", "Κωδικός για αλλαγές ή εκτύπωση");
    private static final OptionSpec ACCESSIBLE = OptionSpec.bool("accessible", false)
            .label("en", "Accessible (tagged PDF/UA)").label("el", "Προσβάσιμο (PDF/UA με ετικέτες)")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final OptionSpec ARCHIVAL = OptionSpec.bool("archival", false)
            .label("en", "For archiving (PDF/A-2)").label("el", "Για αρχειοθέτηση (PDF/A-2)")
            .choiceLabel("true", "en", "Yes").choiceLabel("true", "el", "Ναι").choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    private static final List<OptionSpec> OPTIONS = List.of(FormatOptions.PAGE_SIZE, FormatOptions.ORIENTATION, FormatOptions.FORMULA_GUARD,
            ACCESSIBLE, ARCHIVAL, FormatOptions.PASSWORD, OWNER_PASSWORD);

    /** @return paper size, orientation, the formula guard, the password that opens the file and the owner's */
    @Override
    public List<OptionSpec> optionSpecs() {
        return OPTIONS;
    }

    @Override
    public void validateOptions(Map<String, String> options) {
        Settings.of(options, 1);
    }

    @Override
    public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
        Settings s = Settings.of(context.options(), schema.columns().size());
        String owner = s.password == null ? null
                : s.ownerPassword != null ? s.ownerPassword : Base64.getEncoder().encodeToString(randomBytes());
        new ReportWriter(schema, context, s.page, s.guard, s.password, owner, s.accessible, s.archival).write(rows, out);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return b;
    }

    private record Settings(Rectangle page, boolean guard, String password, String ownerPassword, boolean accessible, boolean archival) {

        static Settings of(Map<String, String> options, int columns) {
            FormatOptions o = FormatOptions.of(FORMAT.id(), options);
            Rectangle size = o.choice(FormatOptions.PAGE_SIZE).equals("letter") ? PageSize.LETTER : PageSize.A4;
            boolean landscape = FormatOptions.landscape(o.choice(FormatOptions.ORIENTATION), columns);
            boolean guard = o.bool(FormatOptions.FORMULA_GUARD);
            String password = o.secret("password");
            String owner = o.secret("owner_password");
            if (owner != null && password == null && !options.containsKey("password")) {
                o.problem("Option 'owner_password' needs option 'password' (the password that opens the file).");
            }
            boolean accessible = o.bool(ACCESSIBLE);
            boolean archival = o.bool(ARCHIVAL);
            if (password != null && archival) {
                o.problem("Option 'password' cannot be used with 'archival=true': PDF/A forbids encryption, so an archival report "
                        + "cannot be password-protected; leave out 'password' or set 'archival=false'.");
            } else if (password != null && accessible) {
                o.problem("Option 'password' cannot be used with 'accessible=true': the tagged report is written without "
                        + "encryption; leave out 'password' or set 'accessible=false'.");
            }
            o.check();
            // a landscape media box rather than /Rotate: coordinates stay the page's own, for every reader
            Rectangle page = landscape ? new Rectangle(size.getHeight(), size.getWidth()) : new Rectangle(size);
            return new Settings(page, guard, password, owner, accessible, archival);
        }
    }
}
