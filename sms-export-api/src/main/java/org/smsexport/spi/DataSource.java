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
     * {@link #open(ExportQuery)} for a running export that may be stopped while the query waits: a source whose open or
     * fetch can block (a database's) registers how to interrupt it. By default the cancellation is not used.
     *
     * @param query  what to read
     * @param cancel how to learn that the export was stopped
     * @return a cursor over the rows
     * @throws org.smsexport.ExportException when the query cannot be run, or was cancelled
     */
    default RowCursor open(ExportQuery query, Cancellation cancel) {
        return open(query);
    }

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
     * {@link #count(ExportQuery)} for a running export that may be stopped while the count waits. By default the
     * cancellation is not used.
     *
     * @param query  what to count
     * @param cancel how to learn that the export was stopped
     * @return the number of matching rows, or empty when the source cannot count cheaply
     */
    default OptionalLong count(ExportQuery query, Cancellation cancel) {
        return count(query);
    }

    /**
     * Whether the engine should read this source's cursor on a thread of its own, ahead of the exporter, so
     * that fetching rows (network, driver decoding) overlaps with formatting and writing them. Worth it for
     * sources that wait on I/O, such as JDBC; not for rows already in memory. The cursor is still used by
     * one thread only.
     *
     * <p>A hint, with a stable meaning: it changes how the engine schedules threads, never which rows are read or in
     * which order. The engine may ignore it (for an exporter that {@linkplain Exporter#readsOnItsOwnThread() reads on
     * its own thread}, for one).
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

    /**
     * Why this source cannot make a delta export of one type (a database table without the columns that tell what
     * changed), checked when such an export is requested so the request is refused with that reason.
     *
     * @param type the type
     * @return the reason, or empty when it can; by default empty exactly when {@link #supportsChanges()}
     */
    default java.util.Optional<String> changesUnsupported(ExportType type) {
        return supportsChanges() ? java.util.Optional.empty()
                : java.util.Optional.of("The data source of " + type.name() + " (" + name() + ") cannot tell what changed, so it cannot "
                        + "make a delta export: leave out changed_since, or use a source that supports changes.");
    }

    /**
     * Where the next delta export of a type may start, taken before an export reads: every change committed after this
     * call carries a time ({@code updated_at}, {@code deleted_at}) at or after the returned instant. A database answers
     * with its own clock — the one that writes those columns — less the age of its oldest open transaction, whose
     * changes are not visible yet but carry the time it began. A delta schedule keeps the answer (less an overlap) as the
     * next run's {@code changedSince}, so no change is missed whatever the machines' clocks say.
     *
     * @param type the type
     * @return the instant; empty (the default) when the source has no clock of its own, and the caller uses its own
     *         clock less an overlap
     */
    default java.util.Optional<java.time.Instant> changesWatermark(ExportType type) {
        return java.util.Optional.empty();
    }

    /**
     * What every export of a type from this source should tell its user about how it was read — a column the database
     * lacks, exported empty — kept as warnings of the job. Never row contents.
     *
     * @param type the type
     * @return the warnings; none by default
     */
    default List<String> warnings(ExportType type) {
        return List.of();
    }

    /** @return a short name for logs and messages; the class name by default */
    default String name() {
        return getClass().getSimpleName();
    }
}
