package org.smsexport.scheduler;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.smsexport.ExportException;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.RowCursor;

/** One scheduler node for tests: its own export service (over {@link Source}) and output directory, a shared database. */
final class Node implements AutoCloseable {

    final Source source = new Source();
    final ExportService exports;
    final ExportScheduler scheduler;
    /** Every run the scheduler announced to its listener, in order. */
    final List<ScheduleRun> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

    Node(DataSource db, Clock clock, Path out, String name) {
        exports = ExportService.builder().dataSource(source).outputDirectory(out).noMetricsFile().clock(clock).build();
        scheduler = ExportScheduler.builder(exports).dataSource(db).clock(clock).nodeName(name)
                .pollingInterval(Duration.ofMillis(50)).threads(2).onRun(heard::add).build();
    }

    @Override
    public void close() {
        scheduler.close();
        exports.close();
    }

    /** Waits up to 20 seconds for a condition. */
    static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    /** Waits up to 20 seconds for a condition; on time-out, says what {@code state} says. */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Students from the generator, that can be made to fail or to wait at a gate; counts opens and overlap. */
    static final class Source implements org.smsexport.spi.DataSource {
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        volatile boolean failing;
        volatile CountDownLatch gate;

        @Override
        public List<ExportType> types() {
            return ExportType.builtIns();
        }

        @Override
        public OptionalLong count(ExportQuery query) {
            return OptionalLong.of(20);
        }

        @Override
        public RowCursor open(ExportQuery query) {
            opens.incrementAndGet();
            if (failing) {
                throw new ExportException("The SMS database is down (test)");
            }
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            RowCursor rows = SmsData.standard().cursor(query.type(), 20);
            CountDownLatch g = gate;
            return new RowCursor() {
                private boolean first = true;

                @Override
                public boolean next() {
                    if (first && g != null) {
                        try {
                            g.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    first = false;
                    return rows.next();
                }

                @Override
                public Object get(int column) {
                    return rows.get(column);
                }

                @Override
                public void close() {
                    rows.close();
                    running.decrementAndGet();
                }
            };
        }

        @Override
        public String name() {
            return "test-source";
        }
    }
}
