package org.smsexport.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStateException;
import org.smsexport.JobStatus;
import org.smsexport.QueueFullException;
import org.smsexport.StorageException;
import org.smsexport.core.DownloadLinks;
import org.smsexport.core.ExportAudit;
import org.smsexport.core.ExportConfig;
import org.smsexport.support.ExportThreads;
import org.smsexport.spi.JobStore;

/**
 * The job engine behind {@code ExportService}: it owns the threads and the jobs running in this process, and
 * wires the parts that do the work, each readable on its own:
 * <ul>
 * <li>{@link Requests} checks a request before a job exists;
 * <li>{@link JobRun} runs one job, source to published file, and maps every failure;
 * <li>{@link Listeners} tells metrics sinks and notifiers, with signed links;
 * <li>{@link Recovery} fails jobs a stopped process left behind, and keeps this process's heartbeat;
 * <li>{@link Queries} answers what a host asks about jobs;
 * <li>{@link Jobs} reads and changes job records with optimistic locking.
 * </ul>
 * Here: queueing on a bounded pool, cancel and delete, progress, and shutdown. Thread-safe.
 */
public final class JobEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

    private final Registry registry;
    private final ExportConfig config;
    private final Clock clock;
    private final Duration shutdownTimeout;
    private final String instanceId = JobId.random().value().substring(0, 12);
    private final ExecutorService ownPool;
    private final Executor executor;
    /** Heartbeats only: a queue poll or a job's timeout that hangs on the database never delays them. */
    private final ScheduledThreadPoolExecutor timers;
    /** Whether the last claim from the shared queue took as many jobs as it asked for (more may be waiting). */
    private volatile boolean queueFull;
    /** The shared queue's and remote completions' polls. */
    private final ScheduledThreadPoolExecutor polls;
    /** Job timeouts: they fire whatever the database does. */
    private final ScheduledThreadPoolExecutor timeouts;
    // threads that serve many jobs: each task carries the MDC (the job's id) of the thread that gave it
    private final ExecutorService writers = JobTracing.withMdc(Executors.newCachedThreadPool(ExportThreads.factory("writer")));
    private final ExecutorService readers = JobTracing.withMdc(Executors.newCachedThreadPool(ExportThreads.factory("reader")));
    private final JobTracing tracing;
    private final ConcurrentMap<JobId, RunningJob> active = new ConcurrentHashMap<>();
    /** Callers waiting for jobs that run on other nodes. */
    private final ConcurrentMap<JobId, CompletableFuture<ExportOutcome>> remote = new ConcurrentHashMap<>();
    private final Jobs jobs;
    private final Requests requests;
    private final Listeners listeners;
    private final JobRun run;
    private final Recovery recovery;
    private final Queries queries;
    private final org.smsexport.spi.ExportStorage storage;
    private volatile boolean closed;
    private final Instant started;

    /**
     * Starts the engine: creates the output directory when asked, recovers interrupted jobs, starts the
     * heartbeat.
     *
     * @param registry          the providers
     * @param store             the job records
     * @param queue             the queue jobs are claimed from, whose clock judges leases
     * @param nodes             the registry of nodes
     * @param database          the database the nodes share, where shared parts (the mail outbox) keep their tables
     * @param config            the settings
     * @param clock             the clock for job times
     * @param hostExecutor      the host's executor, or {@code null} for a pool of {@code config.workers()} threads
     * @param heartbeat         how often running jobs refresh their heartbeat and stale jobs are recovered
     * @param shutdownTimeout   how long {@link #close()} waits for running jobs
     * @param createOutputDir   whether to create the output directory when missing
     * @param audit             where job events are recorded
     * @param storage           where finished files are published
     * @param tracing           each export's observation and trace, and the MDC of its threads
     */
    public JobEngine(Registry registry, JobStore store, org.smsexport.spi.JobQueue queue, org.smsexport.spi.NodeRegistry nodes,
            Optional<javax.sql.DataSource> database, ExportConfig config, Clock clock, Executor hostExecutor,
            Duration heartbeat, Duration shutdownTimeout, boolean createOutputDir, ExportAudit audit,
            org.smsexport.spi.ExportStorage storage, JobTracing tracing) {
        this.tracing = tracing;
        this.storage = storage;
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.started = clock.instant();
        this.shutdownTimeout = shutdownTimeout;
        if (createOutputDir) {
            createDirectory(config.outputDirectory());
        }
        if (hostExecutor == null && config.workers() == 0) {
            // accepts and serves; the jobs it accepts wait in the shared queue for a node that runs them
            this.ownPool = null;
            this.executor = null;
        } else if (hostExecutor == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(config.queueCapacity()), ExportThreads.factory("worker"));
            this.ownPool = pool;
            this.executor = pool;
        } else {
            this.ownPool = null;
            this.executor = hostExecutor;
        }
        this.timers = new ScheduledThreadPoolExecutor(1, ExportThreads.factory("heartbeat"));
        this.polls = new ScheduledThreadPoolExecutor(1, ExportThreads.factory("queue"));
        this.timeouts = new ScheduledThreadPoolExecutor(1, ExportThreads.factory("timeout"));
        timeouts.setRemoveOnCancelPolicy(true);
        this.jobs = new Jobs(store, queue, nodes, clock);
        this.requests = new Requests(registry, config);
        this.listeners = new Listeners(registry, jobs, config.outputDirectory(), database, config.tablePrefix(), audit);
        this.run = new JobRun(config, jobs, listeners, instanceId, timeouts, writers, readers, storage);
        this.recovery = new Recovery(config, jobs, listeners, active, instanceId, storage);
        this.queries = new Queries(config, jobs, active, storage);
        recovery.recover();
        reportNode();
        long beat = Math.max(1, heartbeat.toMillis());
        timers.scheduleWithFixedDelay(() -> {
            recovery.heartbeat(heartbeat);
            reportNode();
        }, beat, beat, TimeUnit.MILLISECONDS);
        long poll = config.queuePoll().toMillis();
        polls.scheduleWithFixedDelay(this::pollQueue, poll, poll, TimeUnit.MILLISECONDS);
        polls.scheduleWithFixedDelay(this::pollRemote, poll, poll, TimeUnit.MILLISECONDS);
        LOG.info("sms-export started: node {}, instance {}, formats {}, types {}, output {}, {} workers", config.nodeName(), instanceId,
                registry.exporters().keySet(), registry.typeNames(), config.outputDirectory().toAbsolutePath(),
                hostExecutor == null ? config.workers() : "host");
    }

    private static void createDirectory(Path dir) {
        if (OwnFiles.outputDirectory(dir)) {
            LOG.info("Created output directory {}", dir.toAbsolutePath());
        }
    }

    /** This node's row in the shared queue's list of nodes. */
    private void reportNode() {
        try {
            int running = (int) active.values().stream().filter(r -> r.worker != null).count();
            jobs.nodes.heartbeat(new org.smsexport.ExportNode(config.nodeName(), started, clock.instant(), running,
                    executor == null ? 0 : config.workers()));
        } catch (RuntimeException e) {
            LOG.warn("The heartbeat of node {} could not be recorded: {}", config.nodeName(), e.toString());
        }
    }

    /**
     * How long a node may be silent before it is dropped from the list of nodes (it was killed, or its host is gone): a
     * month, so that an administrator can still look up a node that went quiet last week (the page hides nodes silent for
     * more than a day unless asked).
     */
    static final Duration SILENT_NODE_DROPPED_AFTER = Duration.ofDays(30);

    /** @return the nodes sharing the job store, as they last reported; those silent for a month are dropped first */
    public List<org.smsexport.ExportNode> nodes() {
        try {
            jobs.nodes.forgetSilent(SILENT_NODE_DROPPED_AFTER);
        } catch (RuntimeException e) {
            LOG.debug("Silent nodes could not be dropped: {}", e.toString());
        }
        return jobs.nodes.nodes();
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
    public void links(DownloadLinks downloadLinks, DownloadLinks.Url url) {
        listeners.links(downloadLinks, url);
    }

    /** @return where finished files are published */
    public org.smsexport.spi.ExportStorage storage() {
        return storage;
    }

    /** @return the clock */
    public Clock clock() {
        return clock;
    }

    /** @return the providers */
    public Registry registry() {
        return registry;
    }

    /** @param metrics a finished export's record, for every metrics sink (a host's own export, timed by it) */
    public void record(org.smsexport.ExportMetrics metrics) {
        listeners.record(metrics);
    }

    /** @return notifier calls that threw */
    public long notifierFailures() {
        return listeners.notifierFailures();
    }

    /** @return metrics sink calls that threw */
    public long sinkFailures() {
        return listeners.sinkFailures();
    }

    /** @return where files are published (and where jobs' temporary and work files live) */
    Path outputDirectory() {
        return config.outputDirectory();
    }

    // ---------------------------------------------------------------- requests and queueing

    private void checkOpen() {
        if (closed) {
            throw new JobStateException("The export service is closed.");
        }
    }

    /**
     * Checks a request as {@link #submit} would, without creating a job.
     *
     * @param request the request
     */
    public void validate(ExportRequest request) {
        checkOpen();
        requests.prepare(request, false);
    }

    private RunningJob enqueue(ExportRequest request, boolean here) {
        checkOpen();
        Prepared p = requests.prepare(request, true);
        Optional<String> portable = RequestJson.portable(p.request()); // with the zone this service chose for it
        if (!here && portable.isEmpty()) {
            throw new org.smsexport.InvalidRequestException("This node runs no exports (EXPORT_WORKERS=0), and an export with a "
                    + "password can run only on the node that accepted it, which keeps the password in memory: submit it to a "
                    + "node with workers.");
        }
        Instant now = clock.instant();
        Map<String, String> filterText = new LinkedHashMap<>();
        p.query().filters().forEach((k, v) -> filterText.put(k, String.valueOf(v)));
        ExportJob job = ExportJob.builder().id(JobId.random()).type(p.type().name()).format(p.exporter().format().id())
                .status(JobStatus.PENDING).createdAt(now).updatedAt(now).owner(request.owner())
                .notificationEmail(request.notifyEmail().orElse(null)).filters(filterText)
                // reserved for this node when it runs it; otherwise queued for any node
                .node(here ? config.nodeName() : null)
                // the trace it was submitted in, continued by whichever node runs it
                .traceParent(tracing.currentTraceParent()).build();
        org.smsexport.spi.StoredJob record = org.smsexport.spi.StoredJob.of(job, instanceId, portable.orElse(null), 0);
        jobs.store.insert(record);
        try {
            listeners.audit().require(org.smsexport.AuditEntry.of(org.smsexport.AuditEvent.CREATED, now, job.owner(), job)
                    .from(request.clientAddress(), Optional.empty()));
        } catch (org.smsexport.ExportException e) {
            jobs.store.delete(job.id()); // no job that the trail does not know of
            throw e;
        }
        RunningJob rj = new RunningJob(job, p, this);
        rj.known(record);
        if (here) {
            active.put(job.id(), rj);
        }
        LOG.debug("Job {} accepted: {}/{} for {}", job.id(), job.type(), job.format(), job.owner());
        return rj;
    }

    /**
     * The shared queue: a node with free workers claims the oldest queued jobs no node has ({@link org.smsexport.spi.JobQueue#claim}, so
     * each goes to one node) and runs them like its own.
     */
    private void pollQueue() {
        if (closed || executor == null) {
            return;
        }
        try {
            int free = (ownPool != null ? config.workers() : Math.max(1, config.workers())) - active.size();
            if (free <= 0) {
                return;
            }
            List<org.smsexport.spi.StoredJob> claimed = jobs.queue.claim(config.nodeName(), free);
            // as many as asked for: more may wait, and the next is claimed as soon as a worker is free, not at the next poll
            queueFull = claimed.size() == free;
            for (org.smsexport.spi.StoredJob j : claimed) {
                // each claimed job on its own: one that cannot be started or failed never strands the rest of the batch
                try {
                    startClaimed(j);
                } catch (RuntimeException e) {
                    active.remove(j.id());
                    LOG.warn("Job {} from the shared queue could not be started here: {}", j.id(), e.toString());
                    try {
                        release(j);
                    } catch (RuntimeException again) {
                        LOG.debug("Job {} could not be given back either; recovery takes it after the grace: {}", j.id(), again.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("The shared export queue could not be read: {}", e.toString());
            }
        }
    }

    /** Runs one job this node claimed, fails it when its request cannot run here, or gives it back when closing or full. */
    private void startClaimed(org.smsexport.spi.StoredJob j) {
        if (closed) {
            release(j); // claimed as the service closes
            return;
        }
        Prepared p;
        try {
            p = requests.prepare(RequestJson.read(j.request().get()), true);
        } catch (RuntimeException e) {
            ExportJob failed = jobs.mutate(j.id(), cur -> cur.status().isTerminal() ? null : jobs.terminal(cur, JobStatus.FAILED,
                    "Node " + config.nodeName() + " cannot run this export: " + e.getMessage()));
            listeners.finished(failed, Optional.empty(), java.util.Locale.ENGLISH, config.timeZone(), false);
            return;
        }
        RunningJob rj = new RunningJob(j.job(), p, this);
        rj.known(j);
        active.put(j.id(), rj);
        try {
            executor.execute(() -> execute(rj));
            LOG.debug("Job {} taken from the shared queue", j.id());
        } catch (RejectedExecutionException e) {
            // the host's executor is full: give it back (and the rest of the claim after it)
            active.remove(j.id());
            release(j);
        }
    }

    /** Gives a job this node claimed but will not run back to the shared queue, unless it moved on meanwhile. */
    private void release(org.smsexport.spi.StoredJob j) {
        jobs.mutate(j.id(), cur -> cur.status() == JobStatus.PENDING && config.nodeName().equals(cur.node().orElse(null))
                ? cur.toBuilder().node(null).build() : null);
    }

    /**
     * @param request the request
     * @return the PENDING job, queued
     */
    public ExportJob submit(ExportRequest request) {
        RunningJob rj = enqueue(request, executor != null);
        if (executor == null) {
            return rj.submitted;
        }
        try {
            executor.execute(() -> execute(rj));
        } catch (RejectedExecutionException e) {
            String message = "The export queue is full (" + config.queueCapacity() + " jobs waiting). Try again later, or raise "
                    + "EXPORT_QUEUE_CAPACITY or EXPORT_WORKERS.";
            active.remove(rj.id);
            jobs.mutate(rj, j -> j.toBuilder().status(JobStatus.FAILED).errorMessage(message).completedAt(clock.instant())
                    .updatedAt(clock.instant()).build());
            throw new QueueFullException(message, e, config.queueCapacity(), rj.id, rj.prepared.exporter().format().id(),
                    rj.prepared.type().name());
        }
        return rj.submitted;
    }

    /**
     * A new job with the same request as a finished or running one (the request as it was stored: never a password).
     *
     * @param id            the job to run again
     * @param clientAddress where the asking client is, for the audit trail, or {@code null}
     * @return the new job, PENDING
     * @throws JobStateException when the job's request was not stored (an export with a password)
     */
    public java.util.Optional<ExportRequest> request(JobId id) {
        return jobs.requireStored(id).request().map(RequestJson::read);
    }

    /**
     * @param id            the job to run again
     * @param clientAddress where the asking client is, for the audit trail, or {@code null}
     * @return the new job, PENDING
     */
    public ExportJob rerun(JobId id, String clientAddress) {
        org.smsexport.spi.StoredJob s = jobs.requireStored(id);
        String json = s.request().orElseThrow(() -> new JobStateException("Job " + id + " cannot be run again: it had a "
                + "password, which is never stored. Submit it again with its password."));
        ExportRequest again = RequestJson.read(json);
        return submit(clientAddress == null ? again : again.toBuilder().clientAddress(clientAddress).build());
    }

    /**
     * @param request the request
     * @return the outcome, after running the export in the calling thread
     */
    public ExportOutcome run(ExportRequest request) {
        RunningJob rj = enqueue(request, true);
        execute(rj);
        return rj.future.join();
    }

    private void execute(RunningJob rj) {
        JobRun.Ended ended;
        try {
            ended = tracing.around(rj.submitted, () -> run.run(rj));
        } catch (RuntimeException | Error e) {
            // the job's end could not be recorded (the store gave no answer until shutdown): never a worker that dies
            // with the job still listed here and heartbeated; the next start's recovery ends the record
            LOG.warn("Job {}: its end could not be recorded before shutdown: {}", rj.id, e.toString());
            rj.deleteWorkFiles();
            active.remove(rj.id);
            rj.future.completeExceptionally(e);
            return;
        }
        if (ended == null) {
            // another node has it (taken back from this one while it waited here): its outcome comes from the store
            active.remove(rj.id);
            watch(rj.id).whenComplete((o, e) -> {
                if (e != null) {
                    rj.future.completeExceptionally(e);
                } else {
                    rj.future.complete(o);
                }
            });
            return;
        }
        // an exporter's work files ({@link RunningJob#createTempFile}) must not outlive its job, even if it forgot one
        rj.deleteWorkFiles();
        listeners.finished(ended.outcome().job(), ended.file(), rj.prepared.request().locale(), rj.prepared.request().zone(),
                rj.prepared.request().options().containsKey("password"));
        rj.future.complete(ended.outcome());
        // last: until now completion(id) must hand out this future, not a "finished" one made from the store
        active.remove(rj.id);
        claimNext();
    }

    /** A worker is free: while the shared queue gave all that was asked of it, ask again now instead of at the next poll. */
    private void claimNext() {
        if (queueFull && !closed) {
            try {
                polls.execute(this::pollQueue);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Called by a running job at most once a second: writes progress, and notices a cancel made elsewhere. */
    void persistProgress(RunningJob rj) {
        Instant now = clock.instant();
        int lease = rj.epoch;
        ExportJob j;
        try {
            j = jobs.mutate(rj, cur -> cur.status() != JobStatus.RUNNING || rj.lost(cur, lease) ? null
                    : rj.withProgress(cur.toBuilder()).updatedAt(now).build());
        } catch (JobNotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            // progress is a courtesy: a store that does not answer for a moment does not fail the export
            LOG.debug("Job {}: progress not recorded: {}", rj.id, e.toString());
            return;
        }
        if (rj.lost(j, lease)) {
            LOG.warn("Job {}: this node lost it to node {} (attempt {}); stopping without recording anything", rj.id,
                    j.node().orElse("none"), j.attempts());
            rj.stop(RunningJob.StopReason.LEASE_LOST);
        } else if (j.status() == JobStatus.CANCELLED) {
            rj.stop(RunningJob.StopReason.CANCELLED);
        }
    }

    // ---------------------------------------------------------------- queries and control

    /**
     * @param id a job id
     * @return the job, with live progress when it runs here
     */
    public Optional<ExportJob> job(JobId id) {
        return queries.job(id);
    }

    /**
     * @param filter criteria and page
     * @return matching jobs, newest first
     */
    public List<ExportJob> jobs(JobFilter filter) {
        return queries.jobs(filter);
    }

    /**
     * @param filter criteria
     * @return how many jobs match
     */
    public long count(JobFilter filter) {
        return queries.count(filter);
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
        // queued, or running on another node: its end is read from the shared store
        return jobs.require(id).status().isTerminal() ? queries.completion(id) : watch(id);
    }

    private CompletableFuture<ExportOutcome> watch(JobId id) {
        return remote.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** Completes the futures of jobs running elsewhere once the store says they ended. */
    private void pollRemote() {
        for (Map.Entry<JobId, CompletableFuture<ExportOutcome>> e : remote.entrySet()) {
            try {
                Optional<ExportJob> j = jobs.find(e.getKey());
                if (j.isEmpty() || j.get().status().isTerminal()) {
                    remote.remove(e.getKey());
                    if (j.isEmpty()) {
                        e.getValue().completeExceptionally(new org.smsexport.JobNotFoundException("Job " + e.getKey() + " was deleted."));
                    } else {
                        queries.completion(e.getKey()).whenComplete((o, x) -> {
                            if (x != null) {
                                e.getValue().completeExceptionally(x);
                            } else {
                                e.getValue().complete(o);
                            }
                        });
                    }
                }
            } catch (RuntimeException x) {
                LOG.debug("Could not read job {}: {}", e.getKey(), x.toString());
            }
        }
    }

    /**
     * @param id a completed job
     * @return the published file
     */
    public Path file(JobId id) {
        return queries.file(id);
    }

    /**
     * @param id a completed job
     * @return a stream of its file, which the caller closes
     */
    public InputStream open(JobId id) {
        return queries.open(id);
    }

    /**
     * @param id a completed job
     * @return its file's name, size and content
     */
    public org.smsexport.StoredContent content(JobId id) {
        return queries.content(id);
    }

    /**
     * @param id      a completed job
     * @param expires when the URL must stop working
     * @return a URL that serves the file directly, when the storage signs one
     */
    public Optional<java.net.URI> downloadUrl(JobId id, Instant expires) {
        return queries.downloadUrl(id, expires);
    }

    /**
     * @param id a job id
     * @return {@code true} when the job was pending or running and is now being cancelled
     */
    public boolean cancel(JobId id) {
        return cancel(id, "host");
    }

    /**
     * @param id    a job id
     * @param actor who asks, for the audit trail
     * @return {@code false} when the job had finished already
     */
    public boolean cancel(JobId id, String actor) {
        ExportJob job = jobs.require(id);
        if (job.status().isTerminal()) {
            return false;
        }
        listeners.cancelRequested(job, actor);
        RunningJob rj = active.get(id);
        if (rj != null) {
            rj.stop(RunningJob.StopReason.CANCELLED);
        }
        // a pending job is cancelled at once; a running one records the cancel for its worker (here or elsewhere)
        ExportJob after = jobs.mutate(id, cur -> cur.status() == JobStatus.PENDING || rj == null && cur.status() == JobStatus.RUNNING
                ? jobs.terminal(cur, JobStatus.CANCELLED, run.stopMessage(RunningJob.StopReason.CANCELLED)) : null);
        LOG.debug("Job {} cancel requested ({})", id, after.status());
        return true;
    }

    /**
     * Deletes a finished job and its file, or cancels a pending or running one.
     *
     * @param id a job id
     * @return {@code true} when the job was deleted, {@code false} when it was cancelled instead
     */
    public boolean delete(JobId id) {
        return delete(id, "host");
    }

    /**
     * @param id    a job id
     * @param actor who asks, for the audit trail
     * @return {@code true} when the job was deleted, {@code false} when it was cancelled instead
     */
    public boolean delete(JobId id, String actor) {
        ExportJob job = jobs.require(id);
        if (!job.status().isTerminal()) {
            cancel(id, actor);
            return false;
        }
        if (job.fileName().isPresent()) {
            try {
                storage.delete(job.fileName().get());
            } catch (IOException | RuntimeException e) {
                throw new StorageException("The file of job " + id + " could not be deleted: " + e, e, id, job.format(), job.type());
            }
        }
        boolean deleted = jobs.store.delete(id);
        if (deleted) {
            listeners.audit().record(org.smsexport.AuditEvent.DELETED, job, actor);
        }
        return deleted;
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
                // back to the shared queue where a persistent store keeps it for the next node; else cancelled
                if (!run.handBack(rj)) {
                    jobs.mutate(rj, cur -> cur.status() == JobStatus.PENDING
                            ? jobs.terminal(cur, JobStatus.CANCELLED, run.stopMessage(RunningJob.StopReason.SHUTDOWN)) : null);
                }
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
        timers.shutdownNow();
        polls.shutdownNow();
        timeouts.shutdownNow();
        writers.shutdown();
        readers.shutdown();
        try {
            jobs.nodes.remove(config.nodeName());
        } catch (RuntimeException e) {
            LOG.debug("Node {} could not leave the list: {}", config.nodeName(), e.toString());
        }
        remote.forEach((id, f) -> f.completeExceptionally(new JobStateException("The export service was closed while job " + id
                + " ran on another node; look it up with job(id).")));
        remote.clear();
        listeners.close();
        try {
            storage.close();
        } catch (RuntimeException e) {
            LOG.warn("The {} storage did not close cleanly: {}", storage.name(), e.toString());
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

}
