package org.smsexport;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * The type of a column's values. A {@link org.smsexport.spi.RowCursor} hands out values of the Java
 * classes listed per constant (or {@code null}); exporters rely on that to write real numbers and dates.
 */
public enum ColumnType {
    /** Text: any {@link CharSequence}. */
    TEXT,
    /** Whole numbers: {@link Long}, {@link Integer}, {@link Short} or {@link Byte}. */
    INTEGER,
    /** Decimal numbers: {@link java.math.BigDecimal}, {@link Double}, {@link Float} or any integer class. */
    DECIMAL,
    /** Calendar dates: {@link LocalDate}. */
    DATE,
    /** Points in time: {@link Instant}, {@link OffsetDateTime}, {@link ZonedDateTime} or {@link LocalDateTime} (taken as UTC). */
    DATETIME,
    /** Truth values: {@link Boolean}. */
    BOOLEAN;

    /**
     * Tells whether a value is of a class this type accepts.
     *
     * @param value a non-null value
     * @return {@code true} when exporters can write {@code value} in a column of this type
     */
    public boolean accepts(Object value) {
        switch (this) {
            case TEXT:
                return value instanceof CharSequence;
            case INTEGER:
                return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
            case DECIMAL:
                return value instanceof Number;
            case DATE:
                return value instanceof LocalDate;
            case DATETIME:
                return value instanceof Instant || value instanceof OffsetDateTime || value instanceof ZonedDateTime
                        || value instanceof LocalDateTime;
            case BOOLEAN:
                return value instanceof Boolean;
            default:
                throw new AssertionError(this);
        }
    }

    /** @return the lower-case name used in configuration and messages, e.g. {@code "date"} */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
