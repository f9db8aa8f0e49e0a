package org.smsexport.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStatus;
import org.smsexport.spi.JobQueue;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.NodeRegistry;
import org.smsexport.spi.StoredJob;

/**
 * The job records (reading them, and changing them with optimistic locking), the queue they are claimed from and the
 * registry of nodes: the only writer of job records. Thread-safe.
 */
final class Jobs {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jobs.class);

    private static final int UPDATE_ATTEMPTS = 50;

    final JobStore store;
    final JobQueue queue;
    final NodeRegistry nodes;
    final Clock clock;
    /** Whether the records outlive this process (not the in-memory store): a job handed back waits for a node there. */
    final boolean persistent;

    Jobs(JobStore store, JobQueue queue, NodeRegistry nodes, Clock clock) {
        this.persistent = !(store instanceof org.smsexport.core.InMemoryJobStore);
        this.store = store;
        this.queue = queue;
        this.nodes = nodes;
        this.clock = clock;
    }

    /** @throws JobNotFoundException when there is no such job */
    ExportJob require(JobId id) {
        return requireStored(id).job();
    }

    /** @throws JobNotFoundException when there is no such job */
    StoredJob requireStored(JobId id) {
        return store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
    }

    /** @return the job, if there is one */
    Optional<ExportJob> find(JobId id) {
        return store.find(id).map(StoredJob::job);
    }

    /** @return the jobs of a page, newest first */
    java.util.List<ExportJob> list(org.smsexport.JobFilter filter) {
        return store.list(filter).stream().map(StoredJob::job).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    /**
     * Reads, changes and writes a job with optimistic locking, retrying when another writer got there first.
     *
     * @param id     the job
     * @param change the new record from the current one, or {@code null} to leave it as it is
     * @return the record as stored after the change (or unchanged)
     */
    ExportJob mutate(JobId id, UnaryOperator<ExportJob> change) {
        return mutateStored(id, ofRecord(change)).job();
    }

    /** @return the change of a job as a change of its stored record, bookkeeping kept */
    private static UnaryOperator<StoredJob> ofRecord(UnaryOperator<ExportJob> change) {
        return cur -> {
            ExportJob next = change.apply(cur.job());
            return next == null ? null : cur.with(next);
        };
    }

    /** {@link #mutate} of the stored record, bookkeeping included. */
    StoredJob mutateStored(JobId id, UnaryOperator<StoredJob> change) {
        return mutateStored(id, change, null);
    }

    private StoredJob mutateStored(JobId id, UnaryOperator<StoredJob> change, RunningJob wrote) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            StoredJob current = requireStored(id);
            StoredJob next = change.apply(current);
            if (next == null) {
                return current;
            }
            Optional<StoredJob> stored = store.update(current, next);
            if (stored.isPresent()) {
                if (wrote != null) {
                    wrote.written();
                }
                return stored.get();
            }
        }
        throw new ExportException("Job " + id + " could not be updated: it kept changing under " + UPDATE_ATTEMPTS
                + " attempts.", null, id, null, null);
    }

    /**
     * {@link #mutate} of a job running here, starting from the record this process last read or wrote for it
     * ({@link RunningJob#known}) instead of reading it again: the write is still guarded by the record's version, so a
     * record changed elsewhere since (a cancel, a takeover) fails it and the change is made again on the record read
     * afresh. A change that would leave the known record as it is is decided on a fresh read too, never on a stale one.
     * A run thus writes its start, its fence and its end in one statement each.
     *
     * @param rj     the job running here
     * @param change the new record from the current one, or {@code null} to leave it as it is
     * @return the record as stored after the change (or unchanged)
     */
    ExportJob mutate(RunningJob rj, UnaryOperator<ExportJob> change) {
        return mutateStored(rj, ofRecord(change)).job();
    }

    /** {@link #mutate(RunningJob, UnaryOperator)} of the stored record, bookkeeping included. */
    StoredJob mutateStored(RunningJob rj, UnaryOperator<StoredJob> change) {
        StoredJob known = rj.known;
        StoredJob out = null;
        if (known != null) {
            StoredJob next = change.apply(known);
            if (next != null) {
                out = store.update(known, next).orElse(null);
                if (out != null) {
                    rj.written();
                }
            }
        }
        if (out == null) {
            out = mutateStored(rj.id, change, rj);
        }
        rj.known(out);
        return out;
    }

    /**
     * {@link #mutate} for a change that must not be lost, such as a job's end: while the store does not answer (a
     * database outage, an H2 server process that died), it is asked again after growing pauses (0.25 s doubling to
     * 10 s) until it answers or {@code giveUp} says to stop (the service shuts down; recovery on the next start then
     * ends the job). A job is never left RUNNING because one write failed.
     *
     * @param rj     the job running here
     * @param change the new record from the current one, or {@code null} to leave it as it is
     * @param giveUp asked after each failed attempt
     * @return the record as stored after the change (or unchanged)
     * @throws ExportException the store's last error, when {@code giveUp} said to stop
     */
    ExportJob mutateDurably(RunningJob rj, UnaryOperator<ExportJob> change, java.util.function.BooleanSupplier giveUp) {
        JobId id = rj.id;
        long pause = 250;
        boolean warned = false;
        while (true) {
            try {
                ExportJob j = mutate(rj, change);
                if (warned) {
                    LOG.warn("Job {}: the job store answers again; its state is recorded", id);
                }
                return j;
            } catch (JobNotFoundException e) {
                throw e;
            } catch (RuntimeException e) {
                if (giveUp.getAsBoolean()) {
                    throw e;
                }
                if (!warned) {
                    LOG.warn("Job {}: the job store did not answer ({}); asking again until it does", id, e.toString());
                    warned = true;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    // a cancel interrupts the worker: the job's end is still to be written
                    Thread.interrupted();
                }
                pause = Math.min(pause * 2, 10_000);
            }
        }
    }

    /** @return the job ended now in this status with this message, its duration counted from its start */
    ExportJob terminal(ExportJob j, JobStatus status, String message) {
        Instant end = clock.instant();
        ExportJob.Builder b = j.toBuilder().status(status).errorMessage(message).completedAt(end).updatedAt(end);
        j.startedAt().ifPresent(s -> b.duration(Duration.between(s, end)));
        return b.build();
    }
}
