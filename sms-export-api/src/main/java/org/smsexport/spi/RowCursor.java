package org.smsexport.spi;

import java.util.Iterator;
import java.util.List;

/**
 * A forward-only cursor over the rows of one export. The values of the current row are read by column
 * position (the order of {@link org.smsexport.ExportType#columns()}) and are of the Java classes
 * {@link org.smsexport.ColumnType} lists, or {@code null}.
 *
 * <p>Not thread-safe: one thread reads a cursor. {@link #close()} releases the underlying result set or
 * connection and may be called more than once.
 */
public interface RowCursor extends AutoCloseable {

    /**
     * Moves to the next row.
     *
     * @return {@code true} when there is a current row, {@code false} at the end
     * @throws org.smsexport.ExportException when reading fails, or when the export was cancelled
     */
    boolean next();

    /**
     * @param column the column position, 0-based
     * @return the current row's value, or {@code null}
     * @throws IllegalStateException when there is no current row
     */
    Object get(int column);

    /** Releases the cursor's resources. Idempotent; never throws checked exceptions. */
    @Override
    void close();

    /**
     * A cursor over rows already in memory, for tests and small sources.
     *
     * @param rows the rows, each holding one value per column in column order
     * @return a cursor over them
     */
    static RowCursor of(List<Object[]> rows) {
        return of(rows.iterator());
    }

    /**
     * A cursor over rows produced one by one; nothing is held beyond the current row.
     *
     * @param rows an iterator of rows, each holding one value per column in column order
     * @return a cursor over them
     */
    static RowCursor of(Iterator<Object[]> rows) {
        return new RowCursor() {
            private Object[] current;

            @Override
            public boolean next() {
                current = rows.hasNext() ? rows.next() : null;
                return current != null;
            }

            @Override
            public Object get(int column) {
                if (current == null) {
                    throw new IllegalStateException("No current row: call next() first");
                }
                return current[column];
            }

            @Override
            public void close() {
                current = null;
            }
        };
    }
}
