package org.smsexport.support;

/**
 * The one rule every spreadsheet-bound format uses against formula injection (CSV injection, OWASP): a text
 * value that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return would be
 * taken as a formula by Excel or LibreOffice, so it is prefixed with a single quote, which the
 * spreadsheet shows as text. Applies to text values only: numbers in numeric columns, negative ones
 * included, stay numbers. Thread-safe (stateless).
 */
public final class FormulaGuard {

    /** The prefix put before a dangerous value. */
    public static final char PREFIX = '\'';

    private FormulaGuard() {
    }

    /**
     * @param text a text cell value
     * @return whether a spreadsheet would read it as a formula
     */
    public static boolean isDangerous(CharSequence text) {
        if (text.length() == 0) {
            return false;
        }
        char c = text.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }

    /**
     * @param text a text cell value
     * @return the value, prefixed with {@link #PREFIX} when {@link #isDangerous(CharSequence)}
     */
    public static String neutralize(String text) {
        return isDangerous(text) ? PREFIX + text : text;
    }
}
