package org.smsexport.core.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.smsexport.ExportCancelledException;
import org.smsexport.ExportOutcome;
import org.smsexport.JobId;
import org.smsexport.RecordLimitException;
import org.smsexport.spi.ExportContext;

/**
 * The live state of one job in this process: cancel flag, progress, warnings, the future its outcome
 * completes. It is the {@link ExportContext} its exporter sees. Progress is kept in memory and written to
 * the job store at most once a second, never per row.
 */
final class RunningJob implements ExportContext {

    /** Why a job is being stopped. */
    enum StopReason {
        /** cancelled by a caller */
        CANCELLED,
        /** ran longer than the job timeout */
        TIMED_OUT,
        /** the service is closing */
        SHUTDOWN,
        /** another node took the job over while this one was silent: this run may write nothing more */
        LEASE_LOST
    }

    /**
     * The run's lease: the job's {@code attempts} when this node started it (-1 before). A record whose node or attempts
     * differ was taken over by another node's run, and this one has lost it.
     */
    volatile int epoch = -1;

    /**
     * @param current the job's record as stored
     * @return whether this started run no longer owns the job: another node took it over
     */
    boolean lost(org.smsexport.ExportJob current) {
        return lost(current, epoch);
    }

    /**
     * @param current the job's record as stored
     * @param epoch   the run's lease as read before that record was (a heartbeat reads it first: the run may start
     *                between its read and its write, and a record from before the start is not a lost lease)
     * @return whether that lease no longer holds
     */
    boolean lost(org.smsexport.ExportJob current, int epoch) {
        return epoch >= 0 && (current.attempts() != epoch || !current.node().map(engine.config().nodeName()::equals).orElse(false));
    }

    /**
     * The job's record as this process last read or wrote it (null: not yet): where its next change starts from, the
     * write guarded by the record's version ({@link Jobs#mutate(RunningJob, java.util.function.UnaryOperator)}).
     */
    volatile org.smsexport.spi.StoredJob known;
    /** {@link System#nanoTime} of this process's last write of the record (each write renews the job's lease). */
    private volatile long written = System.nanoTime();

    void known(org.smsexport.spi.StoredJob record) {
        known = record;
    }

    void written() {
        written = System.nanoTime();
    }

    /** @return how long ago this process last wrote the record, in nanoseconds */
    long sinceWritten() {
        return System.nanoTime() - written;
    }

    private static final long PERSIST_EVERY_NANOS = 1_000_000_000L;
    private static final int MAX_WARNINGS = 100;

    final JobId id;
    /** The job record as submitted (PENDING). */
    final org.smsexport.ExportJob submitted;
    final Prepared prepared;
    final CompletableFuture<ExportOutcome> future = new CompletableFuture<>();
    private final JobEngine engine;
    private final Set<String> warnings = new LinkedHashSet<>();
    private final Set<java.nio.file.Path> workFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile StopReason stop;
    private final java.util.Set<Runnable> onStop = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long rows;
    private volatile long expected = -1;
    /** Why the export must stop although nobody stopped it: its count failed, or is over the record maximum. */
    private volatile RuntimeException failure;
    private volatile CompletableFuture<OptionalLong> count = CompletableFuture.completedFuture(OptionalLong.empty());
    private volatile Runnable dropCount = () -> { };
    private long lastPersist = System.nanoTime();
    volatile ScheduledFuture<?> timeout;
    volatile Thread worker;

    RunningJob(org.smsexport.ExportJob submitted, Prepared prepared, JobEngine engine) {
        this.id = submitted.id();
        this.submitted = submitted;
        this.prepared = prepared;
        this.engine = engine;
    }

    @Override
    public JobId jobId() {
        return id;
    }

    @Override
    public Map<String, String> options() {
        return prepared.request().options();
    }

    /**
     * A work file in the output directory: {@code .<job id>.work<n><suffix>.tmp}, owner-only, so the
     * recovery of a crashed process (which deletes {@code .<job id>…tmp}) removes it with the export's own
     * temporary file.
     */
    @Override
    public java.nio.file.Path createTempFile(String suffix) throws java.io.IOException {
        String safe = suffix == null ? "" : suffix.replaceAll("[^A-Za-z0-9._-]", "_");
        java.nio.file.Path f = PublishedFile.createOwnerOnly(engine.outputDirectory(), "." + id.value() + ".work", safe + ".tmp");
        workFiles.add(f);
        return f;
    }

