package org.smsexport.spi;

import java.util.List;
import java.util.OptionalLong;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;

/**
 * Where rows come from. A source serves one or more {@link ExportType}s and opens a forward-only
 * {@link RowCursor} per export; it must stream (never load a whole table) and apply every filter of the
 * query, excluding soft-deleted rows.
 *
 * <p>Implementations must be thread-safe: several exports may open cursors at once, and an export counts its rows
 * ({@link #count}) on another thread while its own cursor streams them.
 */
public interface DataSource {

    /** @return the types this source serves; by default the five built-in types */
    default List<ExportType> types() {
        return ExportType.builtIns();
    }

    /**
     * Opens a cursor over the rows matching the query, in the query's sort order (by id when none is given),
     * at most {@code query.limit()} rows.
     *
     * @param query type, typed filters, limit, sort
     * @return a cursor the caller closes
     * @throws org.smsexport.ExportException when the query cannot be run; the message names the type
     */
    RowCursor open(ExportQuery query);

    /**
     * Counts the rows {@link #open(ExportQuery)} would return (ignoring the limit), so progress can be
     * shown as a percentage and the record limit checked before writing. Optional: sources that cannot count
     * cheaply return empty.
     *
     * @param query the query
     * @return the count, when known
     */
    default OptionalLong count(ExportQuery query) {
        return OptionalLong.empty();
    }

    /**
     * Whether the engine should read this source's cursor on a thread of its own, ahead of the exporter, so
     * that fetching rows (network, driver decoding) overlaps with formatting and writing them. Worth it for
     * sources that wait on I/O, such as JDBC; not for rows already in memory. The cursor is still used by
     * one thread only.
     *
     * @return {@code false} by default
     */
    default boolean readAhead() {
        return false;
    }

    /**
     * Whether this source serves delta exports: given a query with {@code changedSince}, it returns the rows created,
     * changed or soft-deleted since then, with the type's {@link ExportType#CHANGE} column last ({@code upsert}, or
     * {@code delete} with only the {@link ExportType#keyColumns() key columns} filled). A request for changes from a
     * source that says no is refused.
     *
     * @return {@code false} by default
     */
    default boolean supportsChanges() {
        return false;
    }

    /** @return a short name for logs and messages; the class name by default */
    default String name() {
        return getClass().getSimpleName();
    }
}
