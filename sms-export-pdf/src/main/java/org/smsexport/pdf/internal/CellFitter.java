package org.smsexport.pdf.internal;

import java.util.Arrays;

/**
 * Turns a cell's text into the glyphs that are printed in its column: line breaks and tabs become spaces,
 * other control characters, unpaired surrogates and characters the font lacks become the font's
 * replacement character (visibly, never dropped), and text wider than the column is cut so that it ends
 * with "…" inside the column. Reusable buffers; one instance per building thread.
 */
final class CellFitter {

    static final int ELLIPSIS = 0x2026;

    int[] glyphs = new int[128];
    private int[] widths = new int[128];
    /** Glyphs of the last fitted text. */
    int count;
    /** Width of the last fitted text in 1/1000 em. */
    int width;
    /** Whether the last text was cut. */
    boolean cut;
    /** Whether the last text had characters replaced. */
    boolean replaced;
    /** When set, {@link #printed} receives the characters printed (after replacement and cutting). */
    boolean record;
    /** The characters of the last text as printed, when {@link #record} is set. */
    final StringBuilder printed = new StringBuilder();

    /**
     * @param text     the text
     * @param font     the font it is printed in
     * @param maxWidth the room in 1/1000 em
     * @return the number of glyphs in {@link #glyphs}
     */
    int fit(String text, Glyphs font, int maxWidth) {
        count = 0;
        width = 0;
        cut = false;
        replaced = false;
        printed.setLength(0);
        int n = text.length();
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp >= 0x7F && cp <= 0x9F) {
                if (cp == '\t' || cp == '\n' || cp == '\r') {
                    cp = ' ';
                } else {
                    cp = font.replacement;
                    replaced = true;
                }
            } else if (cp == 0x2028 || cp == 0x2029) {
                cp = ' ';
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = font.replacement;
                replaced = true;
            }
            int m = font.metrics(cp);
            if (m == -1) {
                cp = font.replacement;
                m = font.metrics(cp);
                replaced = true;
            }
            int w = m & 0xFFFF;
            if (width + w > maxWidth) {
                cut = true;
                break;
            }
            push(m >>> 16, w);
            if (record) {
                printed.appendCodePoint(cp);
            }
        }
        if (cut) {
            int ellipsis = font.metrics(ELLIPSIS);
            int ew = ellipsis & 0xFFFF;
            while (count > 0 && width + ew > maxWidth) {
                width -= widths[--count];
                if (record) {
                    printed.setLength(printed.offsetByCodePoints(printed.length(), -1));
                }
            }
            if (ellipsis != -1 && width + ew <= maxWidth) {
                push(ellipsis >>> 16, ew);
                if (record) {
                    printed.append('…');
                }
            }
        }
        return count;
    }

    private void push(int glyph, int w) {
        if (count == glyphs.length) {
            glyphs = Arrays.copyOf(glyphs, count * 2);
            widths = Arrays.copyOf(widths, count * 2);
        }
        glyphs[count] = glyph;
        widths[count++] = w;
        width += w;
    }
}
