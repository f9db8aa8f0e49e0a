package org.smsexport;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A request to export: which type, to which format, with which filters, for whom. Built with
 * {@link #builder()}; immutable and thread-safe. Type, format, filters and options are checked against
 * what is available when the request is submitted to {@code ExportService}.
 */
public final class ExportRequest {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final String type;
    private final String format;
    private final Map<String, Object> filters;
    private final OptionalLong limit;
    private final List<SortKey> sort;
    private final String owner;
    private final Optional<String> notifyEmail;
    private final Locale locale;
    private final ZoneId zone;
    private final Map<String, String> options;
    private final Optional<Instant> changedSince;
    private final Optional<String> clientAddress;

    private ExportRequest(Builder b) {
        this.type = b.type;
        this.format = b.format;
        this.filters = Collections.unmodifiableMap(new LinkedHashMap<>(b.filters));
        this.limit = b.limit;
        this.sort = List.copyOf(b.sort);
        this.owner = b.owner;
        this.notifyEmail = Optional.ofNullable(b.notifyEmail);
        this.locale = b.locale;
        this.zone = b.zone;
        this.options = Collections.unmodifiableMap(new TreeMap<>(b.options));
        this.changedSince = Optional.ofNullable(b.changedSince);
        this.clientAddress = Optional.ofNullable(b.clientAddress);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this request's values */
    public Builder toBuilder() {
        Builder b = new Builder().type(type).format(format).filters(filters).sort(sort).owner(owner)
                .locale(locale).zone(zone).options(options);
        limit.ifPresent(b::limit);
        notifyEmail.ifPresent(b::notifyEmail);
        changedSince.ifPresent(b::changedSince);
        clientAddress.ifPresent(b::clientAddress);
        return b;
    }

    /** @return the export type name, e.g. {@code "students"} */
    public String type() {
        return type;
    }

    /** @return the format id, e.g. {@code "csv"} */
    public String format() {
        return format;
    }

    /** @return raw filter values by key, as given */
    public Map<String, Object> filters() {
        return filters;
    }

    /** @return the requested row limit, when set */
    public OptionalLong limit() {
        return limit;
    }

    /** @return the sort order; empty for the source's default (by id) */
    public List<SortKey> sort() {
        return sort;
    }

    /** @return the user the job belongs to */
    public String owner() {
        return owner;
    }

    /** @return where to mail the outcome, when set */
    public Optional<String> notifyEmail() {
        return notifyEmail;
    }

    /** @return the language of headers, titles and mail */
    public Locale locale() {
        return locale;
    }

    /**
     * @return the time zone dates and times are written in: the one asked for, else UTC — a service writes a request
     *         without one in its own zone ({@code EXPORT_TIME_ZONE}), see {@link #requestedZone()}
     */
    public ZoneId zone() {
        return zone != null ? zone : ZoneOffset.UTC;
    }

    /** @return the time zone the request (or its template) asked for; empty for the service's */
    public Optional<ZoneId> requestedZone() {
        return Optional.ofNullable(zone);
    }

    /** @return format-specific options, e.g. {@code delimiter} or {@code bom} for CSV */
    public Map<String, String> options() {
        return options;
    }

    /** @return for incremental exports, the watermark */
    public Optional<Instant> changedSince() {
        return changedSince;
    }

    /** @return where the request came from over the network, for the audit trail */
    public Optional<String> clientAddress() {
        return clientAddress;
    }

    @Override
    public String toString() {
        // filters may hold search terms typed by a user: keep them out of logs
        return "ExportRequest[type=" + type + ", format=" + format + ", filters=" + filters.keySet() + ", owner=" + owner + "]";
    }

    /**
     * Builds an {@link ExportRequest}. Defaults: no filters, no limit (the service's maximum applies),
     * default sort, owner {@code "system"}, no notification, locale English, the service's zone, no options.
     * Not thread-safe.
     */
    public static final class Builder {
        private String type;
        private String format;
        private final Map<String, Object> filters = new LinkedHashMap<>();
        private OptionalLong limit = OptionalLong.empty();
        private final List<SortKey> sort = new ArrayList<>();
        private String owner = "system";
        private String notifyEmail;
        private Locale locale = Locale.ENGLISH;
        /** {@code null}: the template's, else the service's ({@code EXPORT_TIME_ZONE}). */
        private ZoneId zone;
        private final Map<String, String> options = new LinkedHashMap<>();
        private Instant changedSince;
        private String clientAddress;
        private ExportTemplate template;
        private boolean localeSet;

        private Builder() {
        }

        /**
         * Takes a template's type, format, filters, options and locale; what this builder sets itself wins,
         * whatever the order of the calls (filters and options merge key by key).
         *
         * @param value the template
         * @return this builder
         */
        public Builder template(ExportTemplate value) {
            this.template = Objects.requireNonNull(value, "template");
            return this;
        }

        /**
         * @param typeName the export type name, e.g. {@code "students"}
         * @return this builder
         */
        public Builder type(String typeName) {
            this.type = typeName;
            return this;
        }

        /**
         * @param exportType the export type
         * @return this builder
         */
        public Builder type(ExportType exportType) {
            return type(exportType.name());
        }

        /**
         * @param formatId the format id, e.g. {@code "csv"}
         * @return this builder
         */
        public Builder format(String formatId) {
            this.format = formatId;
            return this;
        }

        /**
         * @param key   the filter key
         * @param value the value (typed, or a string to be parsed)
         * @return this builder
         */
        public Builder filter(String key, Object value) {
            filters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "filter '" + key + "'"));
            return this;
        }

        /**
         * @param values filter values by key, added to those set so far
         * @return this builder
         */
        public Builder filters(Map<String, ?> values) {
            values.forEach(this::filter);
            return this;
        }

        /**
         * @param maxRows the maximum rows to export (positive)
         * @return this builder
         */
        public Builder limit(long maxRows) {
            this.limit = OptionalLong.of(maxRows);
            return this;
        }

        /**
         * @param keys sort keys, appended
         * @return this builder
         */
        public Builder sort(List<SortKey> keys) {
            sort.addAll(keys);
            return this;
        }

        /**
         * @param spec {@code "last_name"} or {@code "-last_name"} for descending, appended
         * @return this builder
         */
        public Builder sort(String spec) {
            sort.add(SortKey.parse(spec));
            return this;
        }

        /**
         * @param userId the user the job belongs to
         * @return this builder
         */
        public Builder owner(String userId) {
            this.owner = userId;
            return this;
        }

        /**
         * @param email where to mail the outcome
         * @return this builder
         */
        public Builder notifyEmail(String email) {
            this.notifyEmail = email;
            return this;
        }

        /**
         * @param value language of headers and titles
         * @return this builder
         */
        public Builder locale(Locale value) {
            this.locale = value;
            this.localeSet = true;
            return this;
        }

        /**
         * @param value time zone dates and times are written in; {@code null} (the default) for the template's, else the
         *              service's ({@code EXPORT_TIME_ZONE}, by default the JVM's)
         * @return this builder
         */
        public Builder zone(ZoneId value) {
            this.zone = value;
            return this;
        }

        /**
         * @param key   a format option, e.g. {@code "delimiter"}
         * @param value its value
         * @return this builder
         */
        public Builder option(String key, String value) {
            options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "option '" + key + "'"));
            return this;
        }

        /**
         * @param values format options, added to those set so far
         * @return this builder
         */
        public Builder options(Map<String, String> values) {
            values.forEach(this::option);
            return this;
        }

        /**
         * @param since only rows changed at or after this instant
         * @return this builder
         */
        public Builder changedSince(Instant since) {
            this.changedSince = since;
            return this;
        }

        /**
         * @param address where the request came from (an IP address), recorded in the audit trail only
         * @return this builder
         */
        public Builder clientAddress(String address) {
            this.clientAddress = address == null || address.isBlank() ? null : address.strip();
            return this;
        }

        /**
         * @return the request
         * @throws InvalidRequestException listing every missing or malformed value at once
         */
        public ExportRequest build() {
            if (template != null) {
                type = type != null ? type : template.type();
                format = format != null ? format : template.format();
                template.filters().forEach(filters::putIfAbsent);
                template.options().forEach(options::putIfAbsent);
                if (!localeSet && template.locale().isPresent()) {
                    locale = template.locale().get();
                }
                if (zone == null && template.zone().isPresent()) {
                    zone = template.zone().get();
                }
            }
            List<String> problems = new ArrayList<>();
            if (type == null || type.isBlank()) {
                problems.add("type is required (e.g. students, courses, grades)");
            }
            if (format == null || format.isBlank()) {
                problems.add("format is required (e.g. csv, xlsx, pdf)");
            }
            if (limit.isPresent() && limit.getAsLong() <= 0) {
                problems.add("limit must be positive, got " + limit.getAsLong());
            }
            if (owner == null || owner.isBlank() || owner.length() > 200) {
                problems.add("owner must be 1 to 200 characters");
            }
            if (notifyEmail != null && !EMAIL.matcher(notifyEmail).matches()) {
                problems.add("notify email '" + notifyEmail + "' is not an email address");
            }
            if (locale == null) {
                problems.add("locale must not be null");
            }
            if (!problems.isEmpty()) {
                throw new InvalidRequestException("Invalid export request: " + String.join("; ", problems) + ".",
                        null, null, format, type);
            }
            return new ExportRequest(this);
        }
    }
}
