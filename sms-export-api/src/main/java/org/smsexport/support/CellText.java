package org.smsexport.support;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.smsexport.Column;
import org.smsexport.ExportException;

/**
 * The canonical text of cell values, shared by every format that writes text: ISO-8601 dates
 * ({@code 2026-01-31}) and date-times with offset in the export's zone, decimals in plain notation with a
 * dot and the column's scale (half-up, as the value reads in decimal), {@code true}/{@code false}.
 * Fast: no {@code String.format}, no per-call formatter. Thread-safe (stateless).
 */
public final class CellText {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L};

    private CellText() {
    }

    /**
     * @param column the column
     * @param value  a value of the column's type, or {@code null}
     * @param zone   the zone date-times are written in
     * @return the canonical text; the empty string for {@code null}
     * @throws ExportException when the value's class does not fit the column type
     */
    public static String format(Column column, Object value, ZoneId zone) {
        if (value == null) {
            return "";
        }
        switch (column.type()) {
            case TEXT:
                if (value instanceof CharSequence) {
                    return value.toString();
                }
                break;
            case INTEGER:
                if (column.type().accepts(value)) {
                    return Long.toString(((Number) value).longValue());
                }
                break;
            case DECIMAL:
                if (value instanceof Number) {
                    return appendDecimal(new StringBuilder(24), (Number) value, column.scale()).toString();
                }
                break;
            case DATE:
                if (value instanceof LocalDate) {
                    return appendDate(new StringBuilder(10), (LocalDate) value).toString();
                }
                break;
            case DATETIME:
                if (column.type().accepts(value)) {
                    return DATE_TIME.format(toZoned(value, zone));
                }
                break;
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value.toString();
                }
                break;
            default:
                throw new AssertionError(column.type());
        }
        throw wrongType(column, value);
    }

    /**
     * @param column the column
     * @param value  the value found in it
     * @return an error naming the column, its type and the value's class (never the value: it may be personal)
     */
    public static ExportException wrongType(Column column, Object value) {
        return new ExportException("Column '" + column.key() + "' is " + column.type().id() + " but the data source gave a "
                + value.getClass().getName() + "; return one of the classes ColumnType." + column.type().name() + " lists.");
    }

    /**
     * @param value an {@code Instant}, {@code OffsetDateTime}, {@code ZonedDateTime} or {@code LocalDateTime} (read as UTC)
     * @param zone  the export's zone
     * @return the same instant in {@code zone}
     */
    public static ZonedDateTime toZoned(Object value, ZoneId zone) {
        if (value instanceof Instant) {
            return ((Instant) value).atZone(zone);
        }
        if (value instanceof OffsetDateTime) {
            return ((OffsetDateTime) value).atZoneSameInstant(zone);
        }
        if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).withZoneSameInstant(zone);
        }
        if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).atOffset(ZoneOffset.UTC).atZoneSameInstant(zone);
        }
        throw new IllegalArgumentException("Not a date-time: " + value.getClass().getName());
    }

    /**
     * Appends {@code yyyy-MM-dd} (years outside 0..9999 in ISO's extended form).
     *
     * @param sb   where to append
     * @param date the date
     * @return {@code sb}
     */
    public static StringBuilder appendDate(StringBuilder sb, LocalDate date) {
        int y = date.getYear();
        if (y < 0 || y > 9999) {
            return sb.append(date);
        }
        sb.append((char) ('0' + y / 1000)).append((char) ('0' + y / 100 % 10)).append((char) ('0' + y / 10 % 10))
                .append((char) ('0' + y % 10)).append('-');
        int m = date.getMonthValue();
        int d = date.getDayOfMonth();
        return sb.append((char) ('0' + m / 10)).append((char) ('0' + m % 10)).append('-')
                .append((char) ('0' + d / 10)).append((char) ('0' + d % 10));
    }

    /**
     * Appends a decimal in plain notation. With a scale, rounds half-up as the value reads in decimal
     * ({@code 2.675} → {@code 2.68}) and pads with zeros; with scale -1, writes the value as it is,
     * never in exponent notation. NaN and infinities are written as {@code NaN}, {@code Infinity}, {@code -Infinity}.
     *
     * @param sb    where to append
     * @param value the number
     * @param scale decimal places, or -1
     * @return {@code sb}
     */
    public static StringBuilder appendDecimal(StringBuilder sb, Number value, int scale) {
        if (value instanceof Double || value instanceof Float) {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return sb.append(d);
            }
            long scaled = scaledDecimal(d, scale);
            if (scaled != Long.MIN_VALUE) {
                return appendScaled(sb, scaled, scale);
            }
            if (scale < 0) {
                String plain = Double.toString(d);
                return plain.indexOf('E') < 0 ? sb.append(plain)
                        : sb.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
            }
            return sb.append(BigDecimal.valueOf(d).setScale(scale, RoundingMode.HALF_UP).toPlainString());
        }
        if (value instanceof BigDecimal) {
            BigDecimal bd = (BigDecimal) value;
            return sb.append((scale >= 0 ? bd.setScale(scale, RoundingMode.HALF_UP) : bd).toPlainString());
        }
        if (value instanceof BigInteger) {
            BigDecimal bd = new BigDecimal((BigInteger) value);
            return sb.append((scale >= 0 ? bd.setScale(scale) : bd).toPlainString());
        }
        long l = value.longValue();
        if (scale <= 0) {
            return sb.append(l);
        }
        sb.append(l);
        sb.append('.');
        for (int i = 0; i < scale; i++) {
            sb.append('0');
        }
        return sb;
    }

    /**
     * The fast path of {@link #appendDecimal} for a double, for writers that append digits themselves: the value
     * times 10<sup>scale</sup>, rounded, when that is what half-up rounding of its decimal reading gives. The
     * decimal text is then the digits of the result with a point {@code scale} places from the right.
     *
     * @param d     the value
     * @param scale decimal places, or -1
     * @return the scaled value, or {@link Long#MIN_VALUE} when {@link #appendDecimal} must decide (no scale, NaN,
     *         infinite, too large, or within a millionth of a tie that binary rounding may hide)
     */
    public static long scaledDecimal(double d, int scale) {
        if (scale >= 0 && scale < POW10.length && Math.abs(d) < 1e15 / POW10[scale]) {
            double x = d * POW10[scale];
            double frac = Math.abs(x - Math.rint(x));
            if (Math.abs(frac - 0.5) > 1e-6) {
                return Math.round(x);
            }
        }
        return Long.MIN_VALUE;
    }

    private static StringBuilder appendScaled(StringBuilder sb, long scaled, int scale) {
        if (scale == 0) {
            return sb.append(scaled);
        }
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        long p = POW10[scale];
        sb.append(scaled / p).append('.');
        long frac = scaled % p;
        for (long q = p / 10; q > frac && q > 1; q /= 10) {
            sb.append('0');
        }
        return sb.append(frac);
    }
}