    /**
     * Deletes the work files this job's exporter made ({@link #createTempFile}) and left behind: by name, without listing
     * the output directory (which holds every export's files). One that cannot be deleted now is a temporary file of no
     * running job, which the recovery's next sweep removes.
     */
    void deleteWorkFiles() {
        for (java.nio.file.Path f : workFiles) {
            try {
                java.nio.file.Files.deleteIfExists(f);
            } catch (java.io.IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RunningJob.class).warn("Job {}: work file {} not deleted yet: {}", id, f.getFileName(),
                        e.toString());
            }
        }
        workFiles.clear();
    }

    @Override
    public OptionalLong expectedRows() {
        long e = expected;
        return e < 0 ? OptionalLong.empty() : OptionalLong.of(e);
    }

    void expectedRows(long value) {
        expected = value;
    }

    @Override
    public void progress(long rowsWritten) {
        rows = rowsWritten;
        long now = System.nanoTime();
        if (now - lastPersist >= PERSIST_EVERY_NANOS) {
            lastPersist = now;
            engine.persistProgress(this);
        }
    }

    /**
     * @param b the job's record being changed
     * @return it with the progress made so far (what a progress write and a heartbeat both carry)
     */
    org.smsexport.ExportJob.Builder withProgress(org.smsexport.ExportJob.Builder b) {
        return b.progressPercent(percent()).totalRecords(rows());
    }

    long rows() {
        return rows;
    }

    /** @return progress 0..99 while running (100 is set on completion only) */
    int percent() {
        long e = expected;
        if (e <= 0) {
            return 0;
        }
        return (int) Math.min(99, rows * 100 / e);
    }

    @Override
    public boolean isCancelled() {
        return stop != null;
    }

    /** Also throws the failure of the job's count ({@link #failWith}), so exporters and the cursor stop on it. */
    @Override
    public void checkCancelled() {
        StopReason s = stop;
        if (s != null) {
            throw new ExportCancelledException("Export " + id + " was stopped: " + s.name().toLowerCase(java.util.Locale.ROOT),
                    null, id, prepared.exporter().format().id(), prepared.type().name());
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** Makes the export fail with {@code e} at its next check (the first failure wins). */
    void failWith(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** @param drop what ends a count that has not started yet (the export ended first): it then counts nothing */
    void countUnlessStarted(Runnable drop) {
        dropCount = drop;
    }

    /** The export has ended: a count not started yet is not needed any more. */
    void dropCountUnlessStarted() {
        dropCount.run();
    }

    /** @param running the count of the job's rows, running beside the export */
    void counting(CompletableFuture<OptionalLong> running) {
        count = running;
    }

    /**
     * Waits for the job's count and throws its failure, if any.
     *
     * @return the rows that match within the request's limit, when the source could count
     */
    OptionalLong awaitCount() {
        dropCountUnlessStarted();
        try {
            return count.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
    }

    void stop(StopReason reason) {
        synchronized (onStop) {
            if (stop != null) {
                return;
            }
            stop = reason;
        }
        // a query blocked on a lock sees no flag: the source registered how to interrupt it
        for (Runnable r : onStop) {
            runQuietly(r);
        }
    }

    /** What stops the source's waiting calls when this job is stopped. */
    final org.smsexport.spi.Cancellation cancellation = action -> {
        synchronized (onStop) {
            if (stop == null) {
                onStop.add(action);
                return () -> onStop.remove(action);
            }
        }
        runQuietly(action);
        return () -> { };
    };

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // a source's interruption that failed: its call ends on its own
        }
    }

    StopReason stopReason() {
        return stop;
    }

    RecordLimitException overLimit(long matched) {
        long max = engine.config().maxRecords();
        String count = matched >= 0 ? String.format(java.util.Locale.ROOT, "%,d", matched) : "more than " + String.format(
                java.util.Locale.ROOT, "%,d", max);
        return new RecordLimitException("Export of " + prepared.type().name() + " would hold " + count
                + " records, over the limit of " + String.format(java.util.Locale.ROOT, "%,d", max)
                + " (EXPORT_MAX_RECORDS). Narrow the filters, set a limit on the request, raise EXPORT_MAX_RECORDS, "
                + "or set EXPORT_OVER_LIMIT=truncate.", null, id, prepared.exporter().format().id(), prepared.type().name());
    }

    @Override
    public void warn(String message) {
        synchronized (warnings) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(message);
            }
        }
    }

    List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }
}
