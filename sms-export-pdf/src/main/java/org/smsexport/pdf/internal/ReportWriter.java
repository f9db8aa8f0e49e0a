package org.smsexport.pdf.internal;

import com.lowagie.text.DocumentException;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.support.CellText;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.support.FormulaGuard;
import org.smsexport.spi.RowCursor;

/**
 * Writes one PDF report. This thread reads rows, formats them, fits every cell into its column and builds
 * each page's content stream as raw operators (fills, grid, text as glyph ids of the embedded font);
 * a {@link PageSink} thread turns the pages into PDF objects, deflates and writes them. Row heights are
 * fixed, so a page is done after a known number of rows and nothing grows with the export.
 */
public final class ReportWriter {

    private static final float MARGIN = 28f;
    private static final float BODY = 7f;
    private static final float ROW = 10f;
    private static final float HEADER_LINE = 8.5f;
    private static final float TITLE = 14f;
    private static final float META = 8f;
    private static final float META_LINE = 11f;
    private static final float FOOTER = 6.5f;
    private static final int SAMPLE_ROWS = 100;
    private static final int CHECK_EVERY = 1024;
    private static final int PROGRESS_EVERY = 8192;
    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ExportSchema schema;
    private final ExportContext context;
    private final Rectangle pageSize;
    private final boolean guard;
    private final byte[] userPassword;
    private final byte[] ownerPassword;
    private final boolean tagged;
    private final boolean archival;
    private final ReportTexts texts;
    private final List<Column> columns;
    private final int n;
    private final char decimalSeparator;

    private Glyphs regular;
    private Glyphs bold;
    private Layout layout;
    private String fontR;
    private String fontB;
    private final CellFitter fitter = new CellFitter();
    private final Ops fills = new Ops(16 * 1024);
    private final Ops text = new Ops(64 * 1024);
    private final Ops page = new Ops(96 * 1024);
    private final long[] cut;
    private final long[] replaced;
    private float ascentOffset;
    private float headerHeight;
    private int pageNumber;
    private int rowOnPage;
    private int rowsPerPage;
    private float tableTop;
    private float rowsX;
    private float rowsY;
    /** The next marked-content id on this page (tagged reports). */
    private int mcid;
    private int[] headerMcids;
    private int[] cellMcids;
    private String logical;
    private Structure structure;

    /**
     * @param schema        the columns and report texts
     * @param context       progress, cancellation, warnings
     * @param pageSize      the page, already rotated for landscape
     * @param guard         whether formula-like text is neutralized
     * @param userPassword  the password to open the file, or {@code null} for none
     * @param ownerPassword the owner password (full rights), used with {@code userPassword}
     * @param accessible    whether to write a tagged PDF/UA-1 file
     * @param archival      whether to write a PDF/A-2 file (2a when accessible, else 2u); never with a password
     */
    public ReportWriter(ExportSchema schema, ExportContext context, Rectangle pageSize, boolean guard, String userPassword,
            String ownerPassword, boolean accessible, boolean archival) {
        this.schema = schema;
        this.context = context;
        this.pageSize = pageSize;
        this.guard = guard;
        this.userPassword = userPassword == null ? null : userPassword.getBytes(StandardCharsets.UTF_8);
        this.ownerPassword = ownerPassword == null ? null : ownerPassword.getBytes(StandardCharsets.UTF_8);
        this.tagged = accessible;
        this.archival = archival;
        this.texts = new ReportTexts(schema.locale());
        this.columns = schema.columns();
        this.n = columns.size();
        this.decimalSeparator = DecimalFormatSymbols.getInstance(schema.locale()).getDecimalSeparator();
        this.cut = new long[n];
        this.replaced = new long[n];
    }

