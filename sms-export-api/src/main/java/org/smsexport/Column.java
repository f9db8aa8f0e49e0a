package org.smsexport;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One typed column of an {@link ExportType}.
 *
 * @param key   stable machine name, lower snake case ({@code "first_name"}); used in CSV headers when no
 *              label exists, in filters and in sort keys
 * @param type  the type of the column's values
 * @param scale decimal places written for {@link ColumnType#DECIMAL} columns (0–9), or {@code -1} to write
 *              decimals as they are; ignored for other types
 */
public record Column(String key, ColumnType type, int scale) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** Validates the key and the scale. */
    public Column {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("Column key '" + key
                    + "' is invalid: use lower snake case, a letter first, at most 63 characters");
        }
        if (scale < -1 || scale > 9) {
            throw new IllegalArgumentException("Column '" + key + "' has scale " + scale + ": use -1 (as is) or 0..9");
        }
    }

    /**
     * @param key the column key
     * @return a text column
     */
    public static Column text(String key) {
        return new Column(key, ColumnType.TEXT, -1);
    }

    /**
     * @param key the column key
     * @return an integer column
     */
    public static Column integer(String key) {
        return new Column(key, ColumnType.INTEGER, -1);
    }

    /**
     * @param key   the column key
     * @param scale decimal places to write, 0..9
     * @return a decimal column written with {@code scale} decimal places
     */
    public static Column decimal(String key, int scale) {
        return new Column(key, ColumnType.DECIMAL, scale);
    }

    /**
     * @param key the column key
     * @return a date column
     */
    public static Column date(String key) {
        return new Column(key, ColumnType.DATE, -1);
    }

    /**
     * @param key the column key
     * @return a date-time column
     */
    public static Column dateTime(String key) {
        return new Column(key, ColumnType.DATETIME, -1);
    }

    /**
     * @param key the column key
     * @return a boolean column
     */
    public static Column bool(String key) {
        return new Column(key, ColumnType.BOOLEAN, -1);
    }
}
