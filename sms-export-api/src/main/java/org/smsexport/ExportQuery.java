package org.smsexport;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a {@link org.smsexport.spi.DataSource} is asked for: a type, typed filter values (validated against
 * the type's {@link FilterSpec}s), an optional row limit, a sort order and an optional "changed since"
 * watermark for incremental exports.
 *
 * @param type         the export type
 * @param filters      typed filter values by key, as produced by {@link ExportType#parseFilters(Map)}
 * @param limit        the maximum number of rows to return, when set (always positive)
 * @param sort         sort keys, first is most significant; empty means the source's stable default (by id)
 * @param changedSince when present, only rows created or changed at or after this instant
 */
public record ExportQuery(ExportType type, Map<String, Object> filters, OptionalLong limit, List<SortKey> sort,
        Optional<Instant> changedSince) {

    /** Validates and copies. */
    public ExportQuery {
        Objects.requireNonNull(type, "type");
        filters = Collections.unmodifiableMap(new TreeMap<>(filters));
        Objects.requireNonNull(limit, "limit");
        if (limit.isPresent() && limit.getAsLong() <= 0) {
            throw new InvalidRequestException("Limit must be positive, got " + limit.getAsLong() + ".");
        }
        sort = List.copyOf(sort);
        Objects.requireNonNull(changedSince, "changedSince");
    }

    /**
     * @param type the export type
     * @return a query for every row of the type
     */
    public static ExportQuery all(ExportType type) {
        return new ExportQuery(type, Map.of(), OptionalLong.empty(), List.of(), Optional.empty());
    }

    /**
     * @param newLimit the new limit (positive)
     * @return a copy with the given limit
     */
    public ExportQuery withLimit(long newLimit) {
        return new ExportQuery(type, filters, OptionalLong.of(newLimit), sort, changedSince);
    }
}