    /**
     * Writes the report.
     *
     * @param rows the rows; not closed here
     * @param out  where the PDF goes; flushed, not closed
     * @throws IOException when writing fails
     */
    public void write(RowCursor rows, OutputStream out) throws IOException {
        BaseFont regularFont = Fonts.regular();
        BaseFont boldFont = Fonts.bold();
        regular = new Glyphs(regularFont);
        bold = new Glyphs(boldFont);
        ascentOffset = baselineOffset(regular, BODY, ROW);

        List<String[]> sample = new ArrayList<>();
        long count = 0;
        while (sample.size() < SAMPLE_ROWS && rows.next()) {
            sample.add(cells(rows));
            count++;
        }
        layout = new Layout(columns, schema.labels(), sample, regular, bold, BODY, MARGIN, pageSize.getWidth() - MARGIN);
        headerHeight = layout.headerLineCount * HEADER_LINE + 3f;

        OutputStream buffered = new BufferedOutputStream(Exporter.keepingOpen(out), 128 * 1024);
        PageSink sink;
        structure = tagged ? new Structure(n) : null;
        if (tagged || archival) {
            sink = new ConformingSink(pageSize, buffered, regularFont, boldFont, n, tagged, archival, schema.title(),
                    schema.locale().toLanguageTag(), schema.generatedAt().atZone(schema.zone()), FOOTER, META);
        } else {
            try {
                sink = new PdfSink(pageSize, buffered, regularFont, boldFont, FOOTER, META, schema.title(), userPassword,
                        ownerPassword);
            } catch (DocumentException e) {
                throw new IOException("Cannot start the PDF: " + e.getMessage(), e);
            }
        }
        fontR = sink.regularName();
        fontB = sink.boldName();
        sink.start();
        boolean finished = false;
        try {
            startPage(sink);
            for (String[] row : sample) {
                addRow(sink, row);
            }
            sample = null;
            context.progress(count);
            while (rows.next()) {
                addRow(sink, cells(rows));
                count++;
                if ((count & (CHECK_EVERY - 1)) == 0) {
                    context.checkCancelled();
                    if (count % PROGRESS_EVERY == 0) {
                        context.progress(count);
                    }
                }
            }
            endPage(sink);
            sink.finish(NumberFormat.getIntegerInstance(schema.locale()).format(count));
            finished = true;
        } finally {
            if (!finished) {
                sink.abort();
            }
            if (structure != null) {
                structure.end();
            }
        }
        buffered.flush();
        context.progress(count);
        warn();
    }

    private String[] cells(RowCursor rows) {
        String[] cells = new String[n];
        for (int c = 0; c < n; c++) {
            Object v = rows.get(c);
            cells[c] = v == null ? "" : readable(columns.get(c), v);
        }
        return cells;
    }

    /**
     * A value as a reader wants it on paper: decimals with the locale's decimal separator, date-times
     * without ISO's 'T' and offset (the zone is in the title block), booleans as localized yes and no; text,
     * whole numbers and dates as in every format ({@link CellText}).
     */
    private String readable(Column column, Object v) {
        String s = CellText.format(column, v, schema.zone());
        switch (column.type()) {
            case TEXT:
                return guard ? FormulaGuard.neutralize(s) : s;
            case DECIMAL:
                return decimalSeparator == '.' ? s : s.replace('.', decimalSeparator);
            case DATETIME:
                return DATE_TIME.format(CellText.toZoned(v, schema.zone()));
            case BOOLEAN:
                return texts.get(s.equals("true") ? "yes" : "no");
            default:
                return s;
        }
    }

    /** Distance from a row's bottom to the baseline that centres the font's ascent and descent in it. */
    private static float baselineOffset(Glyphs font, float size, float height) {
        float asc = font.ascent() * size / 1000f;
        float desc = -font.descent() * size / 1000f;
        return (height - asc - desc) / 2f + desc;
    }

    private void startPage(PageSink sink) {
        pageNumber++;
        rowOnPage = 0;
        mcid = 0;
        fills.clear();
        text.clear();
        float top = pageSize.getHeight() - MARGIN;
        text.ascii("BT\n");
        if (pageNumber == 1) {
            top = titleBlock(top);
        }
        tableTop = top;
        rowsPerPage = Math.max(1, (int) ((tableTop - headerHeight - MARGIN) / ROW));
        if (tagged) {
            cellMcids = new int[rowsPerPage * n];
            Arrays.fill(cellMcids, -1);
        }
        // header: coloured band, white bold labels, one or two lines
        String rgb = schema.type().colour();
        fills.num(Integer.parseInt(rgb.substring(0, 2), 16) / 255f).num(Integer.parseInt(rgb.substring(2, 4), 16) / 255f)
                .num(Integer.parseInt(rgb.substring(4, 6), 16) / 255f).ascii("rg\n");
        fills.num(layout.tableLeft).num(tableTop - headerHeight).num(layout.tableRight - layout.tableLeft).num(headerHeight)
                .ascii("re f\n0.945 0.953 0.969 rg\n");
        text.ascii('/').ascii(fontB).ascii(' ').num(BODY).ascii("Tf 1 g\n");
        float firstBaseline = tableTop - 1.5f - HEADER_LINE + baselineOffset(bold, BODY, HEADER_LINE);
        // tagged: page 1's header cells are TH; the header repeated on later pages is an artifact
        boolean repeated = tagged && pageNumber > 1;
        if (repeated) {
            text.ascii("/Artifact BMC\n");
        } else if (tagged) {
            headerMcids = new int[n];
        }
        for (int c = 0; c < n; c++) {
            if (tagged && !repeated) {
                headerMcids[c] = beginTag("TH");
            }
            List<String> lines = layout.headerLines.get(c);
            for (int l = 0; l < lines.size(); l++) {
                cell(bold, lines.get(l), c, firstBaseline - l * HEADER_LINE, true, -1);
            }
            if (tagged && !repeated) {
                endTag();
            }
        }
        if (repeated) {
            endTag();
        }
        text.ascii('/').ascii(fontR).ascii(' ').num(BODY).ascii("Tf 0.1 g\n");
    }

