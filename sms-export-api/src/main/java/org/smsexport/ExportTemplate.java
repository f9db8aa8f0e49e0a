package org.smsexport;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A predefined export (the seed's "export templates"): a name unique per owner, what to export and how. A
 * request made from it ({@link ExportRequest.Builder#template}) takes its values, and any value the request sets
 * itself wins (filters and options merge key by key). Templates never hold passwords: a request gives its own.
 *
 * @param name        {@code [a-z0-9_-]{1,64}}, unique per owner
 * @param owner       whose it is
 * @param type        the export type's name
 * @param format      the format's id
 * @param filters     filter values by key, as text
 * @param options     format options (no {@code password} or {@code owner_password})
 * @param locale      the language of headers and titles, when the template sets one
 * @param zone        the time zone dates and times are written in, when the template sets one
 * @param description what it is for, for people
 * @param createdAt   when it was created
 * @param updatedAt   when it last changed
 */
public record ExportTemplate(String name, String owner, String type, String format, Map<String, String> filters,
        Map<String, String> options, Optional<Locale> locale, Optional<java.time.ZoneId> zone, Optional<String> description,
        Instant createdAt, Instant updatedAt) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    /** Validates the name, refuses passwords and copies the maps. */
    public ExportTemplate {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidRequestException("Template name '" + (name.length() > 70 ? name.substring(0, 70) + "…" : name)
                    + "' must be 1 to 64 characters from a-z, 0-9, '_' and '-'.");
        }
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        for (String secret : new String[] {"password", "owner_password"}) {
            if (options.containsKey(secret)) {
                throw new InvalidRequestException("Option '" + secret + "' cannot be kept in a template: the store would hold the "
                        + "password. Give it with each export instead.");
            }
        }
        filters = Collections.unmodifiableMap(new TreeMap<>(filters));
        options = Collections.unmodifiableMap(new TreeMap<>(options));
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * A template without a time zone (as before templates had one): exports made from it are written in the service's zone.
     *
     * @param name        the name
     * @param owner       whose it is
     * @param type        the export type's name
     * @param format      the format's id
     * @param filters     filter values by key
     * @param options     format options
     * @param locale      the language, when set
     * @param description what it is for
     * @param createdAt   when it was created
     * @param updatedAt   when it last changed
     */
    public ExportTemplate(String name, String owner, String type, String format, Map<String, String> filters,
            Map<String, String> options, Optional<Locale> locale, Optional<String> description, Instant createdAt, Instant updatedAt) {
        this(name, owner, type, format, filters, options, locale, Optional.empty(), description, createdAt, updatedAt);
    }
}
