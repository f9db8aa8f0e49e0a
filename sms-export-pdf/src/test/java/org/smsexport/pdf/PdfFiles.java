package org.smsexport.pdf;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.awt.geom.Point2D;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.PDFGraphicsStreamEngine;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImage;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * Reads PDF reports back with PDFBox: every glyph with its position, size and font, the grid lines, and
 * from those the table (header, then rows, across pages): rows and columns are the cells between grid
 * lines, so empty rows count and text that overflows its column is caught.
 */
final class PdfFiles {

    /** The table's font size, which tells table text from the title, meta lines and footer. */
    static final float BODY = 7f;

    private static final Font AWT_FONT = awtFont();

    /** One glyph as PDFBox extracted it; y grows downwards from the page's top. */
    record Glyph(String text, float x, float y, float width, float size, boolean bold) {
    }

    private PdfFiles() {
    }

    static PDDocument load(byte[] file, String password) throws IOException {
        return password == null ? Loader.loadPDF(file) : Loader.loadPDF(file, password);
    }

    /** @return the glyphs of every page, in content order */
    static List<List<Glyph>> glyphs(PDDocument doc) throws IOException {
        List<List<Glyph>> pages = new ArrayList<>();
        for (int p = 1; p <= doc.getNumberOfPages(); p++) {
            List<Glyph> glyphs = new ArrayList<>();
            PDFTextStripper stripper = new PDFTextStripper() {
                @Override
                protected void processTextPosition(TextPosition t) {
                    glyphs.add(new Glyph(t.getUnicode(), t.getXDirAdj(), t.getYDirAdj(), t.getWidthDirAdj(), t.getFontSizeInPt(),
                            t.getFont().getName().contains("Bold")));
                }
            };
            stripper.setStartPage(p);
            stripper.setEndPage(p);
            stripper.getText(doc);
            pages.add(glyphs);
        }
        return pages;
    }

    /** @return each page's text as PDFBox's text stripper lays it out */
    static List<String> pageTexts(PDDocument doc) throws IOException {
        List<String> pages = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper();
        for (int p = 1; p <= doc.getNumberOfPages(); p++) {
            stripper.setStartPage(p);
            stripper.setEndPage(p);
            pages.add(stripper.getText(doc));
        }
        return pages;
    }

    /** The lines of text of one size on a page, top to bottom, each a list of glyphs left to right. */
    static List<List<Glyph>> lines(List<Glyph> page, float size) {
        Map<Integer, List<Glyph>> byY = new TreeMap<>();
        for (Glyph g : page) {
            if (Math.abs(g.size() - size) < 0.01f) {
                byY.computeIfAbsent(Math.round(g.y() * 10), k -> new ArrayList<>()).add(g);
            }
        }
        List<List<Glyph>> lines = new ArrayList<>();
        for (List<Glyph> line : byY.values()) {
            line.sort(Comparator.comparingDouble(Glyph::x));
            lines.add(line);
        }
        return lines;
    }

    static String text(List<Glyph> glyphs) {
        StringBuilder sb = new StringBuilder();
        glyphs.forEach(g -> sb.append(g.text()));
        return sb.toString();
    }

    /** A page's table: header cells (lines merged) and data rows, with its grid. */
    record Table(List<String> header, List<List<String>> rows, Grid grid) {
    }

    /** The table's grid lines on a page, in PDF coordinates (y up): horizontal y's top down, vertical x's left to right. */
    record Grid(float[] rows, float[] columns) {
    }

    /** @return the grid lines of a page, read from its drawing operators */
    static Grid grid(PDPage page) throws IOException {
        List<Float> ys = new ArrayList<>();
        List<Float> xs = new ArrayList<>();
        PDFGraphicsStreamEngine engine = new PDFGraphicsStreamEngine(page) {
            private Point2D.Float at = new Point2D.Float();

            @Override
            public void moveTo(float x, float y) {
                at = new Point2D.Float(x, y);
            }

            @Override
            public void lineTo(float x, float y) {
                if (Math.abs(y - at.y) < 0.01f && !ys.contains(y)) {
                    ys.add(y);
                } else if (Math.abs(x - at.x) < 0.01f && !xs.contains(x)) {
                    xs.add(x);
                }
                at = new Point2D.Float(x, y);
            }

            @Override
            public void appendRectangle(Point2D p0, Point2D p1, Point2D p2, Point2D p3) {
            }

            @Override
            public void drawImage(PDImage pdImage) {
            }

            @Override
            public void clip(int windingRule) {
            }

            @Override
            public void curveTo(float x1, float y1, float x2, float y2, float x3, float y3) {
            }

            @Override
            public Point2D getCurrentPoint() {
                return at;
            }

            @Override
            public void closePath() {
            }

            @Override
            public void endPath() {
            }

            @Override
            public void strokePath() {
            }

            @Override
            public void fillPath(int windingRule) {
            }

            @Override
            public void fillAndStrokePath(int windingRule) {
            }

            @Override
            public void shadingFill(COSName shadingName) {
            }
        };
        engine.processPage(page);
        float[] rows = new float[ys.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = ys.get(i);
        }
        float[] columns = new float[xs.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = xs.get(i);
        }
        java.util.Arrays.sort(columns);
        java.util.Arrays.sort(rows);
        for (int i = 0; i < rows.length / 2; i++) {
            float t = rows[i];
            rows[i] = rows[rows.length - 1 - i];
            rows[rows.length - 1 - i] = t;
        }
        return new Grid(rows, columns);
    }

