package org.smsexport.core.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportCancelledException;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.JobStatus;
import org.smsexport.StorageException;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.OverLimitPolicy;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.ExportStorage;
import org.smsexport.spi.RowCursor;

/**
 * The run of one job: source → (read-ahead) → guard (limits, cancel, progress) → exporter → a temporary file,
 * published atomically under its final name; and every way a run can end (cancelled, timed out, over the limit,
 * a source, exporter or disk failure) mapped to the job's terminal state with a message a user can act on.
 * Thread-safe: each call runs one job.
 */
final class JobRun {

    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    /** How a run ended: the outcome, and the published file when it completed. */
    record Ended(ExportOutcome outcome, Optional<Path> file) {
    }

    private final ExportConfig config;
    private final Jobs jobs;
    private final Listeners listeners;
    private final Clock clock;
    private final String instanceId;
    private final ScheduledExecutorService timers;
    private final ExecutorService writers;
    private final ExecutorService readers;
    private final ExportStorage storage;

    JobRun(ExportConfig config, Jobs jobs, Listeners listeners, String instanceId, ScheduledExecutorService timers,
            ExecutorService writers, ExecutorService readers, ExportStorage storage) {
        this.storage = storage;
        this.config = config;
        this.jobs = jobs;
        this.listeners = listeners;
        this.clock = jobs.clock;
        this.instanceId = instanceId;
        this.timers = timers;
        this.writers = writers;
        this.readers = readers;
    }

