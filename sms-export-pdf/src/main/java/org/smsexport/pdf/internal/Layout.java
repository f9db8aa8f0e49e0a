package org.smsexport.pdf.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smsexport.Column;
import org.smsexport.ColumnType;

/**
 * Where the table's columns go: widths from each column's type (numbers and dates get room for a wide
 * value), its header and the widest values of a sample of rows; spare room goes to text columns, and when
 * the page is too narrow the widest text columns give up room first ("water filling"), so short columns
 * stay whole. Header labels wrap onto a second line before they are cut.
 */
final class Layout {

    /** Space between a cell's border and its text, in points. */
    static final float PADDING = 2.5f;
    /** Narrowest a text column gets before every column is scaled down, in points. */
    private static final float MIN_TEXT = 42f;

    final float[] left;
    final float tableLeft;
    final float tableRight;
    final boolean[] rightAligned;
    /** Header label of each column, one or two lines. */
    final List<List<String>> headerLines;
    final int headerLineCount;
    /** Per column, whether its header label did not fit in two lines and is cut. */
    final boolean[] headerCut;

    Layout(List<Column> columns, List<String> labels, List<String[]> sample, Glyphs regular, Glyphs bold, float size,
            float tableLeft, float tableRight) {
        int n = columns.size();
        this.tableLeft = tableLeft;
        this.tableRight = tableRight;
        float avail = tableRight - tableLeft;
        float[] natural = new float[n];
        float[] headerFloor = new float[n];
        boolean[] text = new boolean[n];
        rightAligned = new boolean[n];
        for (int c = 0; c < n; c++) {
            ColumnType type = columns.get(c).type();
            text[c] = type == ColumnType.TEXT;
            rightAligned[c] = type == ColumnType.INTEGER || type == ColumnType.DECIMAL;
            int widest = regular.width(typicalWidest(type));
            for (String[] row : sample) {
                widest = Math.max(widest, regular.width(row[c]));
            }
            // the label's own need comes first: its width on two lines at the best break
            int header = twoLineWidth(labels.get(c), bold);
            headerFloor[c] = header * size / 1000f + 2 * PADDING + 0.5f;
            natural[c] = Math.max(widest, header) * size / 1000f + 2 * PADDING + 0.5f;
        }
        float[] width = allocate(natural, headerFloor, text, avail);
        left = new float[n + 1];
        left[0] = tableLeft;
        for (int c = 0; c < n; c++) {
            left[c + 1] = left[c] + width[c];
        }
        left[n] = tableRight;
        headerLines = new ArrayList<>(n);
        headerCut = new boolean[n];
        int lines = 1;
        for (int c = 0; c < n; c++) {
            float room = (width[c] - 2 * PADDING) * 1000f / size;
            List<String> wrapped = wrap(labels.get(c), bold, room);
            lines = Math.max(lines, wrapped.size());
            headerLines.add(wrapped);
            for (String line : wrapped) {
                headerCut[c] |= bold.width(line) > room;
            }
        }
        headerLineCount = lines;
    }

    /** @return room for text in column {@code c}, in 1/1000 em of a font of {@code size} points */
    int room(int c, float size) {
        return (int) ((left[c + 1] - left[c] - 2 * PADDING) * 1000f / size);
    }

    private static String typicalWidest(ColumnType type) {
        switch (type) {
            case INTEGER:
                return "0000000";
            case DECIMAL:
                return "-00000.00";
            case DATE:
                return "0000-00-00";
            case DATETIME:
                return "0000-00-00 00:00:00";
            case BOOLEAN:
                return "false";
            default:
                return "";
        }
    }

    /** Fills {@code floor} for text columns with headers capped at {@code cap}; @return their sum */
    private static float floors(float[] natural, float[] headerFloor, boolean[] text, float cap, float[] floor) {
        float sum = 0;
        for (int c = 0; c < natural.length; c++) {
            if (text[c]) {
                floor[c] = Math.max(Math.min(natural[c], MIN_TEXT), Math.min(headerFloor[c], cap));
                sum += floor[c];
            }
        }
        return sum;
    }

