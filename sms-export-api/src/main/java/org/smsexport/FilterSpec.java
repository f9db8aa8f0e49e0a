package org.smsexport;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/**
 * A filter an {@link ExportType} accepts: its key, the type of its value, how it matches and against which
 * attributes of a row. Data sources implement the matching; {@link #parse(Object)} turns a raw value
 * (from JSON, a form, the command line) into the typed value they receive.
 *
 * @param key           the filter key, e.g. {@code "status"} or {@code "enrolled_from"}
 * @param valueType     the type of the filter's value
 * @param match         how the value is compared with the row
 * @param attributes    the row attributes compared (usually column keys; {@code course_id} is an attribute
 *                      that is not exported); {@link Match#SEARCH} matches when any of them contains the value
 * @param allowedValues for text filters with a closed set of values (e.g. {@code active}, {@code inactive}),
 *                      the canonical values; empty when any value is allowed
 */
public record FilterSpec(String key, ColumnType valueType, Match match, List<String> attributes, List<String> allowedValues) {

    /** How a filter compares its value with a row. */
    public enum Match {
        /** The attribute equals the value (text compared ignoring case). */
        EQUALS,
        /** Any of the attributes contains the value, ignoring case and, where the source can, accents (see {@link #searchKey}). */
        SEARCH,
        /** The attribute is greater than or equal to the value (inclusive lower bound). */
        AT_LEAST,
        /** The attribute is less than or equal to the value (inclusive upper bound). */
        AT_MOST
    }

    /** Validates and copies the lists. */
    public FilterSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(match, "match");
        attributes = List.copyOf(attributes);
        allowedValues = List.copyOf(allowedValues);
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("Filter '" + key + "' needs at least one attribute");
        }
        if (match != Match.SEARCH && attributes.size() != 1) {
            throw new IllegalArgumentException("Filter '" + key + "' compares one attribute, got " + attributes);
        }
    }

    /**
     * @param key       filter key, also the attribute compared
     * @param valueType value type
     * @return an equality filter on the attribute of the same name
     */
    public static FilterSpec equalTo(String key, ColumnType valueType) {
        return new FilterSpec(key, valueType, Match.EQUALS, List.of(key), List.of());
    }

    /**
     * @param key     filter key, also the attribute compared
     * @param allowed the canonical allowed values
     * @return an equality filter on a text attribute with a closed set of values
     */
    public static FilterSpec oneOf(String key, String... allowed) {
        return new FilterSpec(key, ColumnType.TEXT, Match.EQUALS, List.of(key), List.of(allowed));
    }

    /**
     * @param key        filter key
     * @param attributes the text attributes searched
     * @return a case-insensitive "contains" filter over several attributes
     */
    public static FilterSpec search(String key, String... attributes) {
        return new FilterSpec(key, ColumnType.TEXT, Match.SEARCH, List.of(attributes), List.of());
    }

    /**
     * @param key       filter key
     * @param attribute the attribute compared
     * @param valueType value type
     * @param match     {@link Match#AT_LEAST} or {@link Match#AT_MOST}
     * @return a range bound filter
     */
    public static FilterSpec bound(String key, String attribute, ColumnType valueType, Match match) {
        return new FilterSpec(key, valueType, match, List.of(attribute), List.of());
    }

    /**
     * The form {@link Match#SEARCH} compares: lower case, accents removed, final sigma as sigma, so "ελενη",
     * "Ελένη" and "ΕΛΕΝΗ" all find each other, as do "jose" and "José".
     *
     * @param text a search term or an attribute value
     * @return its comparison key
     */
    public static String searchKey(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT).replace('ς', 'σ');
        boolean ascii = true;
        for (int i = 0; i < lower.length() && ascii; i++) {
            ascii = lower.charAt(i) < 0x80;
        }
        if (ascii) {
            return lower;
        }
        return COMBINING_MARKS.matcher(java.text.Normalizer.normalize(lower, java.text.Normalizer.Form.NFD)).replaceAll("");
    }

    private static final java.util.regex.Pattern COMBINING_MARKS = java.util.regex.Pattern.compile("\\p{M}+");

    /**
     * Turns a raw value into the typed value data sources receive: a {@code String} (canonical spelling when
     * the values are closed), a {@code Long}, a {@code BigDecimal}, a {@code LocalDate}, an {@code Instant}
     * or a {@code Boolean}. Strings are accepted for every type ({@code "2026-01-31"}, {@code "3"}).
     *
     * @param raw the value as given
     * @return the typed value
     * @throws InvalidRequestException naming the filter, the bad value and what is expected
     */
    public Object parse(Object raw) {
        if (raw == null) {
            throw invalid("null", "a value");
        }
        String text = raw instanceof CharSequence ? raw.toString().strip() : null;
        try {
            switch (valueType) {
                case TEXT:
                    return parseText(raw, text);
                case INTEGER:
                    if (ColumnType.INTEGER.accepts(raw)) {
                        return ((Number) raw).longValue();
                    }
                    if (text != null) {
                        return Long.parseLong(text);
                    }
                    break;
                case DECIMAL:
                    if (raw instanceof BigDecimal) {
                        return raw;
                    }
                    if (raw instanceof Number) {
                        return new BigDecimal(raw.toString());
                    }
                    if (text != null) {
                        return new BigDecimal(text);
                    }
                    break;
                case DATE:
                    if (raw instanceof LocalDate) {
                        return raw;
                    }
                    if (text != null) {
                        return LocalDate.parse(text);
                    }
                    break;
                case DATETIME:
                    if (raw instanceof Instant) {
                        return raw;
                    }
                    if (raw instanceof OffsetDateTime) {
                        return ((OffsetDateTime) raw).toInstant();
                    }
                    if (text != null) {
                        return OffsetDateTime.parse(text).toInstant();
                    }
                    break;
                case BOOLEAN:
                    if (raw instanceof Boolean) {
                        return raw;
                    }
                    if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
                        return Boolean.valueOf(text);
                    }
                    break;
                default:
                    throw new AssertionError(valueType);
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            // fall through to the common message below
        }
        throw invalid(describe(raw), expected());
    }

    private Object parseText(Object raw, String text) {
        if (text == null) {
            throw invalid(describe(raw), "text");
        }
        if (allowedValues.isEmpty()) {
            if (text.isEmpty()) {
                throw invalid("an empty string", "non-empty text");
            }
            // a NUL or another control character matches no stored text, and some databases refuse it outright
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c)) {
                    throw invalid("with the control character U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c) + " at "
                            + (i + 1), "text without control characters");
                }
            }
            return text;
        }
        for (String allowed : allowedValues) {
            if (allowed.equalsIgnoreCase(text)) {
                return allowed;
            }
        }
        throw invalid("'" + printable(text) + "'", "one of " + allowedValues);
    }

    private String expected() {
        switch (valueType) {
            case INTEGER:
                return "a whole number";
            case DECIMAL:
                return "a decimal number";
            case DATE:
                return "a date like 2026-01-31";
            case DATETIME:
                return "a date-time with offset like 2026-01-31T10:30:00Z";
            case BOOLEAN:
                return "true or false";
            default:
                return "text";
        }
    }

    private static String describe(Object raw) {
        return raw instanceof CharSequence ? "'" + printable(raw.toString()) + "'" : raw + " (" + raw.getClass().getSimpleName() + ")";
    }

    /** The value as a message may show it: control characters as {@code ?}, at most 100 characters. */
    private static String printable(String text) {
        String s = text.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    private InvalidRequestException invalid(String value, String expected) {
        return new InvalidRequestException("Filter '" + key + "' has value " + value + "; expected "
                + expected + ".");
    }
}
