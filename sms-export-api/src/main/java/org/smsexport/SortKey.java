package org.smsexport;

import java.util.Objects;

/**
 * One sort criterion of an export.
 *
 * @param column     the column key to sort by
 * @param descending {@code true} for descending order
 */
public record SortKey(String column, boolean descending) {

    /** Checks the column key is present. */
    public SortKey {
        Objects.requireNonNull(column, "column");
    }

    /**
     * Parses {@code "last_name"} (ascending) or {@code "-last_name"} (descending).
     *
     * @param spec the sort spec
     * @return the sort key
     */
    public static SortKey parse(String spec) {
        String s = spec.strip();
        return s.startsWith("-") ? new SortKey(s.substring(1), true) : new SortKey(s, false);
    }

    @Override
    public String toString() {
        return descending ? "-" + column : column;
    }
}
