package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.smsexport.FilterSpec;
import org.smsexport.support.SqlDialect;

/**
 * Text search in SQL with the meaning of {@link FilterSpec#searchKey}: lower case, accents removed, final sigma
 * as sigma, so "ελενη" finds "Ελένη" in the database as it does in memory. No search column and no extension
 * is needed: a {@code TRANSLATE} with a table built here from {@code searchKey} itself (every letter of the
 * Latin, Greek and Cyrillic blocks whose key is another single letter) folds the precomposed letters, which is
 * how text typed into forms is stored; combining marks (text stored decomposed) are removed as well, by
 * PostgreSQL's {@code TRANSLATE} itself and by a regular expression on H2, whose {@code TRANSLATE} keeps
 * characters it has no replacement for. MariaDB and MySQL compare under {@code utf8mb4_unicode_ci}, a collation that
 * ignores case and accents (final sigma too); SQLite is given {@code searchKey} itself as a function on the connection.
 */
final class SearchSql {

    /** The function SQLite is given on each connection that searches: {@link FilterSpec#searchKey} itself. */
    static final String SQLITE_FUNCTION = "sms_search_key";
    /** The function SQLite is given for lower case beyond ASCII, which its {@code LOWER} leaves alone. */
    static final String SQLITE_LOWER = "sms_lower";
    /** The escape character of {@link #pattern}'s wildcards: one that no database reads as an escape in a literal. */
    static final String ESCAPE = "!";

    /** Letters folded to their key, and the keys, position by position. */
    private static final String FROM;
    private static final String TO;
    /** The combining diacritical marks, U+0300 to U+036F. */
    private static final String MARKS;

    static {
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        int[][] blocks = {{0x00C0, 0x024F}, {0x0370, 0x03FF}, {0x0400, 0x04FF}, {0x1E00, 0x1FFF}};
        for (int[] block : blocks) {
            for (char c = (char) block[0]; c <= block[1]; c++) {
                if (!Character.isLetter(c)) {
                    continue;
                }
                String key = FilterSpec.searchKey(String.valueOf(c));
                if (key.length() == 1 && key.charAt(0) != c) {
                    from.append(c);
                    to.append(key);
                }
            }
        }
        StringBuilder marks = new StringBuilder();
        for (char c = 0x0300; c <= 0x036F; c++) {
            marks.append(c);
        }
        FROM = from.toString();
        TO = to.toString();
        MARKS = marks.toString();
    }

    private SearchSql() {
    }

    /**
     * @param column  an SQL expression of text
     * @param dialect the database's
     * @return the expression's search key, to compare with {@code LIKE} against the key of the search term
     */
    static String key(String column, SqlDialect dialect) {
        switch (dialect) {
            case POSTGRESQL:
                return "TRANSLATE(LOWER(" + column + "), '" + FROM + MARKS + "', '" + TO + "')";
            case H2:
                return "TRANSLATE(REGEXP_REPLACE(LOWER(" + column + "), '[" + MARKS.charAt(0) + "-" + MARKS.charAt(MARKS.length() - 1)
                        + "]+', ''), '" + FROM + "', '" + TO + "')";
            case MARIADB:
                return "(CONVERT(" + column + " USING utf8mb4) COLLATE utf8mb4_unicode_ci)";
            default:
                return SQLITE_FUNCTION + "(" + column + ")";
        }
    }

    /**
     * Gives a SQLite connection the search function ({@link #SQLITE_FUNCTION}); other databases need none.
     *
     * @param c       the connection
     * @param dialect its database's
     * @throws SQLException when the function cannot be registered (a connection that is not sqlite-jdbc's)
     */
    static void prepare(Connection c, SqlDialect dialect) throws SQLException {
        if (dialect != SqlDialect.SQLITE) {
            return;
        }
        // in a class of its own: sqlite-jdbc is optional, and this class must load without it
        SqliteFunctions.register(c);
    }

    /**
     * @param column  an SQL expression of text
     * @param dialect the database's
     * @return it in lower case as Java makes it ({@code Locale.ROOT}), Greek and Cyrillic too
     */
    static String lower(String column, SqlDialect dialect) {
        return (dialect == SqlDialect.SQLITE ? SQLITE_LOWER : "LOWER") + "(" + column + ")";
    }

    /**
     * @param term    what the user searches for
     * @param dialect the database's
     * @return the {@code LIKE} pattern that finds it anywhere, its wildcards escaped with {@link #ESCAPE}
     */
    static String pattern(String term, SqlDialect dialect) {
        String key = FilterSpec.searchKey(term);
        return "%" + key.replace(ESCAPE, ESCAPE + ESCAPE).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_") + "%";
    }
}