    /** @return the width a label needs on at most two lines, broken at its best space (1/1000 em) */
    static int twoLineWidth(String label, Glyphs bold) {
        String[] words = label.split(" ");
        int best = bold.width(label);
        for (int k = 1; k < words.length; k++) {
            String first = String.join(" ", Arrays.asList(words).subList(0, k));
            String rest = String.join(" ", Arrays.asList(words).subList(k, words.length));
            best = Math.min(best, Math.max(bold.width(first), bold.width(rest)));
        }
        return best;
    }

    /**
     * Shares the table's width: every column first gets its header's two-line width (and text columns at least
     * {@link #MIN_TEXT}, or less when their content is narrower), numbers and dates their natural width; free
     * space then widens text columns; when text is too wide, the widest text columns are capped at one level.
     * Only a table that cannot hold even those floors shrinks every column in proportion (headers are then cut).
     */
    private static float[] allocate(float[] natural, float[] headerFloor, boolean[] text, float avail) {
        int n = natural.length;
        float fixed = 0;
        float flexible = 0;
        for (int c = 0; c < n; c++) {
            if (text[c]) {
                flexible += natural[c];
            } else {
                fixed += natural[c];
            }
        }
        float[] w = natural.clone();
        float budget = avail - fixed;
        if (flexible == 0 || fixed + flexible <= avail) {
            // room to spare (or nothing flexible): widen text columns, or every column, in proportion
            float base = flexible == 0 ? fixed : flexible;
            float extra = avail - fixed - flexible;
            for (int c = 0; c < n; c++) {
                if (flexible == 0 || text[c]) {
                    w[c] += extra * natural[c] / base;
                }
            }
            return w;
        }
        // every text column's floor: its header's width where the page allows, otherwise the headers are capped at
        // one level (the longest are cut, as few as can be) but never below the plain minimum
        float[] floor = new float[n];
        float lowCap = 0;
        float highCap = 0;
        for (int c = 0; c < n; c++) {
            highCap = Math.max(highCap, headerFloor[c]);
        }
        if (floors(natural, headerFloor, text, highCap, floor) > budget) {
            for (int i = 0; i < 40; i++) {
                float cap = (lowCap + highCap) / 2;
                if (floors(natural, headerFloor, text, cap, floor) > budget) {
                    highCap = cap;
                } else {
                    lowCap = cap;
                }
            }
            highCap = lowCap;
        }
        float floorSum = floors(natural, headerFloor, text, highCap, floor);
        if (floorSum > budget) {
            // too many columns for the page: every column shrinks in proportion
            float scale = avail / (fixed + flexible);
            for (int c = 0; c < n; c++) {
                w[c] = natural[c] * scale;
            }
            return w;
        }
        // cap the widest text columns at one level so the text columns share exactly the budget
        float lo = 0;
        float hi = 0;
        for (int c = 0; c < n; c++) {
            hi = Math.max(hi, natural[c]);
        }
        for (int i = 0; i < 40; i++) {
            float cap = (lo + hi) / 2;
            float sum = 0;
            for (int c = 0; c < n; c++) {
                if (text[c]) {
                    sum += Math.max(floor[c], Math.min(natural[c], cap));
                }
            }
            if (sum > budget) {
                hi = cap;
            } else {
                lo = cap;
            }
        }
        for (int c = 0; c < n; c++) {
            if (text[c]) {
                w[c] = Math.max(floor[c], Math.min(natural[c], lo));
            }
        }
        return w;
    }

    /** Wraps a label at spaces onto at most two lines; what does not fit is cut by the cell fitter. */
    private static List<String> wrap(String label, Glyphs bold, float room) {
        if (bold.width(label) <= room || label.indexOf(' ') < 0) {
            return List.of(label);
        }
        String[] words = label.split(" ");
        StringBuilder first = new StringBuilder(words[0]);
        int i = 1;
        while (i < words.length && bold.width(first + " " + words[i]) <= room) {
            first.append(' ').append(words[i++]);
        }
        if (i == words.length) {
            return List.of(first.toString());
        }
        return List.of(first.toString(), String.join(" ", Arrays.asList(words).subList(i, words.length)));
    }
}
