package org.smsexport.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.spi.ExportStorage;
import org.smsexport.spi.JobStore;

/**
 * Retention (seed §5), working: delete or archive finished exports older than a number of days. PENDING and
 * RUNNING jobs are never touched; a file already gone is not an error; archiving moves a file atomically on
 * the same file system (else copies, verifies the SHA-256 and deletes), never overwrites an archived file,
 * and marks the job ARCHIVED, so a second run does nothing. Job file names are checked to be plain names, so
 * nothing outside the output directory can be touched. Obtain one from {@link ExportService#maintenance()}.
 * Thread-safe; runs in the calling thread.
 */
public final class ExportMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(ExportMaintenance.class);

    private final JobStore store;
    private final ExportConfig config;
    private final Clock clock;

    private final ExportAudit audit;
    private final ExportStorage storage;

    ExportMaintenance(JobStore store, ExportConfig config, Clock clock, ExportAudit audit, ExportStorage storage) {
        this.audit = audit;
        this.storage = storage;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /**
     * What a cleanup did (or, dry, would do).
     *
     * @param deletedJobs  job records deleted
     * @param deletedFiles files deleted
     * @param cutoffDate   jobs created before this were considered
     * @param errors       what could not be done, one line each
     * @param dryRun       whether nothing was changed
     */
    public record CleanupResult(long deletedJobs, long deletedFiles, Instant cutoffDate, List<String> errors, boolean dryRun) {
        /** Copies the errors. */
        public CleanupResult {
            errors = List.copyOf(errors);
        }

        /** @return the seed's keys: deleted_jobs, deleted_files, cutoff_date, errors (and dry_run) */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deleted_jobs", deletedJobs);
            m.put("deleted_files", deletedFiles);
            m.put("cutoff_date", cutoffDate.toString());
            m.put("errors", errors);
            m.put("dry_run", dryRun);
            return m;
        }
    }

    /**
     * What an archive run did.
     *
     * @param archivedJobs  jobs marked ARCHIVED
     * @param archivedFiles files moved into the archive
     * @param missingFiles  completed jobs whose file was already gone (left as they are)
     * @param cutoffDate    jobs created before this were considered
     * @param archivePath   the archive directory
     * @param errors        what could not be done, one line each
     * @param dryRun        whether nothing was changed
     */
    public record ArchiveResult(long archivedJobs, long archivedFiles, long missingFiles, Instant cutoffDate, Path archivePath,
            List<String> errors, boolean dryRun) {
        /** Copies the errors. */
        public ArchiveResult {
            errors = List.copyOf(errors);
        }

        /** @return snake_case keys for JSON */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("archived_jobs", archivedJobs);
            m.put("archived_files", archivedFiles);
            m.put("missing_files", missingFiles);
            m.put("cutoff_date", cutoffDate.toString());
            m.put("archive_path", archivePath.toString());
            m.put("errors", errors);
            m.put("dry_run", dryRun);
            return m;
        }
    }

    /** @return {@link #cleanupOldExports(int, boolean, boolean)} with {@code EXPORT_RETENTION_DAYS}, deleting files */
    public CleanupResult cleanupOldExports() {
        return cleanupOldExports(config.retentionDays(), true, false);
    }

    /**
     * Deletes finished (completed, failed, cancelled) jobs created more than {@code daysOld} days ago, and
     * their files; with {@code deleteFiles}, also export files older than that which no job refers to any more (a
     * job record removed by hand, a crash between publishing and recording). Archived jobs are kept: the archive
     * is for keeping.
     *
     * @param daysOld     age in days (1 or more)
     * @param deleteFiles whether to delete the files too
     * @param dryRun      count only, change nothing
     * @return what was (or would be) done
     */
    public CleanupResult cleanupOldExports(int daysOld, boolean deleteFiles, boolean dryRun) {
        Instant cutoff = cutoff(daysOld);
        long jobs = 0;
        long files = 0;
        List<String> errors = new ArrayList<>();
        for (org.smsexport.spi.StoredJob stored : old(cutoff, JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)) {
            ExportJob j = stored.job();
            try {
                if (deleteFiles && j.fileName().isPresent()) {
                    if (dryRun ? exists(j.fileName().get()) : storage.delete(j.fileName().get())) {
                        files++;
                    }
                }
                if (dryRun) {
                    jobs++;
                } else if (store.delete(j.id())) {
                    jobs++;
                    audit.record(org.smsexport.AuditEvent.DELETED, j, "retention");
                }
            } catch (IOException | RuntimeException e) {
                errors.add("Job " + j.id() + ": " + e.getMessage());
            }
        }
        if (deleteFiles) {
            files += orphans(cutoff, dryRun, errors);
        }
        LOG.info("Cleanup{}: {} jobs and {} files older than {} removed, {} errors", dryRun ? " (dry run)" : "", jobs, files, cutoff,
                errors.size());
        return new CleanupResult(jobs, files, cutoff, errors, dryRun);
    }

    /** @return {@link #cleanupAndArchiveOldExports(int, Path, boolean)} with the configured retention and archive path */
    public ArchiveResult cleanupAndArchiveOldExports() {
        return cleanupAndArchiveOldExports(config.retentionDays(), config.archivePath(), false);
    }

    /**
     * Moves the files of completed jobs created more than {@code daysOld} days ago into {@code archivePath}
     * and marks the jobs ARCHIVED with their new location.
     *
     * @param daysOld     age in days (1 or more)
     * @param archivePath the archive directory, created when missing
     * @param dryRun      count only, change nothing
     * @return what was (or would be) done
     */
    public ArchiveResult cleanupAndArchiveOldExports(int daysOld, Path archivePath, boolean dryRun) {
        Instant cutoff = cutoff(daysOld);
        long jobs = 0;
        long files = 0;
        long missing = 0;
        List<String> errors = new ArrayList<>();
        // a remote archive (s3://bucket/exports/archive) is reported as bucket/exports/archive
        Path archive = Path.of(storage.archiveLocation(archivePath).replaceFirst("^[a-z0-9]+://", ""));
        for (org.smsexport.spi.StoredJob stored : old(cutoff, JobStatus.COMPLETED)) {
            ExportJob j = stored.job();
            try {
                Optional<String> name = j.fileName();
                if (name.isEmpty() || !exists(name.get())) {
                    missing++;
                    continue;
                }
                if (dryRun) {
                    jobs++;
                    files++;
                    continue;
                }
                // the job first (optimistic, so a job changed meanwhile keeps its file), then the file; a failed
                // move puts the job back, so a job never points at a file that is not where it says
                Optional<org.smsexport.spi.StoredJob> claimed = store.update(stored, stored.with(j.toBuilder().status(JobStatus.ARCHIVED)
                        .archivePath(storage.archiveLocation(archivePath) + "/" + name.get()).updatedAt(clock.instant()).build()));
                if (claimed.isEmpty()) {
                    errors.add("Job " + j.id() + ": changed while being archived; left as it is, file not moved");
                    continue;
                }
                String where;
                try {
                    where = storage.archive(name.get(), archivePath, j.sha256());
                } catch (IOException | RuntimeException e) {
                    if (store.update(claimed.get(), stored.with(j.toBuilder().updatedAt(clock.instant()).build())).isEmpty()) {
                        errors.add("Job " + j.id() + ": could not be set back to COMPLETED after the failed move; its file is still "
                                + storage.describe(name.get()));
                    }
                    throw e;
                }
                org.smsexport.spi.StoredJob archived = claimed.get();
                if (!archived.job().archivePath().equals(Optional.of(where))) {
                    archived = store.update(archived, archived.with(archived.job().toBuilder().archivePath(where).build())).orElse(archived);
                }
                files++;
                jobs++;
                audit.record(org.smsexport.AuditEvent.ARCHIVED, archived.job(), "retention");
            } catch (IOException | RuntimeException e) {
                errors.add("Job " + j.id() + ": " + e.getMessage());
            }
        }
        LOG.info("Archive{}: {} jobs, {} files older than {} moved to {}, {} missing, {} errors", dryRun ? " (dry run)" : "", jobs,
                files, cutoff, archive, missing, errors.size());
        return new ArchiveResult(jobs, files, missing, cutoff, archive, errors, dryRun);
    }

    /**
     * The seed's {@code generate_performance_report}: {@link PerformanceMonitor#performanceStats} over all types.
     *
     * @param days the window, days back from now
     * @return the statistics
     * @throws org.smsexport.JobStateException when the metrics file is switched off
     */
    public PerformanceStats generatePerformanceReport(int days) {
        Path file = config.metricsFile().orElseThrow(() -> new org.smsexport.JobStateException(
                "The metrics file is switched off (EXPORT_METRICS_FILE is empty); there is nothing to report."));
        return new PerformanceMonitor(file, clock).performanceStats(Optional.empty(), days);
    }

    private boolean exists(String name) throws IOException {
        try {
            storage.size(name);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** An export file's name: {@code <type>_<yyyyMMdd_HHmmss>_<job id>.<extension>}. */
    private static final java.util.regex.Pattern EXPORT_FILE = java.util.regex.Pattern.compile(
            ".+_\\d{8}_\\d{6}_([a-z2-7]{20})\\..+");

    /** Deletes export files older than the cutoff whose job is gone; returns how many (or, dry, would be). */
    private long orphans(Instant cutoff, boolean dryRun, List<String> errors) {
        long n = 0;
        try {
            for (ExportStorage.StoredFile f : storage.list()) {
                java.util.regex.Matcher m = EXPORT_FILE.matcher(f.name());
                if (!m.matches() || !f.lastModified().isBefore(cutoff) || store.find(org.smsexport.JobId.of(m.group(1))).isPresent()) {
                    continue;
                }
                try {
                    if (dryRun || storage.delete(f.name())) {
                        n++;
                    }
                } catch (IOException | RuntimeException e) {
                    errors.add("File " + f.name() + ": " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add("The " + storage.name() + " storage could not be listed: " + e.getMessage());
        }
        return n;
    }

    private Instant cutoff(int daysOld) {
        if (daysOld < 1) {
            throw new InvalidRequestException("days must be at least 1, got " + daysOld + ".");
        }
        return clock.instant().minus(Duration.ofDays(daysOld));
    }

    /** Every job in the given statuses created before the cutoff, read page by page before anything changes. */
    private List<org.smsexport.spi.StoredJob> old(Instant cutoff, JobStatus... statuses) {
        List<org.smsexport.spi.StoredJob> out = new ArrayList<>();
        JobFilter f = JobFilter.all().withStatuses(statuses).withCreatedBefore(cutoff);
        for (int offset = 0;; offset += JobFilter.MAX_LIMIT) {
            List<org.smsexport.spi.StoredJob> page = store.list(f.withPage(offset, JobFilter.MAX_LIMIT));
            out.addAll(page);
            if (page.size() < JobFilter.MAX_LIMIT) {
                return out;
            }
        }
    }

}
