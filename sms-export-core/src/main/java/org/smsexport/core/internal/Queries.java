package org.smsexport.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStateException;
import org.smsexport.JobStatus;
import org.smsexport.StorageException;
import org.smsexport.core.ExportConfig;

/**
 * What a host asks about jobs: one job (with live progress when it runs here), lists and counts, a job's outcome
 * as a future, its file. Thread-safe.
 */
final class Queries {

    private final ExportConfig config;
    private final Jobs records;
    private final Map<JobId, RunningJob> active;

    private final org.smsexport.spi.ExportStorage storage;

    Queries(ExportConfig config, Jobs records, Map<JobId, RunningJob> active, org.smsexport.spi.ExportStorage storage) {
        this.storage = storage;
        this.config = config;
        this.records = records;
        this.active = active;
    }

    /**
     * @param id a job id
     * @return the job, with live progress when it runs here
     */
    public Optional<ExportJob> job(JobId id) {
        Optional<ExportJob> stored = records.find(id);
        RunningJob rj = active.get(id);
        if (rj == null || stored.isEmpty() || stored.get().status() != JobStatus.RUNNING) {
            return stored;
        }
        return Optional.of(stored.get().toBuilder().progressPercent(rj.percent()).totalRecords(rj.rows()).build());
    }

    /**
     * @param filter criteria and page
     * @return matching jobs, newest first
     */
    public List<ExportJob> jobs(JobFilter filter) {
        List<ExportJob> out = new ArrayList<>();
        for (ExportJob j : records.list(filter)) {
            out.add(job(j.id()).orElse(j));
        }
        return List.copyOf(out);
    }

    /**
     * @param filter criteria
     * @return how many jobs match
     */
    public long count(JobFilter filter) {
        return records.store.count(filter);
    }

    /**
     * @param id a job id
     * @return the outcome's future
     */
    public CompletableFuture<ExportOutcome> completion(JobId id) {
        RunningJob rj = active.get(id);
        if (rj != null) {
            return rj.future;
        }
        ExportJob job = records.require(id);
        switch (job.status()) {
            case COMPLETED:
                String name = job.fileName().orElseThrow();
                return CompletableFuture.completedFuture(new ExportOutcome.Completed(job,
                        storage.localFile(name).orElse(config.outputDirectory().resolve(name))));
            case ARCHIVED:
                return CompletableFuture.completedFuture(new ExportOutcome.Completed(job, Path.of(job.archivePath().orElseThrow())));
            case FAILED:
                return CompletableFuture.completedFuture(new ExportOutcome.Failed(job,
                        new ExportException(job.errorMessage().orElse("failed"), null, id, job.format(), job.type())));
            case CANCELLED:
                return CompletableFuture.completedFuture(new ExportOutcome.Cancelled(job));
            default:
                return CompletableFuture.failedFuture(new JobStateException("Job " + id + " runs in another process"
                        + job.node().map(n -> " (node " + n + ")").orElse("") + "; poll job(id) for its status."));
        }
    }

    /**
     * @param id a completed job
     * @return the published file on this machine's disk
     * @throws StorageException when it is gone, or kept in a storage other than the local directory (use {@link #open})
     */
    public Path file(JobId id) {
        ExportJob job = completed(id);
        Path file = storage.localFile(job.fileName().get()).orElseThrow(() -> new StorageException("The file of job " + id
                + " is kept in the " + storage.name() + " storage (" + storage.describe(job.fileName().get()) + "), not on this "
                + "machine's disk; read it with open(id).", null, id, job.format(), job.type()));
        if (!Files.isRegularFile(file)) {
            throw gone(job);
        }
        return file;
    }

    private ExportJob completed(JobId id) {
        ExportJob job = records.require(id);
        if (job.status() != JobStatus.COMPLETED || job.fileName().isEmpty()) {
            throw new JobStateException("Job " + id + " is " + job.status().id() + ", not completed: it has no file to open.",
                    null, id, job.format(), job.type());
        }
        return job;
    }

    private StorageException gone(ExportJob job) {
        return new StorageException("The file of job " + job.id() + " is gone (" + job.fileName().orElse("") + "); it may have been "
                + "removed by retention. Run the export again.", null, job.id(), job.format(), job.type());
    }

    /**
     * @param id a completed job
     * @return its file's content and size, which the caller closes
     */
    public org.smsexport.StoredContent content(JobId id) {
        ExportJob job = completed(id);
        String name = job.fileName().get();
        try {
            long size = storage.size(name);
            return new org.smsexport.StoredContent(name, size, storage.open(name));
        } catch (java.nio.file.NoSuchFileException e) {
            throw gone(job);
        } catch (IOException e) {
            throw new StorageException("The file of job " + id + " could not be opened in the " + storage.name() + " storage: "
                    + e.getMessage(), e, id, job.format(), job.type());
        }
    }

    /**
     * @param id      a completed job
     * @param expires when the URL must stop working
     * @return a URL that serves the file directly, when the storage signs one
     */
    public java.util.Optional<java.net.URI> downloadUrl(JobId id, java.time.Instant expires) {
        ExportJob job = completed(id);
        return storage.downloadUrl(job.fileName().get(), expires);
    }

    /**
     * @param id a completed job
     * @return a stream of its file, which the caller closes
     */
    public InputStream open(JobId id) {
        return content(id).stream();
    }
}