    /** Title, generation time, filters and the row count label; returns where the table starts. */
    private float titleBlock(float top) {
        float width = layout.tableRight - layout.tableLeft;
        float y = top - TITLE;
        beginTag("H1");
        line(bold, fontB, TITLE, schema.title(), layout.tableLeft, y, width);
        endTag();
        y -= TITLE * 0.5f + META_LINE;
        String zone = schema.zone().normalized().equals(ZoneOffset.UTC) ? "UTC" : schema.zone().getId();
        beginTag("P");
        line(regular, fontR, META, texts.get("generated") + ": " + GENERATED.format(schema.generatedAt().atZone(schema.zone()))
                + " (" + zone + ")", layout.tableLeft, y, width);
        endTag();
        y -= META_LINE;
        StringBuilder f = new StringBuilder();
        for (Map.Entry<String, String> e : schema.filters().entrySet()) {
            f.append(f.length() == 0 ? "" : "; ").append(e.getKey()).append(" = ").append(e.getValue());
        }
        beginTag("P");
        line(regular, fontR, META, texts.get("filters") + ": " + (f.length() == 0 ? texts.get("no_filters") : f), layout.tableLeft,
                y, width);
        endTag();
        y -= META_LINE;
        String rows = texts.get("rows") + ": ";
        beginTag("P"); // the row count itself is drawn after the last page, in the same P (see ConformingSink)
        line(regular, fontR, META, rows, layout.tableLeft, y, width);
        endTag();
        rowsX = layout.tableLeft + regular.width(rows) * META / 1000f;
        rowsY = y;
        return y - META_LINE;
    }

    /**
     * In a tagged report, opens a marked-content sequence of the given structure role with the next id.
     *
     * @return the id, or -1 when the report is not tagged
     */
    private int beginTag(String role) {
        if (!tagged) {
            return -1;
        }
        text.ascii('/').ascii(role).ascii(" <</MCID ").integer(mcid).ascii(">> BDC\n");
        return mcid++;
    }

    private void endTag() {
        if (tagged) {
            text.ascii("EMC\n");
        }
    }

    /** One line of text outside the table, cut with an ellipsis at {@code width}. */
    private void line(Glyphs font, String name, float size, String s, float x, float y, float width) {
        text.ascii('/').ascii(name).ascii(' ').num(size).ascii("Tf 0.1 g\n");
        fitter.fit(s, font, (int) (width * 1000f / size));
        show(x, y);
    }

    private void addRow(PageSink sink, String[] cells) throws IOException {
        if (rowOnPage == rowsPerPage) {
            endPage(sink);
            startPage(sink);
        }
        float bottom = tableTop - headerHeight - (rowOnPage + 1) * ROW;
        if ((rowOnPage & 1) == 1) {
            fills.num(layout.tableLeft).num(bottom).num(layout.tableRight - layout.tableLeft).num(ROW).ascii("re\n");
        }
        float baseline = bottom + ascentOffset;
        for (int c = 0; c < n; c++) {
            if (!cells[c].isEmpty()) {
                int id = -1;
                if (tagged) {
                    id = mcid++;
                    cellMcids[rowOnPage * n + c] = id;
                }
                cell(regular, cells[c], c, baseline, false, id);
            }
        }
        rowOnPage++;
    }

    /**
     * One cell's text, fitted into its column; with {@code tag} >= 0 in a TD marked-content sequence of that id,
     * whose right-to-left text also carries its logical order as ActualText (the glyphs are in visual order).
     */
    private void cell(Glyphs font, String s, int c, float baseline, boolean header, int tag) {
        boolean rtl = Rtl.present(s);
        if (rtl) {
            fitRightToLeft(font, s, layout.room(c, BODY));
        } else {
            fitter.fit(s, font, layout.room(c, BODY));
        }
        if (!header) {
            if (fitter.cut) {
                cut[c]++;
            }
            if (fitter.replaced) {
                replaced[c]++;
            }
        }
        float x = layout.left[c] + Layout.PADDING;
        if (!header && layout.rightAligned[c] || rtl && Rtl.rightToLeftParagraph(s)) {
            x = layout.left[c + 1] - Layout.PADDING - fitter.width * BODY / 1000f;
        }
        if (tag >= 0) {
            text.ascii("/TD <</MCID ").integer(tag);
            if (rtl) {
                text.ascii("/ActualText ").ascii(ConformingSink.text(fitter.cut ? logical : s));
            }
            text.ascii(">> BDC\n");
        }
        show(x, baseline);
        if (tag >= 0) {
            text.ascii("EMC\n");
        }
    }

