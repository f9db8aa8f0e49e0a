package org.smsexport.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
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

    ExportMaintenance(JobStore store, ExportConfig config, Clock clock, ExportAudit audit) {
        this.audit = audit;
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
     * their files. Archived jobs are kept: the archive is for keeping.
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
        for (ExportJob j : old(cutoff, JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)) {
            try {
                if (deleteFiles && j.fileName().isPresent()) {
                    Path f = inOutput(j.fileName().get());
                    if (Files.exists(f)) {
                        if (!dryRun) {
                            Files.delete(f);
                        }
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
        Path archive = archivePath.toAbsolutePath().normalize();
        for (ExportJob j : old(cutoff, JobStatus.COMPLETED)) {
            try {
                Optional<String> name = j.fileName();
                Path source = name.isPresent() ? inOutput(name.get()) : null;
                if (source == null || !Files.exists(source)) {
                    missing++;
                    continue;
                }
                Path target = archive.resolve(source.getFileName());
                if (dryRun) {
                    jobs++;
                    files++;
                    continue;
                }
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString(), null, "an archived file of that name exists; not overwritten");
                }
                Files.createDirectories(archive);
                // the job first (optimistic, so a job changed meanwhile keeps its file), then the file; a failed
                // move puts the job back, so a job never points at a file that is not where it says
                Optional<ExportJob> claimed = store.update(j, j.toBuilder().status(JobStatus.ARCHIVED).archivePath(target.toString())
                        .updatedAt(clock.instant()).build());
                if (claimed.isEmpty()) {
                    errors.add("Job " + j.id() + ": changed while being archived; left as it is, file not moved");
                    continue;
                }
                try {
                    move(source, target, j.sha256());
                } catch (IOException | RuntimeException e) {
                    if (store.update(claimed.get(), j.toBuilder().updatedAt(clock.instant()).build()).isEmpty()) {
                        errors.add("Job " + j.id() + ": could not be set back to COMPLETED after the failed move; its file is still "
                                + source);
                    }
                    throw e;
                }
                files++;
                jobs++;
                audit.record(org.smsexport.AuditEvent.ARCHIVED, claimed.get(), "retention");
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

    /** Same file system: one atomic rename. Otherwise copy beside the target, verify, rename, delete the source. */
    private static void move(Path source, Path target, Optional<String> sha256) throws IOException {
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "an archived file of that name exists; not overwritten");
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy, check, then delete
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        try {
            if (sha256.isPresent() && !sha256.get().equals(sha256(temp))) {
                throw new IOException("the copy in the archive does not match the file's SHA-256; source kept");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        Files.delete(source);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant cutoff(int daysOld) {
        if (daysOld < 1) {
            throw new InvalidRequestException("days must be at least 1, got " + daysOld + ".");
        }
        return clock.instant().minus(Duration.ofDays(daysOld));
    }

    /** Every job in the given statuses created before the cutoff, read page by page before anything changes. */
    private List<ExportJob> old(Instant cutoff, JobStatus... statuses) {
        List<ExportJob> out = new ArrayList<>();
        JobFilter f = JobFilter.all().withStatuses(statuses).withCreatedBefore(cutoff);
        for (int offset = 0;; offset += JobFilter.MAX_LIMIT) {
            List<ExportJob> page = store.list(f.withPage(offset, JobFilter.MAX_LIMIT));
            out.addAll(page);
            if (page.size() < JobFilter.MAX_LIMIT) {
                return out;
            }
        }
    }

    /** A job's file, refusing names that would leave the output directory. */
    private Path inOutput(String fileName) {
        return org.smsexport.core.internal.PublishedFile.inDirectory(config.outputDirectory(), fileName);
    }
}
