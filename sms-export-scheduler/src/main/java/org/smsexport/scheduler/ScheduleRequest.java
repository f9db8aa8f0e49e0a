package org.smsexport.scheduler;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A recurring export to create: whose it is, what to export, how often, in which time zone, and what to do
 * with missed slots. Build with {@link #builder(String, String, String)}; immutable.
 *
 * @param owner         the user the exports belong to (their jobs carry it; ids contain it)
 * @param type          the export type name ({@code students})
 * @param format        the format id ({@code csv})
 * @param filters       filters as text, checked like an export request's
 * @param options       format options
 * @param notifyEmail   who is mailed when each run completes or fails, if anyone
 * @param frequency     when it fires
 * @param zone          the zone wall-clock times are in; {@code UTC} by default
 * @param catchUp       what happens to missed slots; {@link CatchUp#RUN_ONCE} by default
 * @param catchUpWindow how far back {@link CatchUp#RUN_ALL} reaches; 24 hours by default
 * @param template      the export template each run starts from, as it is at the run (its type, format, filters,
 *                      options and locale; the schedule's own filters and options win), if any
 * @param delta         whether each run exports only what changed since the start of the last successful run (the
 *                      first run, and any run with no successful one before it, is full)
 * @param locale        the language of each run's headers and titles (the template's, else English, when empty)
 */
public record ScheduleRequest(String owner, String type, String format, Map<String, String> filters, Map<String, String> options,
        Optional<String> notifyEmail, Frequency frequency, ZoneId zone, CatchUp catchUp, Duration catchUpWindow,
        Optional<String> template, boolean delta, Optional<java.util.Locale> locale) {

    private static final ZoneId UTC = ZoneId.of("UTC");

    /** Validates and copies; a zone that is plain UTC ({@code Z}, {@code UTC+0}, {@code Etc/UTC}) becomes {@code UTC}. */
    public ScheduleRequest {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        filters = Collections.unmodifiableMap(new TreeMap<>(filters));
        options = Collections.unmodifiableMap(new TreeMap<>(options));
        Objects.requireNonNull(notifyEmail, "notifyEmail");
        Objects.requireNonNull(frequency, "frequency");
        // ZoneOffset.UTC prints as "Z"; one spelling everywhere (CLI, REST, the schedule table)
        zone = Objects.requireNonNull(zone, "zone").normalized().equals(ZoneOffset.UTC) ? UTC : zone;
        Objects.requireNonNull(catchUp, "catchUp");
        Objects.requireNonNull(catchUpWindow, "catchUpWindow");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(locale, "locale");
    }

    /** A schedule in the template's language, else English: the constructor before schedules had a language. */
    public ScheduleRequest(String owner, String type, String format, Map<String, String> filters, Map<String, String> options,
            Optional<String> notifyEmail, Frequency frequency, ZoneId zone, CatchUp catchUp, Duration catchUpWindow,
            Optional<String> template, boolean delta) {
        this(owner, type, format, filters, options, notifyEmail, frequency, zone, catchUp, catchUpWindow, template, delta, Optional.empty());
    }

    /**
     * @param value the language of each run's headers and titles, or {@code null} for the template's (else English)
     * @return this request in that language
     */
    public ScheduleRequest withLocale(java.util.Locale value) {
        return new ScheduleRequest(owner, type, format, filters, options, notifyEmail, frequency, zone, catchUp, catchUpWindow, template,
                delta, Optional.ofNullable(value));
    }

    /**
     * @param value whether each run exports only what changed since the last successful run
     * @return this request, delta or full
     */
    public ScheduleRequest withDelta(boolean value) {
        return new ScheduleRequest(owner, type, format, filters, options, notifyEmail, frequency, zone, catchUp, catchUpWindow, template,
                value, locale);
    }

    /** A full (not delta) schedule: the constructor before delta exports. */
    public ScheduleRequest(String owner, String type, String format, Map<String, String> filters, Map<String, String> options,
            Optional<String> notifyEmail, Frequency frequency, ZoneId zone, CatchUp catchUp, Duration catchUpWindow,
            Optional<String> template) {
        this(owner, type, format, filters, options, notifyEmail, frequency, zone, catchUp, catchUpWindow, template, false);
    }

    /** A schedule of no template: the constructor before templates. */
    public ScheduleRequest(String owner, String type, String format, Map<String, String> filters, Map<String, String> options,
            Optional<String> notifyEmail, Frequency frequency, ZoneId zone, CatchUp catchUp, Duration catchUpWindow) {
        this(owner, type, format, filters, options, notifyEmail, frequency, zone, catchUp, catchUpWindow, Optional.empty(), false);
    }

    /**
     * @param owner  the user
     * @param type   the export type name
     * @param format the format id
     * @return a builder: daily, UTC, catch-up once
     */
    public static Builder builder(String owner, String type, String format) {
        return new Builder(owner, type, format);
    }

    /** Builds a {@link ScheduleRequest}. Not thread-safe. */
    public static final class Builder {
        private final String owner;
        private final String type;
        private final String format;
        private final Map<String, String> filters = new TreeMap<>();
        private final Map<String, String> options = new TreeMap<>();
        private String notifyEmail;
        private Frequency frequency = Frequency.parse("daily");
        private ZoneId zone = ZoneOffset.UTC;
        private CatchUp catchUp = CatchUp.RUN_ONCE;
        private Duration catchUpWindow = Duration.ofHours(24);
        private String template;
        private boolean delta;
        private java.util.Locale locale;

        private Builder(String owner, String type, String format) {
            this.owner = owner;
            this.type = type;
            this.format = format;
        }

        /**
         * @param key   the filter
         * @param value its value as text
         * @return this builder
         */
        public Builder filter(String key, String value) {
            filters.put(key, value);
            return this;
        }

        /**
         * @param values filters as text
         * @return this builder
         */
        public Builder filters(Map<String, String> values) {
            filters.putAll(values);
            return this;
        }

        /**
         * @param key   a format option
         * @param value its value
         * @return this builder
         */
        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        /**
         * @param email who is mailed after each run, or {@code null}
         * @return this builder
         */
        public Builder notifyEmail(String email) {
            this.notifyEmail = email;
            return this;
        }

        /**
         * @param value {@code hourly}, {@code daily}, {@code weekly}, {@code monthly} or {@code cron EXPR}
         * @return this builder
         * @throws org.smsexport.InvalidRequestException when the frequency is invalid
         */
        public Builder frequency(String value) {
            this.frequency = Frequency.parse(value);
            return this;
        }

        /**
         * @param value the zone wall-clock times are in
         * @return this builder
         */
        public Builder zone(ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /**
         * @param value the catch-up policy
         * @return this builder
         */
        public Builder catchUp(CatchUp value) {
            this.catchUp = Objects.requireNonNull(value, "catchUp");
            return this;
        }

        /**
         * @param value how far back {@link CatchUp#RUN_ALL} reaches
         * @return this builder
         */
        public Builder catchUpWindow(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("catchUpWindow must not be negative: " + value);
            }
            this.catchUpWindow = value;
            return this;
        }

        /**
         * @param name an export template of the owner's; each run starts from it as it is then
         * @return this builder
         */
        public Builder template(String name) {
            this.template = name;
            return this;
        }

        /**
         * @param value whether each run exports only the rows changed since the start of the last successful run
         *              (a delta export, with its {@code change} column); the first run is full
         * @return this builder
         */
        public Builder delta(boolean value) {
            this.delta = value;
            return this;
        }

        /** @return the request */
        /**
         * @param value the language of each run's headers and titles ({@code el}, {@code en}); the template's, else English,
         *              by default
         * @return this builder
         */
        public Builder locale(java.util.Locale value) {
            this.locale = value;
            return this;
        }

        public ScheduleRequest build() {
            return new ScheduleRequest(owner, type, format, filters, options, Optional.ofNullable(notifyEmail), frequency, zone,
                    catchUp, catchUpWindow, Optional.ofNullable(template), delta, Optional.ofNullable(locale));
        }
    }
}