    /**
     * Runs one job to its end on the calling thread: marks it RUNNING, streams source → exporter → published
     * file, and maps every way it can end to the job's terminal state.
     *
     * @return how it ended, and the published file when there is one; {@code null} when another node has the job
     */
    Ended run(RunningJob rj) {
        rj.worker = Thread.currentThread();
        if (rj.stopReason() == RunningJob.StopReason.SHUTDOWN && handBack(rj)) {
            return null; // queued here as the service closed: back to the shared queue for the next node
        }
        Prepared p = rj.prepared;
        Instant start = clock.instant();
        String node = config.nodeName();
        ExportJob job = jobs.mutateStored(rj, s -> {
            ExportJob j = s.job();
            return j.status() != JobStatus.PENDING || !node.equals(j.node().orElse(node)) ? null
                    : s.with(j.toBuilder().status(JobStatus.RUNNING).startedAt(start).updatedAt(start).node(node)
                            .attempts(j.attempts() + 1).build()).withInstanceId(instanceId);
        }).job();
        if (!job.status().isTerminal() && !node.equals(job.node().orElse(node))) {
            return null; // taken back and given to another node while it waited here
        }
        if (job.status() != JobStatus.RUNNING || rj.isCancelled()) {
            ExportJob cancelled = jobs.mutateDurably(rj, j -> j.status().isTerminal() ? null : jobs.terminal(j, JobStatus.CANCELLED,
                    stopMessage(rj.stopReason())), shuttingDown(rj));
            return new Ended(new ExportOutcome.Cancelled(cancelled), Optional.empty());
        }
        // the run's lease: every later write of this run requires the record still to name this node and this attempt
        rj.epoch = job.attempts();
        rj.timeout = timers.schedule(() -> rj.stop(RunningJob.StopReason.TIMED_OUT), config.jobTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        String ext = p.exporter().extension(p.request().options());
        Path dir = config.outputDirectory();
        ExportOutcome outcome;
        Optional<Path> published = Optional.empty();
        try {
            listeners.started(job);
            ExportQuery query = p.query();
            long max = config.maxRecords() == 0 ? Long.MAX_VALUE : config.maxRecords();
            boolean truncate = config.overLimit() == OverLimitPolicy.TRUNCATE;
            long requested = p.request().limit().orElse(Long.MAX_VALUE);
            // counted while the rows stream, not before: the count is a second query that a database answers while this
            // connection still waits for its first rows; a count over the limit stops the export at its next row
            rj.counting(countAsync(rj, query, requested, max, truncate));
            long queryLimit = Math.min(requested, max == Long.MAX_VALUE ? Long.MAX_VALUE : max + 1);
            ExportQuery limited = queryLimit == Long.MAX_VALUE ? query : query.withLimit(queryLimit);
            ExportSchema schema = ExportSchema.of(p.type(), p.request().locale(), p.request().zone(), start, job.filters());
            // named after the request, not the run: a job taken back from a killed node that had published its file
            // but not recorded it publishes again under the same name, replacing that file instead of orphaning it
            String name = p.type().name() + "_" + FILE_TIME.format(job.createdAt()) + "_" + rj.id + "." + ext;
            // a temporary file of this attempt's own: a node that lost the job never touches the next attempt's
            try (PublishedFile file = PublishedFile.create(PublishedFile.tempPath(dir, rj.id.value() + ".a" + rj.epoch, ext), writers,
                    config.fsync());
                    RowCursor raw = readAhead(p, sourceCall(rj, () -> p.source().open(limited, rj.cancellation)));
                    GuardedCursor cursor = new GuardedCursor(raw, rj, max, truncate)) {
                p.source().warnings(p.type()).forEach(rj::warn);
                p.exporter().write(schema, cursor, file.stream(), rj);
                rj.checkCancelled();
                rj.awaitCount(); // a count that failed fails the export, as it would have before the first row
                if (cursor.rows() == 0) {
                    // an empty file that looks like any other would say nothing went wrong
                    rj.warn(!query.filters().isEmpty() ? "No rows matched the filters (" + String.join(", ", query.filters().keySet())
                            + "): the file has the header only."
                            : query.changedSince().isPresent() ? "Nothing changed since " + query.changedSince().get() + "."
                            : "No rows: the data source has no " + p.type().name() + ".");
                }
                if (cursor.truncated()) {
                    rj.warn("Export truncated at " + String.format(java.util.Locale.ROOT, "%,d", max) + " records by "
                            + "EXPORT_MAX_RECORDS; more records matched. Narrow the filters or raise the limit.");
                }
                PublishedFile.Result result = file.finish(config.fsync());
                fence(rj);
                publish(rj, file, name, result);
                published = storage.localFile(name);
                Instant end = clock.instant();
                long rows = cursor.rows();
                java.util.function.UnaryOperator<ExportJob> complete = j -> j.toBuilder().status(JobStatus.COMPLETED).progressPercent(100)
                        .totalRecords(rows).fileName(name).fileSizeBytes(result.size()).sha256(result.sha256())
                        .duration(Duration.between(start, end)).completedAt(end).updatedAt(end).warnings(rj.warnings()).build();
                // audited before the record says completed: a completion the trail cannot hold keeps no file
                try {
                    listeners.audit().require(org.smsexport.AuditEntry.of(org.smsexport.AuditEvent.COMPLETED, end, job.owner(),
                            complete.apply(job)));
                } catch (ExportException e) {
                    storage.delete(name);
                    published = Optional.empty();
                    throw e;
                }
                // the file is published: its record must say so, however long the store takes to answer
                ExportJob done = jobs.mutateDurably(rj, j -> j.status() != JobStatus.RUNNING || rj.lost(j) ? null : complete.apply(j),
                        shuttingDown(rj));
                if (rj.lost(done)) {
                    // taken over in the instant between the fence and the record: the other run's file and record stand
                    throw new LeaseLost();
                }
                if (done.status() == JobStatus.COMPLETED) {
                    outcome = new ExportOutcome.Completed(done, published.orElse(dir.resolve(name)));
                    LOG.debug("Job {} completed: {} records, {} bytes", rj.id, rows, result.size());
                } else {
                    // cancelled from another process while we were publishing: the cancel wins
                    storage.delete(name);
                    published = Optional.empty();
                    outcome = new ExportOutcome.Cancelled(done);
                }
            }
        } catch (LeaseLost e) {
            outcome = lost(rj);
        } catch (ExportCancelledException e) {
            outcome = stopped(rj, e);
        } catch (ExportException e) {
            // a source interrupted because the job was stopped fails with its own words: the stop is what happened
            outcome = rj.stopReason() != null ? stopped(rj, e) : failed(rj, e);
        } catch (IOException e) {
            outcome = failed(rj, new StorageException(describe(e), e, rj.id, p.exporter().format().id(), p.type().name()));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // the class and where, never the exception's message: a parser's ("For input string: …") quotes the row's value
            StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
            LOG.error("Job {}: exporter '{}' failed unexpectedly", rj.id, p.exporter().format().id(), scrubbed(e, 0));
            outcome = failed(rj, new ExportException("Exporter '" + p.exporter().format().id() + "' failed unexpectedly ("
                    + e.getClass().getSimpleName() + (at == null ? "" : " at " + at) + "). This is a bug in the exporter or data "
                    + "source.", e, rj.id, p.exporter().format().id(), p.type().name()));
        } finally {
            if (rj.timeout != null) {
                rj.timeout.cancel(false);
            }
            rj.dropCountUnlessStarted();
        }
        // null: lost to another node or handed back to the queue; the record is not this run's to write any more
        return outcome == null ? null : new Ended(outcome, published);
    }

    /**
     * Gives a job this node holds back to the shared queue as the service closes, without using up an attempt: only with
     * a persistent job store (another node, or this one's next start, is there to take it) and a stored request (a job
     * with a password cannot be run by anyone else).
     *
     * @return whether it went back
     */
    boolean handBack(RunningJob rj) {
        if (!jobs.persistent) {
            return false;
        }
        String node = config.nodeName();
        Instant now = clock.instant();
        ExportJob j = jobs.mutateStored(rj, s -> {
            ExportJob cur = s.job();
            return s.request().isEmpty() || cur.status().isTerminal() || rj.lost(cur) || !node.equals(cur.node().orElse(node)) ? null
                    : s.with(cur.toBuilder().status(JobStatus.PENDING).node(null).startedAt(null).progressPercent(0).totalRecords(0)
                            .attempts(cur.status() == JobStatus.RUNNING ? Math.max(0, cur.attempts() - 1) : cur.attempts())
                            .updatedAt(now).build());
        }).job();
        boolean back = j.status() == JobStatus.PENDING && j.node().isEmpty();
        if (back) {
            LOG.info("Job {} handed back to the shared queue: the service closed before it ended", rj.id);
        }
        return back;
    }

    /** @return no outcome, for a run that found its job taken over: another node's run owns the record, the file, the mail */
    private static ExportOutcome lost(RunningJob rj) {
        LOG.warn("Job {}: this node lost it to another node; its own file is discarded and nothing is recorded", rj.id);
        return null;
    }

    /** Thrown when this run finds that another node took its job over: nothing more may be written. */
    private static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /**
     * The transition that proves the lease is still held, made before the file is published: a run that lost its job
     * publishes nothing; one cancelled from elsewhere ends cancelled.
     */
    private void fence(RunningJob rj) {
        Instant now = clock.instant();
        ExportJob j = jobs.mutateDurably(rj, cur -> cur.status() != JobStatus.RUNNING || rj.lost(cur) ? null
                : cur.toBuilder().updatedAt(now).build(), shuttingDown(rj));
        if (rj.lost(j)) {
            throw new LeaseLost();
        }
        if (j.status() != JobStatus.RUNNING) {
            rj.stop(RunningJob.StopReason.CANCELLED);
            rj.checkCancelled();
        }
    }

    /** Hands the finished file to the storage; what it cannot publish fails the job, and close() deletes the temp. */
    private void publish(RunningJob rj, PublishedFile file, String name, PublishedFile.Result result) {
        try {
            storage.publish(file.path(), name, result.sha256());
            file.published();
        } catch (IOException | RuntimeException e) {
            Prepared p = rj.prepared;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new StorageException("Publishing the export file to the " + storage.name() + " storage failed: " + why
                    + (why.endsWith(".") ? "" : "."), e, rj.id, p.exporter().format().id(), p.type().name());
        }
    }

    private RowCursor readAhead(Prepared p, RowCursor cursor) {
        return p.source().readAhead() && !p.exporter().readsOnItsOwnThread() ? new ReadAheadCursor(cursor, p.type().columns().size(), readers) : cursor;
    }

    /**
     * Counts the matching rows (within the request's limit) on a reader thread: sets the job's expected rows for its progress, or fails it when
     * more match than the record maximum allows (the export then stops at its next row).
     */
    /**
     * Counts the job's rows on a reader thread beside the export. With a record maximum that fails the export the count
     * starts at once, so an export over it fails before its rows are written; otherwise the count only feeds the
     * progress percentage, first written after a second, so it starts only if the export still runs then: an export done
     * within a second (most are) costs the database no second query, and the server's cores go to the rows.
     */
    private java.util.concurrent.CompletableFuture<OptionalLong> countAsync(RunningJob rj, ExportQuery query, long requested,
            long max, boolean truncate) {
        java.util.concurrent.CompletableFuture<OptionalLong> f = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable count = () -> {
            try {
                OptionalLong n = sourceCall(rj, () -> rj.prepared.source().count(query, rj.cancellation));
                if (n.isEmpty()) {
                    f.complete(n);
                    return;
                }
                long matched = Math.min(n.getAsLong(), requested);
                if (matched > max && !truncate) {
                    throw rj.overLimit(matched);
                }
                rj.expectedRows(Math.min(matched, max));
                f.complete(OptionalLong.of(matched));
            } catch (RuntimeException e) {
                rj.failWith(e);
                f.completeExceptionally(e);
            }
        };
        Runnable start = () -> {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            try {
                readers.execute(count);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                count.run(); // shutting down: count here, as before
            }
        };
        if (max != Long.MAX_VALUE && !truncate) {
            start.run();
        } else {
            java.util.concurrent.ScheduledFuture<?> later = timers.schedule(start, COUNT_AFTER_MILLIS, TimeUnit.MILLISECONDS);
            rj.countUnlessStarted(() -> {
                later.cancel(false);
                if (started.compareAndSet(false, true)) {
                    f.complete(OptionalLong.empty());
                }
            });
        }
        return f;
    }

    /** How long an export runs before its count starts when the count only feeds progress: until its first progress write. */
    private static final long COUNT_AFTER_MILLIS = 1_000;

    private interface SourceCall<T> {
        T call();
    }

    private static <T> T sourceCall(RunningJob rj, SourceCall<T> call) {
        try {
            return call.call();
        } catch (ExportException e) {
            throw e;
        } catch (RuntimeException e) {
            Prepared p = rj.prepared;
            throw new ExportException("Data source '" + p.source().name() + "' failed for " + p.type().name() + ": " + e, e,
                    rj.id, p.exporter().format().id(), p.type().name());
        }
    }

    /** The end of a job that was stopped: FAILED for a timeout, else CANCELLED. */
    private ExportOutcome stopped(RunningJob rj, ExportException e) {
        RunningJob.StopReason reason = rj.stopReason();
        Prepared p = rj.prepared;
        if (reason == RunningJob.StopReason.LEASE_LOST) {
            return null; // another node's run owns the record: nothing of this one is written
        }
        if (reason == RunningJob.StopReason.SHUTDOWN && handBack(rj)) {
            return null; // still running when the service closed: another node (or the next start) runs it again
        }
        if (reason == RunningJob.StopReason.TIMED_OUT) {
            return failed(rj, new ExportException(stopMessage(reason), e, rj.id, p.exporter().format().id(), p.type().name()));
        }
        ExportJob j = jobs.mutateDurably(rj, cur -> cur.status().isTerminal() || rj.lost(cur) ? null
                : jobs.terminal(cur, JobStatus.CANCELLED, stopMessage(reason)).toBuilder().totalRecords(rj.rows()).build(),
                shuttingDown(rj));
        return rj.lost(j) ? lost(rj) : new ExportOutcome.Cancelled(j);
    }

    private static java.util.function.BooleanSupplier shuttingDown(RunningJob rj) {
        return () -> rj.stopReason() == RunningJob.StopReason.SHUTDOWN;
    }

    private ExportOutcome failed(RunningJob rj, ExportException error) {
        ExportJob j = jobs.mutateDurably(rj, cur -> cur.status().isTerminal() || rj.lost(cur) ? null
                : jobs.terminal(cur, JobStatus.FAILED, error.getMessage()).toBuilder().totalRecords(rj.rows())
                        .warnings(rj.warnings()).build(), shuttingDown(rj));
        if (rj.lost(j)) {
            return lost(rj);
        }
        LOG.debug("Job {} failed: {}", rj.id, error.getMessage());
        return j.status() == JobStatus.CANCELLED ? new ExportOutcome.Cancelled(j) : new ExportOutcome.Failed(j, error);
    }

    String stopMessage(RunningJob.StopReason reason) {
        if (reason == RunningJob.StopReason.TIMED_OUT) {
            return "Export timed out after " + config.jobTimeout().toSeconds() + " s (EXPORT_JOB_TIMEOUT_SECONDS). Narrow the "
                    + "filters or raise the timeout.";
        }
        if (reason == RunningJob.StopReason.SHUTDOWN) {
            return "Cancelled because the export service shut down before the export finished. Submit it again.";
        }
        return "Cancelled by request.";
    }

    /** @return the failure with its classes and stack traces, without any message (which may quote a row's value) */
    static Throwable scrubbed(Throwable e, int depth) {
        RuntimeException copy = new RuntimeException(e.getClass().getName(), e.getCause() == null || depth > 8 ? null
                : scrubbed(e.getCause(), depth + 1), false, true) {
            private static final long serialVersionUID = 1L;
        };
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "Writing the export file failed: '" + ((NoSuchFileException) e).getFile() + "' does not exist (was the output "
                    + "directory removed?).";
        }
        if (e instanceof AccessDeniedException) {
            return "Writing the export file failed: access to '" + ((AccessDeniedException) e).getFile() + "' was denied.";
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (msg.contains("No space left")) {
            return "Writing the export file failed: the disk is full. Free space or move EXPORT_OUTPUT_DIR.";
        }
        return "Writing the export file failed: " + (e instanceof FileSystemException ? msg : e.toString()) + ".";
    }
}
