package org.smsexport.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportCancelledException;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.ExportMetrics;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStateException;
import org.smsexport.JobStatus;
import org.smsexport.QueueFullException;
import org.smsexport.SortKey;
import org.smsexport.StorageException;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.OverLimitPolicy;
import org.smsexport.spi.ExportEvent;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.MetricsSink;
import org.smsexport.spi.Notifier;
import org.smsexport.spi.RowCursor;

/**
 * The job engine behind {@code ExportService}: validates requests, queues jobs on a bounded pool, runs
 * them (count, stream, write to a temp file, publish atomically), keeps the job store up to date, stops
 * jobs on cancel, timeout or shutdown, recovers jobs interrupted by a crash, and tells metrics sinks and
 * notifiers. Thread-safe.
 */
public final class JobEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final int UPDATE_ATTEMPTS = 50;

    private final Registry registry;
    private final JobStore store;
    private final ExportConfig config;
    private final Clock clock;
    private final Duration shutdownTimeout;
    private final String instanceId = JobId.random().value().substring(0, 12);
    private final ExecutorService ownPool;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService writers = java.util.concurrent.Executors.newCachedThreadPool(org.smsexport.spi.ExportThreads.factory("writer"));
    private final ExecutorService readers = java.util.concurrent.Executors.newCachedThreadPool(org.smsexport.spi.ExportThreads.factory("reader"));
    private final ConcurrentMap<JobId, RunningJob> active = new ConcurrentHashMap<>();
    private final AtomicLong notifierFailures = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private volatile boolean closed;
    private volatile org.smsexport.core.DownloadLinks links;
    private volatile org.smsexport.core.DownloadLinks.Url linkUrl;

    /**
     * Starts the engine: creates the output directory when asked, recovers interrupted jobs, starts the
     * heartbeat.
     *
     * @param registry          the providers
     * @param store             the job store
     * @param config            the settings
     * @param clock             the clock for job times
     * @param hostExecutor      the host's executor, or {@code null} for a pool of {@code config.workers()} threads
     * @param heartbeat         how often running jobs refresh their heartbeat and stale jobs are recovered
     * @param shutdownTimeout   how long {@link #close()} waits for running jobs
     * @param createOutputDir   whether to create the output directory when missing
     */
    public JobEngine(Registry registry, JobStore store, ExportConfig config, Clock clock, Executor hostExecutor,
            Duration heartbeat, Duration shutdownTimeout, boolean createOutputDir) {
        this.registry = registry;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.shutdownTimeout = shutdownTimeout;
        if (createOutputDir) {
            createDirectory(config.outputDirectory());
        }
        if (hostExecutor == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(config.queueCapacity()), org.smsexport.spi.ExportThreads.factory("worker"));
            this.ownPool = pool;
            this.executor = pool;
        } else {
            this.ownPool = null;
            this.executor = hostExecutor;
        }
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, org.smsexport.spi.ExportThreads.factory("heartbeat"));
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        recover();
        long beat = Math.max(1, heartbeat.toMillis());
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        LOG.info("sms-export started: instance {}, formats {}, types {}, output {}, {} workers", instanceId,
                registry.exporters().keySet(), registry.typeNames(), config.outputDirectory().toAbsolutePath(),
                hostExecutor == null ? config.workers() : "host");
    }

    private static void createDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                LOG.info("Created output directory {}", dir.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' could not be created: " + e
                    + ". Create it, or point EXPORT_OUTPUT_DIR at a writable directory.");
        }
    }

    /** @return the settings */
    public ExportConfig config() {
        return config;
    }

    /**
     * Puts signed download links into notifications of completed jobs.
     *
     * @param downloadLinks the signer
     * @param url           how the host's server makes a link of a job and its token
     */
    public void links(org.smsexport.core.DownloadLinks downloadLinks, org.smsexport.core.DownloadLinks.Url url) {
        this.linkUrl = url;
        this.links = downloadLinks;
    }

    /** @return the clock */
    public Clock clock() {
        return clock;
    }

    /** @return the providers */
    public Registry registry() {
        return registry;
    }

    /** @return notifier calls that threw */
    public long notifierFailures() {
        return notifierFailures.get();
    }

    /** @return metrics sink calls that threw */
    public long sinkFailures() {
        return sinkFailures.get();
    }

    // ---------------------------------------------------------------- requests

    /**
     * Checks a request as {@link #submit} would, without creating a job.
     *
     * @param request the request
     */
    public void validate(ExportRequest request) {
        prepare(request, false);
    }

    private Prepared prepare(ExportRequest r) {
        return prepare(r, true);
    }

    /**
     * @param checkDirectory whether the output directory must exist: a submitted job needs it; checking a request
     *                       (a schedule being stored by a process that runs no export) does not
     */
    private Prepared prepare(ExportRequest r, boolean checkDirectory) {
        if (closed) {
            throw new JobStateException("The export service is closed.");
        }
        ExportType type = registry.type(r.type());
        Exporter exporter = registry.exporter(r.format());
        List<String> problems = new ArrayList<>();
        for (String key : r.options().keySet()) {
            if (!exporter.options().contains(key)) {
                problems.add("Unknown option '" + key + "' for format '" + exporter.format().id() + "'. Valid options: "
                        + new java.util.TreeSet<>(exporter.options()) + ".");
            }
        }
        Map<String, Object> filters = Map.of();
        try {
            filters = type.parseFilters(r.filters());
        } catch (InvalidRequestException e) {
            problems.add(e.getMessage());
        }
        Set<String> languages = type.languages();
        if (!languages.contains(r.locale().getLanguage())) {
            problems.add("Unknown locale '" + r.locale().toLanguageTag() + "' for " + type.name() + ". Available: " + languages
                    + ".");
        }
        if (r.notifyEmail().isPresent()) {
            for (Notifier n : registry.notifiers()) {
                try {
                    n.checkRecipient(r.notifyEmail().get());
                } catch (InvalidRequestException e) {
                    problems.add(e.getMessage());
                    break;
                }
            }
        }
        for (SortKey k : r.sort()) {
            if (type.indexOf(k.column()) < 0) {
                problems.add("Cannot sort " + type.name() + " by '" + k.column() + "'. Sortable columns: "
                        + type.columns().stream().map(c -> c.key()).toList() + ".");
            }
        }
        if (problems.isEmpty()) {
            try {
                exporter.validateOptions(r.options());
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join(" ", problems), null, null, exporter.format().id(), type.name());
        }
        if (checkDirectory) {
            checkOutputDirectory();
        }
        ExportQuery query = new ExportQuery(type, filters, OptionalLong.empty(), r.sort(), r.changedSince());
        return new Prepared(r, type, exporter, registry.source(type), query);
    }

    private void checkOutputDirectory() {
        Path dir = config.outputDirectory();
        if (!Files.isDirectory(dir)) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' does not exist. Create it, or point "
                    + "EXPORT_OUTPUT_DIR at an existing directory.");
        }
        if (!Files.isWritable(dir)) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' is not writable by this process. "
                    + "Fix its permissions, or point EXPORT_OUTPUT_DIR elsewhere.");
        }
    }

    private RunningJob enqueue(ExportRequest request) {
        Prepared p = prepare(request);
        Instant now = clock.instant();
        Map<String, String> filterText = new LinkedHashMap<>();
        p.query().filters().forEach((k, v) -> filterText.put(k, String.valueOf(v)));
        ExportJob job = ExportJob.builder().id(JobId.random()).type(p.type().name()).format(p.exporter().format().id())
                .status(JobStatus.PENDING).createdAt(now).updatedAt(now).owner(request.owner())
                .notificationEmail(request.notifyEmail().orElse(null)).filters(filterText).instanceId(instanceId).build();
        store.insert(job);
        RunningJob rj = new RunningJob(job, p, this);
        active.put(job.id(), rj);
        LOG.debug("Job {} accepted: {}/{} for {}", job.id(), job.type(), job.format(), job.owner());
        return rj;
    }

    /**
     * @param request the request
     * @return the PENDING job, queued
     */
    public ExportJob submit(ExportRequest request) {
        RunningJob rj = enqueue(request);
        try {
            executor.execute(() -> execute(rj));
        } catch (RejectedExecutionException e) {
            String message = "The export queue is full (" + config.queueCapacity() + " jobs waiting). Try again later, or raise "
                    + "EXPORT_QUEUE_CAPACITY or EXPORT_WORKERS.";
            active.remove(rj.id);
            mutate(rj.id, j -> j.toBuilder().status(JobStatus.FAILED).errorMessage(message).completedAt(clock.instant())
                    .updatedAt(clock.instant()).build());
            throw new QueueFullException(message, e, config.queueCapacity(), rj.id, rj.prepared.exporter().format().id(),
                    rj.prepared.type().name());
        }
        return rj.submitted;
    }

    /**
     * @param request the request
     * @return the outcome, after running the export in the calling thread
     */
    public ExportOutcome run(ExportRequest request) {
        RunningJob rj = enqueue(request);
        execute(rj);
        return rj.future.join();
    }

    // ---------------------------------------------------------------- running

    private void execute(RunningJob rj) {
        rj.worker = Thread.currentThread();
        Prepared p = rj.prepared;
        Instant start = clock.instant();
        ExportJob job = mutate(rj.id, j -> j.status() != JobStatus.PENDING ? null
                : j.toBuilder().status(JobStatus.RUNNING).startedAt(start).updatedAt(start).instanceId(instanceId).build());
        if (job.status() != JobStatus.RUNNING || rj.isCancelled()) {
            ExportJob cancelled = mutate(rj.id, j -> j.status().isTerminal() ? null : terminal(j, JobStatus.CANCELLED,
                    stopMessage(rj.stopReason())));
            finish(rj, new ExportOutcome.Cancelled(cancelled), Optional.empty());
            return;
        }
        rj.timeout = scheduler.schedule(() -> rj.stop(RunningJob.StopReason.TIMED_OUT), config.jobTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        for (MetricsSink sink : registry.sinks()) {
            try {
                sink.started(job);
            } catch (RuntimeException e) {
                sinkFailures.incrementAndGet();
                LOG.warn("Metrics sink {} failed on start of job {}: {}", sink.getClass().getName(), rj.id, e.toString());
            }
        }
        String ext = p.exporter().format().extension();
        Path dir = config.outputDirectory();
        ExportOutcome outcome;
        Optional<Path> published = Optional.empty();
        try {
            ExportQuery query = p.query();
            long max = config.maxRecords() == 0 ? Long.MAX_VALUE : config.maxRecords();
            boolean truncate = config.overLimit() == OverLimitPolicy.TRUNCATE;
            long requested = p.request().limit().orElse(Long.MAX_VALUE);
            OptionalLong count = sourceCall(rj, () -> p.source().count(query));
            if (count.isPresent()) {
                long matched = Math.min(count.getAsLong(), requested);
                if (matched > max && !truncate) {
                    throw rj.overLimit(matched);
                }
                rj.expectedRows(Math.min(matched, max));
            }
            long queryLimit = Math.min(requested, max == Long.MAX_VALUE ? Long.MAX_VALUE : max + 1);
            ExportQuery limited = queryLimit == Long.MAX_VALUE ? query : query.withLimit(queryLimit);
            ExportSchema schema = ExportSchema.of(p.type(), p.request().locale(), p.request().zone(), start, job.filters());
            Path target = dir.resolve(p.type().name() + "_" + FILE_TIME.format(start) + "_" + rj.id + "." + ext);
            try (PublishedFile file = PublishedFile.create(PublishedFile.tempPath(dir, rj.id.value(), ext), writers);
                    RowCursor raw = readAhead(p, sourceCall(rj, () -> p.source().open(limited)));
                    GuardedCursor cursor = new GuardedCursor(raw, rj, max, truncate)) {
                p.exporter().write(schema, cursor, file.stream(), rj);
                rj.checkCancelled();
                if (cursor.truncated()) {
                    rj.warn("Export truncated at " + String.format(java.util.Locale.ROOT, "%,d", max) + " records by "
                            + "EXPORT_MAX_RECORDS; more records matched. Narrow the filters or raise the limit.");
                }
                PublishedFile.Result result = file.publish(target, config.fsync());
                published = Optional.of(target);
                Instant end = clock.instant();
                long rows = cursor.rows();
                ExportJob done = mutate(rj.id, j -> j.status() != JobStatus.RUNNING ? null
                        : j.toBuilder().status(JobStatus.COMPLETED).progressPercent(100).totalRecords(rows)
                                .fileName(target.getFileName().toString()).fileSizeBytes(result.size()).sha256(result.sha256())
                                .duration(Duration.between(start, end)).completedAt(end).updatedAt(end)
                                .warnings(rj.warnings()).build());
                if (done.status() == JobStatus.COMPLETED) {
                    outcome = new ExportOutcome.Completed(done, target);
                    LOG.debug("Job {} completed: {} records, {} bytes", rj.id, rows, result.size());
                } else {
                    // cancelled from another process while we were publishing: the cancel wins
                    Files.deleteIfExists(target);
                    published = Optional.empty();
                    outcome = new ExportOutcome.Cancelled(done);
                }
            }
        } catch (ExportCancelledException e) {
            RunningJob.StopReason reason = rj.stopReason();
            if (reason == RunningJob.StopReason.TIMED_OUT) {
                outcome = failed(rj, new ExportException(stopMessage(reason), e, rj.id, p.exporter().format().id(),
                        p.type().name()));
            } else {
                ExportJob j = mutate(rj.id, cur -> cur.status().isTerminal() ? null
                        : terminal(cur, JobStatus.CANCELLED, stopMessage(reason)).toBuilder().totalRecords(rj.rows()).build());
                outcome = new ExportOutcome.Cancelled(j);
            }
        } catch (ExportException e) {
            outcome = failed(rj, e);
        } catch (IOException e) {
            outcome = failed(rj, new StorageException(describe(e), e, rj.id, p.exporter().format().id(), p.type().name()));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.error("Job {}: exporter '{}' failed unexpectedly", rj.id, p.exporter().format().id(), e);
            outcome = failed(rj, new ExportException("Exporter '" + p.exporter().format().id() + "' failed unexpectedly: " + e
                    + ". This is a bug in the exporter or data source; the log has the stack trace.", e, rj.id,
                    p.exporter().format().id(), p.type().name()));
        } finally {
            if (rj.timeout != null) {
                rj.timeout.cancel(false);
            }
        }
        finish(rj, outcome, published);
    }

    private RowCursor readAhead(Prepared p, RowCursor cursor) {
        return p.source().readAhead() ? new ReadAheadCursor(cursor, p.type().columns().size(), readers) : cursor;
    }

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

    private ExportOutcome failed(RunningJob rj, ExportException error) {
        ExportJob j = mutate(rj.id, cur -> cur.status().isTerminal() ? null
                : terminal(cur, JobStatus.FAILED, error.getMessage()).toBuilder().totalRecords(rj.rows())
                        .warnings(rj.warnings()).build());
        LOG.debug("Job {} failed: {}", rj.id, error.getMessage());
        return j.status() == JobStatus.CANCELLED ? new ExportOutcome.Cancelled(j) : new ExportOutcome.Failed(j, error);
    }

    private ExportJob terminal(ExportJob j, JobStatus status, String message) {
        Instant end = clock.instant();
        ExportJob.Builder b = j.toBuilder().status(status).errorMessage(message).completedAt(end).updatedAt(end);
        j.startedAt().ifPresent(s -> b.duration(Duration.between(s, end)));
        return b.build();
    }

    private String stopMessage(RunningJob.StopReason reason) {
        if (reason == RunningJob.StopReason.TIMED_OUT) {
            return "Export timed out after " + config.jobTimeout().toSeconds() + " s (EXPORT_JOB_TIMEOUT_SECONDS). Narrow the "
                    + "filters or raise the timeout.";
        }
        if (reason == RunningJob.StopReason.SHUTDOWN) {
            return "Cancelled because the export service shut down before the export finished. Submit it again.";
        }
        return "Cancelled by request.";
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

    private void finish(RunningJob rj, ExportOutcome outcome, Optional<Path> file) {
        // an exporter's work files ({@link RunningJob#createTempFile}) must not outlive its job, even if it forgot one
        deleteTempFiles(rj.id.value());
        ExportJob job = outcome.job();
        recordMetrics(job);
        Optional<String> url = Optional.empty();
        Optional<Instant> expires = Optional.empty();
        org.smsexport.core.DownloadLinks signer = links;
        if (signer != null && job.status() == JobStatus.COMPLETED) {
            String token = signer.token(job.id(), job.owner());
            url = Optional.of(linkUrl.of(job, token));
            expires = signer.expiry(token);
        }
        notify(new ExportEvent(job, file, url, expires, rj.prepared.request().locale(),
                (sent, error) -> recordNotification(job.id(), sent, error)));
        rj.future.complete(outcome);
        // last: until now completion(id) must hand out this future, not a "finished" one made from the store
        active.remove(rj.id);
    }

    private void recordNotification(JobId id, boolean sent, Optional<String> error) {
        try {
            mutate(id, cur -> cur.toBuilder().notificationSent(cur.notificationSent() || sent)
                    .notificationError(sent ? null : error.orElse("not delivered")).build());
        } catch (RuntimeException e) {
            LOG.warn("Could not record the notification outcome of job {}: {}", id, e.toString());
        }
    }

    private void recordMetrics(ExportJob job) {
        ExportMetrics m = ExportMetrics.of(job);
        for (MetricsSink sink : registry.sinks()) {
            try {
                sink.record(m);
            } catch (RuntimeException e) {
                sinkFailures.incrementAndGet();
                LOG.warn("Metrics sink {} failed for job {}: {}", sink.getClass().getName(), job.id(), e.toString());
            }
        }
    }

    private void notify(ExportEvent event) {
        for (Notifier n : registry.notifiers()) {
            try {
                n.jobFinished(event);
            } catch (RuntimeException e) {
                notifierFailures.incrementAndGet();
                LOG.warn("Notifier {} failed for job {}: {}", n.getClass().getName(), event.job().id(), e.toString());
            }
        }
    }

    /** Called by a running job at most once a second: writes progress, and notices a cancel made elsewhere. */
    void persistProgress(RunningJob rj) {
        Instant now = clock.instant();
        ExportJob j = mutate(rj.id, cur -> cur.status() != JobStatus.RUNNING ? null
                : cur.toBuilder().progressPercent(rj.percent()).totalRecords(rj.rows()).updatedAt(now).build());
        if (j.status() == JobStatus.CANCELLED) {
            rj.stop(RunningJob.StopReason.CANCELLED);
        }
    }

    /**
     * Reads, changes and writes a job with optimistic locking, retrying when another writer got there first.
     *
     * @param id     the job
     * @param change the new record from the current one, or {@code null} to leave it as it is
     * @return the record as stored after the change (or unchanged)
     */
    ExportJob mutate(JobId id, UnaryOperator<ExportJob> change) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            ExportJob current = store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
            ExportJob next = change.apply(current);
            if (next == null) {
                return current;
            }
            Optional<ExportJob> stored = store.update(current, next);
            if (stored.isPresent()) {
                return stored.get();
            }
        }
        throw new ExportException("Job " + id + " could not be updated: it kept changing under " + UPDATE_ATTEMPTS
                + " attempts.", null, id, null, null);
    }

    // ---------------------------------------------------------------- queries and control

    /**
     * @param id a job id
     * @return the job, with live progress when it runs here
     */
    public Optional<ExportJob> job(JobId id) {
        Optional<ExportJob> stored = store.find(id);
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
        for (ExportJob j : store.list(filter)) {
            out.add(job(j.id()).orElse(j));
        }
        return List.copyOf(out);
    }

    /**
     * @param filter criteria
     * @return how many jobs match
     */
    public long count(JobFilter filter) {
        return store.count(filter);
    }

    /**
     * @param id a job id
     * @return {@code true} when the job was pending or running and is now being cancelled
     */
    public boolean cancel(JobId id) {
        ExportJob job = store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
        if (job.status().isTerminal()) {
            return false;
        }
        RunningJob rj = active.get(id);
        if (rj != null) {
            rj.stop(RunningJob.StopReason.CANCELLED);
        }
        // a pending job is cancelled at once; a running one records the cancel for its worker (here or elsewhere)
        ExportJob after = mutate(id, cur -> cur.status() == JobStatus.PENDING || rj == null && cur.status() == JobStatus.RUNNING
                ? terminal(cur, JobStatus.CANCELLED, stopMessage(RunningJob.StopReason.CANCELLED)) : null);
        LOG.debug("Job {} cancel requested ({})", id, after.status());
        return true;
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
        ExportJob job = store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
        switch (job.status()) {
            case COMPLETED:
                return CompletableFuture.completedFuture(new ExportOutcome.Completed(job,
                        config.outputDirectory().resolve(job.fileName().orElseThrow())));
            case ARCHIVED:
                return CompletableFuture.completedFuture(new ExportOutcome.Completed(job, Path.of(job.archivePath().orElseThrow())));
            case FAILED:
                return CompletableFuture.completedFuture(new ExportOutcome.Failed(job,
                        new ExportException(job.errorMessage().orElse("failed"), null, id, job.format(), job.type())));
            case CANCELLED:
                return CompletableFuture.completedFuture(new ExportOutcome.Cancelled(job));
            default:
                return CompletableFuture.failedFuture(new JobStateException("Job " + id + " runs in another process (instance "
                        + job.instanceId() + "); poll job(id) for its status."));
        }
    }

    /**
     * @param id a completed job
     * @return the published file
     */
    public Path file(JobId id) {
        ExportJob job = store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
        if (job.status() != JobStatus.COMPLETED || job.fileName().isEmpty()) {
            throw new JobStateException("Job " + id + " is " + job.status().id() + ", not completed: it has no file to open.",
                    null, id, job.format(), job.type());
        }
        Path file = safeResolve(job.fileName().get());
        if (!Files.isRegularFile(file)) {
            throw new StorageException("The file of job " + id + " is gone (" + file.getFileName() + "); it may have been removed "
                    + "by retention. Run the export again.", null, id, job.format(), job.type());
        }
        return file;
    }

    private Path safeResolve(String fileName) {
        return PublishedFile.inDirectory(config.outputDirectory(), fileName);
    }

    /**
     * @param id a completed job
     * @return a stream of its file, which the caller closes
     */
    public InputStream open(JobId id) {
        Path file = file(id);
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new StorageException("The file of job " + id + " could not be opened: " + e, e, id, null, null);
        }
    }

    /**
     * Deletes a finished job and its file, or cancels a pending or running one.
     *
     * @param id a job id
     * @return {@code true} when the job was deleted, {@code false} when it was cancelled instead
     */
    public boolean delete(JobId id) {
        ExportJob job = store.find(id).orElseThrow(() -> new JobNotFoundException("No export job " + id + "."));
        if (!job.status().isTerminal()) {
            cancel(id);
            return false;
        }
        if (job.fileName().isPresent()) {
            try {
                Files.deleteIfExists(safeResolve(job.fileName().get()));
            } catch (IOException e) {
                throw new StorageException("The file of job " + id + " could not be deleted: " + e, e, id, job.format(), job.type());
            }
        }
        return store.delete(id);
    }

    // ---------------------------------------------------------------- recovery and heartbeat

    private void recover() {
        Instant staleBefore = clock.instant().minus(config.recoveryGrace());
        int recovered = 0;
        JobFilter unfinished = JobFilter.all().withStatuses(JobStatus.PENDING, JobStatus.RUNNING).withPage(0, JobFilter.MAX_LIMIT);
        for (ExportJob j : store.list(unfinished)) {
            if (active.containsKey(j.id()) || instanceId.equals(j.instanceId()) || j.updatedAt().isAfter(staleBefore)) {
                continue;
            }
            ExportJob failed = mutate(j.id(), cur -> cur.status().isTerminal() || cur.version() != j.version() ? null
                    : terminal(cur, JobStatus.FAILED, "Interrupted: the process running this export stopped before it "
                            + "finished. Submit it again."));
            if (failed.status() == JobStatus.FAILED) {
                deleteTempFiles(j.id().value());
                recordMetrics(failed);
                recovered++;
            }
        }
        if (config.recoveryGrace().isZero()) {
            deleteTempFiles(null);
        }
        if (recovered > 0) {
            LOG.warn("Recovered {} export jobs left unfinished by a stopped process; they are now FAILED", recovered);
        }
    }

    /** @return where files are published (and where jobs' temporary and work files live) */
    Path outputDirectory() {
        return config.outputDirectory();
    }

    /**
     * Deletes the temporary and work files of one job (a finished or a recovered one), or (id null) every
     * temporary file of no job running here.
     */
    private void deleteTempFiles(String jobId) {
        Path dir = config.outputDirectory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.length() > 21 ? name.substring(1, 21) : "";
                boolean which = jobId != null ? jobId.equals(id) : active.keySet().stream().noneMatch(k -> k.value().equals(id));
                if (PublishedFile.isTemp(name) && which) {
                    Files.deleteIfExists(f);
                    LOG.debug("Deleted leftover temporary file {}", name);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean temporary files in {}: {}", dir, e.toString());
        }
    }

    private void heartbeat() {
        try {
            Instant now = clock.instant();
            for (RunningJob rj : active.values()) {
                ExportJob j = mutate(rj.id, cur -> cur.status().isTerminal() ? null : cur.toBuilder().updatedAt(now).build());
                if (j.status() == JobStatus.CANCELLED) {
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

    // ---------------------------------------------------------------- shutdown

    /**
     * Stops accepting jobs, cancels queued ones, waits up to the shutdown timeout for running ones, then
     * cancels those, and closes notifiers and sinks.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RunningJob rj : active.values()) {
            if (rj.worker == null) {
                rj.stop(RunningJob.StopReason.SHUTDOWN);
                mutate(rj.id, cur -> cur.status() == JobStatus.PENDING
                        ? terminal(cur, JobStatus.CANCELLED, stopMessage(RunningJob.StopReason.SHUTDOWN)) : null);
            }
        }
        if (ownPool != null) {
            // queued tasks still run, see their job cancelled and complete at once
            ownPool.shutdown();
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        awaitActive(deadline);
        long unfinished = active.values().stream().filter(rj -> !rj.future.isDone()).count();
        if (unfinished > 0) {
            LOG.warn("{} exports still running after {}; cancelling them", unfinished, shutdownTimeout);
            active.values().forEach(rj -> rj.stop(RunningJob.StopReason.SHUTDOWN));
            awaitActive(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        if (ownPool != null) {
            ownPool.shutdownNow();
        }
        scheduler.shutdownNow();
        writers.shutdown();
        readers.shutdown();
        for (Notifier n : registry.notifiers()) {
            closeQuietly(n);
        }
        for (MetricsSink s : registry.sinks()) {
            closeQuietly(s);
        }
        LOG.info("sms-export stopped: instance {}", instanceId);
    }

    private void awaitActive(long deadlineNanos) {
        for (RunningJob rj : List.copyOf(active.values())) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                rj.future.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the job records its own outcome; we only wait
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", c.getClass().getName(), e.toString());
        }
    }
}
