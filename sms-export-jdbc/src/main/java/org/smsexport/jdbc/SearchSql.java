package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.smsexport.FilterSpec;

/**
 * Text search in SQL with the meaning of {@link FilterSpec#searchKey}: lower case, accents removed, final sigma
 * as sigma, so "ελενη" finds "Ελένη" in the database as it does in memory. No search column and no extension
 * is needed: a {@code TRANSLATE} with a table built here from {@code searchKey} itself (every letter of the
 * Latin, Greek and Cyrillic blocks whose key is another single letter) folds the precomposed letters, which is
 * how text typed into forms is stored; combining marks (text stored decomposed) are removed as well, by
 * PostgreSQL's {@code TRANSLATE} itself and by a regular expression on H2, whose {@code TRANSLATE} keeps
 * characters it has no replacement for. Other databases get {@code LOWER} only: case-insensitive.
 */
final class SearchSql {

    /** The databases whose SQL differs. */
    enum Dialect {
        POSTGRESQL, H2, OTHER;

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return product.contains("postgres") ? POSTGRESQL : product.equals("h2") ? H2 : OTHER;
        }
    }

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
    static String key(String column, Dialect dialect) {
        switch (dialect) {
            case POSTGRESQL:
                return "TRANSLATE(LOWER(" + column + "), '" + FROM + MARKS + "', '" + TO + "')";
            case H2:
                return "TRANSLATE(REGEXP_REPLACE(LOWER(" + column + "), '[" + MARKS.charAt(0) + "-" + MARKS.charAt(MARKS.length() - 1)
                        + "]+', ''), '" + FROM + "', '" + TO + "')";
            default:
                return "LOWER(" + column + ")";
        }
    }

    /**
     * @param term    what the user searches for
     * @param dialect the database's
     * @return the {@code LIKE} pattern that finds it anywhere, its wildcards escaped with {@code \}
     */
    static String pattern(String term, Dialect dialect) {
        String key = dialect == Dialect.OTHER ? term.toLowerCase(Locale.ROOT) : FilterSpec.searchKey(term);
        return "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
