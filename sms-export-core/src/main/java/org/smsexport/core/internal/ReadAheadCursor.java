package org.smsexport.core.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import org.smsexport.ExportException;
import org.smsexport.spi.RowCursor;

/**
 * Reads a data source's cursor on a thread of its own, in blocks of {@value #BLOCK} rows (at most
 * {@value #BLOCKS} in flight), while the exporter consumes the previous ones, so fetching overlaps with
 * formatting and writing. The source cursor is used by the reader thread only, close included. Errors are
 * handed over and rethrown on the consumer's side. Consumed by one thread.
 */
final class ReadAheadCursor implements RowCursor {

    private static final int BLOCK = 1024;
    private static final int BLOCKS = 3;

    /** A block of rows, or the end (with the error that ended it, if any). */
    private record Block(Object[] values, int rows, RuntimeException error) {
    }

    private final int columns;
    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(BLOCKS + 1);
    private final BlockingQueue<Object[]> free = new ArrayBlockingQueue<>(BLOCKS);
    private volatile boolean closed;
    private Block current;
    private int row = -1;
    private boolean ended;
    private final Object done = new Object();
    private boolean readerFinished;

    ReadAheadCursor(RowCursor source, int columns, Executor threads) {
        this.columns = columns;
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new Object[BLOCK * columns]);
        }
        threads.execute(() -> read(source));
    }

    private void read(RowCursor source) {
        RuntimeException error = null;
        try (source) {
            boolean more = true;
            while (more && !closed) {
                Object[] values = free.take();
                if (closed || values.length == 0) {
                    break;
                }
                int n = 0;
                while (n < BLOCK && (more = source.next())) {
                    int base = n * columns;
                    for (int i = 0; i < columns; i++) {
                        values[base + i] = source.get(i);
                    }
                    n++;
                }
                if (n > 0) {
                    full.put(new Block(values, n, null));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = new ExportException("Reading rows was interrupted", e);
        } catch (RuntimeException e) {
            error = e;
        } finally {
            full.offer(new Block(null, 0, error));
            synchronized (done) {
                readerFinished = true;
                done.notifyAll();
            }
        }
    }

    @Override
    public boolean next() {
        if (ended) {
            return false;
        }
        if (current != null && ++row < current.rows()) {
            return true;
        }
        if (current != null) {
            free.offer(current.values());
        }
        try {
            current = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportException("Interrupted while waiting for rows", e);
        }
        row = 0;
        if (current.values() == null) {
            ended = true;
            if (current.error() != null) {
                throw current.error();
            }
            return false;
        }
        return true;
    }

    @Override
    public Object get(int column) {
        return current.values()[row * columns + column];
    }

    /** Stops the reader (it closes the source cursor) and waits for it, so the connection is released. */
    @Override
    public void close() {
        closed = true;
        // let a reader blocked on a full queue or an empty pool make progress and see the flag
        full.clear();
        for (int i = 0; i < BLOCKS; i++) {
            free.offer(new Object[0]);
        }
        synchronized (done) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!readerFinished && System.nanoTime() < deadline) {
                try {
                    done.wait(100);
                    full.clear();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
