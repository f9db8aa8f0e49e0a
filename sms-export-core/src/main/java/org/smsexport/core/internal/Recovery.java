package org.smsexport.core.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportConfig;
import org.smsexport.spi.StoredJob;

/**
 * After a crash: jobs left PENDING or RUNNING by a process that stopped are queued again or failed ("Interrupted") once
 * their lease expired ({@code EXPORT_RECOVERY_GRACE_SECONDS} without a write, by the queue's clock), and their
 * temporary and work files deleted;
 * while running: the heartbeat of this process's jobs, which is also how a cancel made elsewhere reaches them.
 * Thread-safe.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final ExportConfig config;
    private final Jobs jobs;
    private final Listeners listeners;
    private final Map<JobId, RunningJob> active;
    private final String instanceId;
    private final org.smsexport.spi.ExportStorage storage;

    Recovery(ExportConfig config, Jobs jobs, Listeners listeners, Map<JobId, RunningJob> active, String instanceId,
            org.smsexport.spi.ExportStorage storage) {
        this.storage = storage;
        this.config = config;
        this.jobs = jobs;
        this.listeners = listeners;
        this.active = active;
        this.instanceId = instanceId;
    }

    /**
     * Takes back the unfinished jobs whose lease expired (their node stopped, or stalls, for longer than the grace — by
     * the queue's clock): queued again while attempts remain and they can run elsewhere, otherwise failed; deletes their
     * temporary files.
     */
    void recover() {
        int recovered = 0;
        int requeued = 0;
        for (StoredJob s : jobs.queue.expired(config.recoveryGrace(), JobFilter.MAX_LIMIT)) {
            ExportJob j = s.job();
            if (active.containsKey(j.id()) || instanceId.equals(s.instanceId())) {
                continue;
            }
            // a node stopped with the job: another takes it again while attempts remain and it can (no password)
            boolean again = s.request().isPresent() && j.attempts() < config.maxAttempts();
            ExportJob next = again ? j.toBuilder().status(JobStatus.PENDING).node(null).startedAt(null).progressPercent(0)
                    .totalRecords(0).updatedAt(jobs.clock.instant()).build()
                    : jobs.terminal(j, JobStatus.FAILED, "Interrupted: the process running this export stopped before it finished"
                            + (j.attempts() > 1 ? " (attempt " + j.attempts() + " of " + config.maxAttempts() + ")" : "")
                            + ". Submit it again.");
            Optional<ExportJob> done = jobs.store.update(s, s.with(next)).map(StoredJob::job);
            if (done.isEmpty()) {
                continue; // changed meanwhile: its node is alive, or another node recovered it
            }
        ExportJob after = done.get();
            // the stopped node's temporary file goes either way (the output directory may be shared)
            deleteTempFiles(j.id().value());
            if (after.status() == JobStatus.FAILED) {
                // killed between publishing its file and recording it: a failed job has no file
                deletePublished(after.id());
                listeners.audit().record(org.smsexport.AuditEvent.FAILED, after, "system");
                listeners.recordMetrics(after);
                recovered++;
            } else {
                requeued++;
            }
        }
        if (requeued > 0) {
            LOG.warn("Took back {} export jobs from a stopped process; they are queued again", requeued);
        }
        if (config.recoveryGrace().isZero()) {
            deleteTempFiles(null);
        } else {
            deleteOrphanTempFiles();
        }
        if (recovered > 0) {
            LOG.warn("Recovered {} export jobs left unfinished by a stopped process; they are now FAILED", recovered);
        }
    }

    /** The files of a job that never completed, published under its name before a crash. */
    private void deletePublished(JobId id) {
        try {
            for (org.smsexport.spi.ExportStorage.StoredFile f : storage.list()) {
                if (f.name().contains("_" + id.value() + ".")) {
                    storage.delete(f.name());
                    LOG.warn("Deleted {}: its job {} was interrupted before it was recorded as completed", f.name(), id);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not look for files of interrupted job {}: {}", id, e.toString());
        }
    }

    /**
     * Temporary and work files that no unfinished job names (their record lost, or ended by another node): they may
     * hold student data, so they go whatever the grace.
     */
    private void deleteOrphanTempFiles() {
        deleteTempFilesOf(id -> {
            try {
                JobId jobId = JobId.of(id);
                return !active.containsKey(jobId) && jobs.find(jobId).map(j -> j.status().isTerminal()).orElse(true);
            } catch (org.smsexport.InvalidRequestException e) {
                return false; // not one of ours
            }
        });
    }

    /**
     * Deletes the temporary and work files of one job (a finished or a recovered one), or (id null) every
     * temporary file of no job running here.
     */
    private void deleteTempFiles(String jobId) {
        deleteTempFilesOf(id -> jobId != null ? jobId.equals(id) : active.keySet().stream().noneMatch(k -> k.value().equals(id)));
    }

    /** Deletes the temporary and work files ({@code .<job id>….tmp}) whose job id {@code which} accepts. */
    private void deleteTempFilesOf(java.util.function.Predicate<String> which) {
        Path dir = config.outputDirectory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (PublishedFile.isTemp(name) && name.length() > 21 && which.test(name.substring(1, 21))) {
                    Files.deleteIfExists(f);
                    LOG.debug("Deleted leftover temporary file {}", name);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not clean temporary files in {}: {}", dir, e.toString());
        }
    }

    /**
     * Refreshes the heartbeat of the jobs running here, with their progress in the same write, stops those cancelled
     * elsewhere, and recovers stale ones. A job whose record this process wrote within the last half beat (its start,
     * its progress) is renewed already and is skipped.
     *
     * @param every the heartbeat's interval
     */
    void heartbeat(java.time.Duration every) {
        try {
            java.time.Instant now = jobs.clock.instant();
            long fresh = every.toNanos() / 2;
            for (RunningJob rj : active.values()) {
                if (rj.sinceWritten() < fresh) {
                    continue;
                }
                int lease = rj.epoch;
                ExportJob j = jobs.mutate(rj, cur -> cur.status().isTerminal() || rj.lost(cur, lease) ? null
                        : cur.status() == JobStatus.RUNNING ? rj.withProgress(cur.toBuilder()).updatedAt(now).build()
                        : cur.toBuilder().updatedAt(now).build());
                if (rj.lost(j, lease)) {
                    // silent longer than the grace (a pause, a frozen VM): another node runs it now; never its heartbeat
                    LOG.warn("Job {}: this node lost it to node {} (attempt {}); stopping without recording anything", rj.id,
                            j.node().orElse("none"), j.attempts());
                    rj.stop(RunningJob.StopReason.LEASE_LOST);
                } else if (j.status() == JobStatus.CANCELLED) {
                    rj.stop(RunningJob.StopReason.CANCELLED);
                }
            }
            if (!config.recoveryGrace().isZero()) {
                recover();
            }
        } catch (RuntimeException e) {
            LOG.warn("Export heartbeat failed: {}", e.toString());
        }
    }
}
