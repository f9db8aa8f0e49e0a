package org.smsexport.support;

/**
 * Text for XML 1.0 documents, as formats that are zipped XML write it (XLSX, ODS): {@code < > &} escaped, a CR as
 * {@code &#13;} (a raw one would be read back as LF), and every character XML 1.0 cannot hold — control characters,
 * U+FFFE, U+FFFF, unpaired surrogates — as U+FFFD, counted so that an exporter can warn. Stateless.
 */
public final class XmlText {

    private XmlText() {
    }

    /**
     * @param c a UTF-16 unit
     * @return whether it goes into XML text as it is (no escape, no replacement)
     */
    public static boolean plain(char c) {
        return c >= 0x20 && c != '<' && c != '>' && c != '&' && (c < 0xD800 || c > 0xDFFF && c < 0xFFFE);
    }

    /**
     * @param s a text
     * @return whether every character of it goes into XML as it is
     */
    public static boolean plain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (!plain(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends {@code s[from, to)} escaped; tab and LF stay as they are.
     *
     * @param out  where to append
     * @param s    the text
     * @param from the first index
     * @param to   the index after the last
     * @return how many characters were replaced by U+FFFD
     */
    public static int append(StringBuilder out, String s, int from, int to) {
        int replaced = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (plain(c)) {
                out.append(c);
            } else if (c == '<') {
                out.append("&lt;");
            } else if (c == '>') {
                out.append("&gt;");
            } else if (c == '&') {
                out.append("&amp;");
            } else if (c == '\r') {
                out.append("&#13;");
            } else if (c == '\t' || c == '\n') {
                out.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append('\uFFFD');
                replaced++;
            }
        }
        return replaced;
    }
}
