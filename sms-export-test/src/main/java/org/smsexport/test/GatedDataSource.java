package org.smsexport.test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.spi.Cancellation;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;

/**
 * Any data source, with every export stopped before one row until the test opens the gate: a job held running for
 * as long as the test needs (to stop a database under it, kill its node, cancel it), however fast or busy the
 * machine. Thread-safe.
 */
public final class GatedDataSource implements DataSource {

    private final DataSource below;
    private final long at;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    private GatedDataSource(DataSource below, long at) {
        this.below = below;
        this.at = at;
    }

    /**
     * @param below the source the rows come from
     * @param row   the 1-based row each export waits before (it has read {@code row - 1} rows then)
     * @return the gated source, closed
     */
    public static GatedDataSource before(DataSource below, long row) {
        return new GatedDataSource(below, row);
    }

    /**
     * @param timeout how long to wait
     * @return whether an export reached the gate in time
     * @throws InterruptedException when interrupted
     */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
        return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets every export go on, now and from now on. */
    public void open() {
        open.countDown();
    }

    @Override
    public List<ExportType> types() {
        return below.types();
    }

    @Override
    public OptionalLong count(ExportQuery query) {
        return below.count(query);
    }

    @Override
    public String name() {
        return "gated " + below.name();
    }

    @Override
    public RowCursor open(ExportQuery query) {
        return open(query, Cancellation.NONE);
    }

    /** As {@link #open(ExportQuery)}, but an export that is stopped (cancelled, timed out, shut down) is let through. */
    @Override
    public RowCursor open(ExportQuery query, Cancellation cancel) {
        RowCursor rows = below.open(query, cancel);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable forget = cancel.whenCancelled(stopped::countDown);
        return new RowCursor() {
            private long n;

            @Override
            public boolean next() {
                if (++n == at) {
                    reached.countDown();
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    try {
                        while (!open.await(10, TimeUnit.MILLISECONDS) && stopped.getCount() > 0 && System.nanoTime() < deadline) {
                            // held until the test opens the gate or the export is stopped
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return rows.next();
            }

            @Override
            public Object get(int column) {
                return rows.get(column);
            }

            @Override
            public void close() {
                forget.run();
                rows.close();
            }
        };
    }
}
