package org.smsexport.pdf.internal;

import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.RandomAccessFileOrArray;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * One embedded font as the page builder sees it: for every character its glyph id and advance width,
 * looked up once in the font's cmap and then read from an array. Characters seen for the first time are
 * collected so the OpenPDF thread can register them for the font subset ({@link #drainNew()}).
 *
 * <p>Read by the building thread only; the font itself is only read (its cmap), never written.
 */
final class Glyphs {

    /** What is printed for characters the font lacks: U+FFFD when the font has it, else '?'. */
    final int replacement;

    private static final int UNKNOWN = 0;
    private static final int MISSING = -1;

    /**
     * OpenPDF's {@code TrueTypeFont#getMetricsTT(int)} (glyph id and width of a character): public, but on a
     * package-private class, so it is called reflectively; OpenPDF's packages are open (automatic module).
     */
    private static final Method METRICS = metricsMethod();

    private final BaseFont font;
    private final int[] bmp = new int[0x10000];
    private final Map<Integer, Integer> astral = new HashMap<>();
    private final StringBuilder fresh = new StringBuilder();

    Glyphs(BaseFont font) {
        this.font = font;
        this.replacement = metrics(0xFFFD) != MISSING ? 0xFFFD : '?';
    }

    /**
     * @param cp a code point
     * @return {@code glyph << 16 | width} (width in 1/1000 em), or -1 when the font has no glyph for it
     */
    int metrics(int cp) {
        if (cp < 0x10000) {
            int m = bmp[cp];
            if (m == UNKNOWN) {
                m = load(cp);
                bmp[cp] = m;
            }
            return m;
        }
        Integer m = astral.get(cp);
        if (m == null) {
            m = load(cp);
            astral.put(cp, m);
        }
        return m;
    }

    private int load(int cp) {
        int[] m = Character.isSurrogate((char) cp) && cp < 0x10000 ? null : ttMetrics(cp);
        if (m == null || m[0] <= 0 || m[0] > 0xFFFF) {
            return MISSING;
        }
        fresh.appendCodePoint(cp);
        return m[0] << 16 | Math.min(m[1], 0xFFFF);
    }

    private int[] ttMetrics(int cp) {
        return metrics(font, cp);
    }

    /**
     * The glyph id and width of a character in a font; only reads the font's cmap, so any thread may call it.
     *
     * @return {@code {glyph, width}}, or {@code null} when the font has no glyph for it
     */
    static int[] metrics(BaseFont font, int cp) {
        try {
            return (int[]) METRICS.invoke(font, cp);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("OpenPDF's TrueType metrics cannot be read", e);
        }
    }

    /**
     * The font program cut down to the given glyphs (and the glyphs they are composed of), by OpenPDF's
     * TrueType subsetter, which OpenPDF keeps package-private.
     *
     * @param used the glyph ids in use (keys)
     * @return the subset TrueType file
     */
    static byte[] subset(BaseFont font, Map<Integer, int[]> used) throws IOException {
        try {
            Class<?> type = Class.forName("com.lowagie.text.pdf.TrueTypeFontSubSet");
            Constructor<?> make = type.getDeclaredConstructor(String.class, RandomAccessFileOrArray.class, HashMap.class, int.class,
                    boolean.class, boolean.class);
            make.setAccessible(true);
            Method process = type.getDeclaredMethod("process");
            process.setAccessible(true);
            byte[] file = Fonts.bytes(font);
            Object subsetter = make.newInstance(font.getPostscriptFontName(), new RandomAccessFileOrArray(file), new HashMap<>(used), 0, false,
                    false);
            return (byte[]) process.invoke(subsetter);
        } catch (InvocationTargetException e) {
            throw new IOException("The font " + font.getPostscriptFontName() + " cannot be subset: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("This OpenPDF version has no usable TrueTypeFontSubSet; use OpenPDF 2.0.x", e);
        }
    }

    private static Method metricsMethod() {
        try {
            Method m = Class.forName("com.lowagie.text.pdf.TrueTypeFont").getMethod("getMetricsTT", int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("This OpenPDF version has no TrueTypeFont.getMetricsTT(int); use OpenPDF 2.0.x", e);
        }
    }

    /** @return the characters looked up for the first time since the last call */
    String drainNew() {
        String s = fresh.toString();
        fresh.setLength(0);
        return s;
    }

    /**
     * @param text text the font has glyphs for (after {@link CellFitter})
     * @return its width in 1/1000 em
     */
    int width(String text) {
        int w = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int m = metrics(cp);
            w += (m == MISSING ? metrics(replacement) : m) & 0xFFFF;
        }
        return w;
    }

    /** @return the ascent of the font in 1/1000 em */
    float ascent() {
        return font.getFontDescriptor(BaseFont.ASCENT, 1000);
    }

    /** @return the descent of the font in 1/1000 em, negative */
    float descent() {
        return font.getFontDescriptor(BaseFont.DESCENT, 1000);
    }
}