    /**
     * @return the table of one page: the header between the first two horizontal lines, then one row
     *         between each further pair, each glyph in the column whose vertical lines surround it
     */
    static Table table(List<Glyph> glyphs, Grid grid, float pageHeight) {
        int rowCount = grid.rows().length - 1;
        int columnCount = grid.columns().length - 1;
        List<List<StringBuilder>> cells = new ArrayList<>();
        for (int r = 0; r < rowCount; r++) {
            List<StringBuilder> row = new ArrayList<>();
            for (int c = 0; c < columnCount; c++) {
                row.add(new StringBuilder());
            }
            cells.add(row);
        }
        List<List<Glyph>> lines = lines(glyphs, BODY);
        String[][] headerLines = new String[columnCount][];
        for (List<Glyph> line : lines) {
            float y = pageHeight - line.get(0).y();
            int r = 0;
            while (r < rowCount && y < grid.rows()[r + 1]) {
                r++;
            }
            if (r == rowCount || y > grid.rows()[0]) {
                throw new AssertionError("table text outside the grid at y=" + y);
            }
            boolean header = r == 0;
            StringBuilder[] lineCells = new StringBuilder[columnCount];
            for (Glyph g : line) {
                int c = 0;
                while (c < columnCount - 1 && g.x() >= grid.columns()[c + 1]) {
                    c++;
                }
                if (g.x() < grid.columns()[c] || g.x() + g.width() > grid.columns()[c + 1] + 0.01f) {
                    throw new AssertionError("glyph '" + g.text() + "' at x=" + g.x() + " overflows its column");
                }
                if (header) {
                    if (lineCells[c] == null) {
                        lineCells[c] = new StringBuilder();
                    }
                    lineCells[c].append(g.text());
                } else {
                    cells.get(r).get(c).append(g.text());
                }
            }
            if (header) {
                for (int c = 0; c < columnCount; c++) {
                    if (lineCells[c] != null) {
                        StringBuilder h = cells.get(0).get(c);
                        h.append(h.length() == 0 ? "" : " ").append(lineCells[c]);
                    }
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int r = 1; r < rowCount; r++) {
            List<String> row = new ArrayList<>();
            cells.get(r).forEach(sb -> row.add(logical(sb.toString())));
            rows.add(row);
        }
        List<String> head = new ArrayList<>();
        cells.get(0).forEach(sb -> head.add(logical(sb.toString())));
        return new Table(head, rows, grid);
    }

    /** @return header + every data row of every page, checking that every page repeats the header */
    static List<List<String>> read(byte[] file, String password) throws IOException {
        try (PDDocument doc = load(file, password)) {
            List<List<String>> all = new ArrayList<>();
            List<List<Glyph>> pages = glyphs(doc);
            for (int p = 0; p < pages.size(); p++) {
                PDPage page = doc.getPage(p);
                Table t = table(pages.get(p), grid(page), page.getMediaBox().getHeight());
                if (all.isEmpty()) {
                    all.add(t.header());
                } else if (!all.get(0).equals(t.header())) {
                    throw new AssertionError("page header " + t.header() + " differs from the first page's " + all.get(0));
                }
                all.addAll(t.rows());
            }
            return all;
        }
    }

    /**
     * Text as read (left to right on the page) back in reading order, as PDF text extractors do: right-to-left
     * runs reversed again with the JDK's bidi algorithm (brackets mirrored back), Arabic presentation forms (joined letters) back to
     * their letters with NFKC.
     */
    static String logical(String visual) {
        java.text.Bidi bidi = new java.text.Bidi(visual, java.text.Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT);
        String text = visual;
        if (!bidi.isLeftToRight()) {
            int runs = bidi.getRunCount();
            byte[] levels = new byte[runs];
            Integer[] order = new Integer[runs];
            for (int r = 0; r < runs; r++) {
                levels[r] = (byte) bidi.getRunLevel(r);
                order[r] = r;
            }
            java.text.Bidi.reorderVisually(levels, 0, order, 0, runs);
            StringBuilder sb = new StringBuilder();
            for (int r : order) {
                String run = visual.substring(bidi.getRunStart(r), bidi.getRunLimit(r));
                sb.append((levels[r] & 1) == 0 ? run : mirrored(new StringBuilder(run).reverse().toString()));
            }
            text = sb.toString();
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0xFB50 && c <= 0xFDFF || c >= 0xFE70 && c <= 0xFEFF
                    ? java.text.Normalizer.normalize(String.valueOf(c), java.text.Normalizer.Form.NFKC) : String.valueOf(c));
        }
        return out.toString();
    }

    /** Brackets in a right-to-left run are drawn mirrored; reading them back mirrors them again. */
    private static String mirrored(String s) {
        String from = "()[]{}<>«»";
        String to = ")(][}{><»«";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            int i = from.indexOf(c);
            sb.append(i < 0 ? c : to.charAt(i));
        }
        return sb.toString();
    }

    /**
     * What the report prints for a text, worked out independently of the exporter: line breaks and tabs
     * as spaces, other control characters, unpaired surrogates and characters DejaVu Sans lacks (asked
     * of the JDK's own font engine) as U+FFFD.
     */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
                sb.append(' ');
            } else if (cp < 0x20 || cp >= 0x7F && cp <= 0x9F || cp >= 0xD800 && cp <= 0xDFFF || !AWT_FONT.canDisplay(cp)) {
                sb.append('\uFFFD');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static Font awtFont() {
        try (InputStream in = PdfExporter.class.getResourceAsStream("/org/smsexport/pdf/fonts/DejaVuSans.ttf")) {
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (FontFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
