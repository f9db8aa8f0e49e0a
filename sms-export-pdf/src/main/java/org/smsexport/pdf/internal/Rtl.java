package org.smsexport.pdf.internal;

import java.lang.reflect.Method;
import java.text.Bidi;

/**
 * Right-to-left text for a PDF, which shows glyphs in the order they are drawn: Arabic letters are shaped
 * into their joined forms (OpenPDF's Arabic ligaturizer) and every right-to-left run is put in visual order
 * (the JDK's Unicode bidi algorithm), with brackets mirrored. Text without right-to-left characters is
 * returned as it is, after a cheap scan.
 */
final class Rtl {

    /** OpenPDF's {@code ArabicLigaturizer.arabic_shape}: package-private, called reflectively (OpenPDF's packages are open). */
    private static final Method SHAPE = shapeMethod();
    /** ArabicLigaturizer.ar_nothing: joined forms and lam-alef only; optional ligatures (lam-meem …) are missing from DejaVu. */
    private static final int LIGATURES = 0;

    private Rtl() {
    }

    /** @return whether the text has a right-to-left character (Hebrew, Arabic, Syriac, Thaana, N'Ko, their presentation forms) */
    static boolean present(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0590 && (c <= 0x08FF || c >= 0xFB1D && c <= 0xFDFF || c >= 0xFE70 && c <= 0xFEFF)) {
                return true;
            }
        }
        return false;
    }

    /** @return the text with Arabic letters in their joined forms, still in logical order */
    static String shape(String s) {
        if (SHAPE == null) {
            return s;
        }
        char[] src = s.toCharArray();
        char[] dest = new char[src.length];
        try {
            int n = (Integer) SHAPE.invoke(null, src, 0, src.length, dest, 0, dest.length, LIGATURES);
            return new String(dest, 0, n);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return s;
        }
    }

    /** @return whether the text's paragraph direction is right-to-left (its first strong character is) */
    static boolean rightToLeftParagraph(String s) {
        return !new Bidi(s, Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT).baseIsLeftToRight();
    }

    /** @return the text in visual (drawing) order */
    static String visual(String s) {
        Bidi bidi = new Bidi(s, Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT);
        if (bidi.isLeftToRight()) {
            return s;
        }
        int runs = bidi.getRunCount();
        byte[] levels = new byte[runs];
        Integer[] order = new Integer[runs];
        for (int r = 0; r < runs; r++) {
            levels[r] = (byte) bidi.getRunLevel(r);
            order[r] = r;
        }
        Bidi.reorderVisually(levels, 0, order, 0, runs);
        StringBuilder out = new StringBuilder(s.length());
        for (int r : order) {
            String run = s.substring(bidi.getRunStart(r), bidi.getRunLimit(r));
            if ((bidi.getRunLevel(r) & 1) == 0) {
                out.append(run);
            } else {
                for (int i = run.length(); i > 0; ) {
                    int cp = run.codePointBefore(i);
                    i -= Character.charCount(cp);
                    out.appendCodePoint(mirror(cp));
                }
            }
        }
        return out.toString();
    }

    private static int mirror(int cp) {
        switch (cp) {
            case '(':
                return ')';
            case ')':
                return '(';
            case '[':
                return ']';
            case ']':
                return '[';
            case '{':
                return '}';
            case '}':
                return '{';
            case '<':
                return '>';
            case '>':
                return '<';
            case '«':
                return '»';
            case '»':
                return '«';
            default:
                return cp;
        }
    }

    private static Method shapeMethod() {
        try {
            Method m = Class.forName("com.lowagie.text.pdf.ArabicLigaturizer").getDeclaredMethod("arabic_shape", char[].class, int.class,
                    int.class, char[].class, int.class, int.class, int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Arabic then prints unjoined, still in the right order
        }
    }
}