    /**
     * Right-to-left text: shaped and cut in logical order (so the end of the text is what is cut), then drawn
     * in visual order.
     */
    private void fitRightToLeft(Glyphs font, String s, int room) {
        fitter.record = true;
        fitter.fit(Rtl.shape(s), font, room);
        fitter.record = false;
        logical = fitter.printed.toString();
        boolean wasCut = fitter.cut;
        boolean wasReplaced = fitter.replaced;
        fitter.fit(Rtl.visual(fitter.printed.toString()), font, Integer.MAX_VALUE);
        fitter.cut = wasCut;
        fitter.replaced = wasReplaced;
    }

    /** Shows the fitter's glyphs at (x, y). */
    private void show(float x, float y) {
        if (fitter.count == 0) {
            return;
        }
        text.ascii("1 0 0 1 ").num(x).num(y).ascii("Tm <");
        int[] g = fitter.glyphs;
        for (int i = 0; i < fitter.count; i++) {
            text.hex4(g[i]);
        }
        text.ascii(">Tj\n");
    }

    private void endPage(PageSink sink) throws IOException {
        // footer: report title on the left, "Page X of " + the shared total template on the right
        float width = layout.tableRight - layout.tableLeft;
        float footerY = MARGIN - FOOTER - 6f;
        String label = texts.page(pageNumber);
        float labelWidth = regular.width(label) * FOOTER / 1000f;
        float totalX = layout.tableRight - regular.width("00000") * FOOTER / 1000f;
        if (tagged) {
            text.ascii("/Artifact <</Type/Pagination/Subtype/Footer>> BDC\n");
        }
        line(regular, fontR, FOOTER, schema.title(), layout.tableLeft, footerY, width * 0.6f);
        line(regular, fontR, FOOTER, label, totalX - labelWidth, footerY, width * 0.3f);
        endTag();
        text.ascii("ET\n");

        float bottom = tableTop - headerHeight - rowOnPage * ROW;
        page.clear();
        // tagged: shading and grid are an artifact, drawn before the text in a state of their own
        page.ascii(tagged ? "/Artifact BMC\nq\n" : "q\n").append(fills).ascii("f\n0.7 G 0.3 w\n");
        for (int r = 0; r <= rowOnPage; r++) {
            float y = tableTop - headerHeight - r * ROW;
            page.num(layout.tableLeft).num(y).ascii("m ").num(layout.tableRight).num(y).ascii("l\n");
        }
        page.num(layout.tableLeft).num(tableTop).ascii("m ").num(layout.tableRight).num(tableTop).ascii("l\n");
        for (int c = 0; c <= n; c++) {
            page.num(layout.left[c]).num(tableTop).ascii("m ").num(layout.left[c]).num(bottom).ascii("l\n");
        }
        if (tagged) {
            page.ascii("S\nQ\nEMC\n").append(text);
        } else {
            page.ascii("S\n").append(text).ascii("Q\n");
        }
        PageSink.Tags tags = null;
        Structure.Stream elements = null;
        if (tagged) {
            tags = new PageSink.Tags(mcid, pageNumber == 1 ? headerMcids : null, Arrays.copyOf(cellMcids, rowOnPage * n), rowOnPage);
            elements = structure.page(pageNumber - 1, tags);
        }
        sink.put(new PageSink.Page(pageNumber, page.toByteArray(), regular.drainNew(), bold.drainNew(), totalX, footerY,
                rowsX, rowsY, tags, elements));
    }

    private void warn() {
        for (int c = 0; c < n; c++) {
            String key = columns.get(c).key();
            if (layout.headerCut[c]) {
                context.warn("PDF: the header of column '" + key + "' (" + schema.labels().get(c) + ") is too wide for its column and "
                        + "ends with '…'; landscape pages or fewer columns give it room.");
            }
            if (cut[c] > 0) {
                context.warn("PDF: " + cut[c] + " value(s) of column '" + key + "' were wider than the column and end with '…'.");
            }
            if (replaced[c] > 0) {
                context.warn("PDF: " + replaced[c] + " value(s) of column '" + key + "' have characters the embedded font "
                        + "cannot show; they are printed as '\uFFFD'.");
            }
        }
    }
}
