package org.smsexport.core;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.smsexport.ExportFormat;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.core.internal.JobEngine;
import org.smsexport.core.internal.Registry;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.MetricsSink;
import org.smsexport.spi.Notifier;

/**
 * Runs exports as tracked jobs: {@link #submit} queues one on a bounded worker pool and returns at once,
 * {@link #run} runs one in the calling thread. Each job streams rows from a {@link DataSource} through an
 * {@link Exporter} into a temporary file in the output directory, which the storage publishes as
 * {@code {type}_{yyyyMMdd_HHmmss}_{jobId}.{ext}} (the job's creation time, UTC; owner read/write only) when complete —
 * an atomic rename by default — or deleted on any
 * failure or cancel. Job records live in a {@link JobStore}; every finished job is reported to the
 * metrics sinks and notifiers.
 *
 * <pre>{@code
 * try (ExportService exports = ExportService.builder()
 *         .dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, students).build())
 *         .outputDirectory(Path.of("data/exports"))
 *         .build()) {
 *     ExportOutcome outcome = exports.run(ExportRequest.builder().type("students").format("csv").build());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Close it to stop its threads (waiting a bounded time for running exports).
 */
public final class ExportService implements AutoCloseable {

    /** How long {@link #close()} waits for running exports unless the builder says otherwise, in seconds. */
    public static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30;

    private final JobEngine engine;
    private final ExportMaintenance maintenance;
    private final DownloadLinks links;
    private final ExportTemplates templates;
    private final ExportAudit audit;
    private final java.util.function.Supplier<SecretBox> secrets;
    private volatile SecretBox box;

    private ExportService(JobEngine engine, ExportMaintenance maintenance, DownloadLinks links, org.smsexport.spi.TemplateStore templates,
            ExportAudit audit, java.util.function.Supplier<SecretBox> secrets) {
        this.secrets = secrets;
        this.templates = new ExportTemplates(templates, this);
        this.audit = audit;
        this.engine = engine;
        this.maintenance = maintenance;
        this.links = links;
    }

    /**
     * @return the export templates: saved and updated only once checked, kept in the {@link Builder#templateStore}
     *         (in memory by default)
     */
    public ExportTemplates templates() {
        return templates;
    }

    /**
     * @return what seals the passwords a schedule keeps ({@code EXPORT_SECRET_KEY}, else {@code <output>/.secret-key}),
     *         made on first use
     * @throws org.smsexport.StorageException when the key file cannot be made or read
     * @throws org.smsexport.InvalidRequestException when {@code EXPORT_SECRET_KEY} is malformed
     */
    public SecretBox secrets() {
        SecretBox b = box;
        if (b == null) {
            synchronized (this) {
                if (box == null) {
                    try {
                        box = secrets.get();
                    } catch (java.io.UncheckedIOException e) {
                        throw new org.smsexport.StorageException(e.getMessage() + ". Check that the output directory is writable.", e);
                    }
                }
                b = box;
            }
        }
        return b;
    }

    /** @return the download link signer, when {@link Builder#downloadLinks} configured one */
    public Optional<DownloadLinks> downloadLinks() {
        return Optional.ofNullable(links);
    }

    /** @return a builder; see its documentation for the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A service with the configuration of the process environment ({@link ExportConfig#fromEnvironment()})
     * and discovered providers only.
     *
     * @return the service
     */
    public static ExportService create() {
        return builder().config(ExportConfig.fromEnvironment()).build();
    }

    /**
     * Validates the request and queues it.
     *
     * @param request what to export
     * @return the job, PENDING
     * @throws org.smsexport.InvalidRequestException for an unknown type, filter, option or sort column, or a bad value
     * @throws org.smsexport.UnsupportedFormatException when no exporter serves the format
     * @throws org.smsexport.StorageException when the output directory is missing or not writable
     * @throws org.smsexport.QueueFullException when the queue is full
     */
    public ExportJob submit(ExportRequest request) {
        return engine.submit(Objects.requireNonNull(request, "request"));
    }

    /**
     * Queues a new job with the same request as an earlier one — type, format, filters, options, locale, owner — as it
     * was stored (an export's password never is).
     *
     * @param id the earlier job
     * @return the new job, PENDING
     * @throws org.smsexport.JobNotFoundException when there is no such job
     * @throws org.smsexport.JobStateException when the earlier export had a password
     */
    /**
     * @param id a job
     * @return the request it was made with (its filters, options, locale and zone), or empty when it was not stored (an
     *         export with a password: the password never is)
     * @throws org.smsexport.JobNotFoundException when there is no such job
     */
    public java.util.Optional<ExportRequest> request(JobId id) {
        return engine.request(Objects.requireNonNull(id, "id"));
    }

    /**
     * Runs a job's request again as a new job, as it was stored (an export's password never is).
     *
     * @param id the earlier job
     * @return the new job, PENDING
     * @throws org.smsexport.JobNotFoundException when there is no such job
     * @throws org.smsexport.JobStateException when the earlier export had a password
     */
    public ExportJob rerun(JobId id) {
        return engine.rerun(Objects.requireNonNull(id, "id"), null);
    }

    /**
     * {@link #rerun(JobId)} for a client at an address, which the audit trail records.
     *
     * @param id            the earlier job
     * @param clientAddress where the asking client is
     * @return the new job, PENDING
     */
    public ExportJob rerun(JobId id, String clientAddress) {
        return engine.rerun(Objects.requireNonNull(id, "id"), Objects.requireNonNull(clientAddress, "clientAddress"));
    }

    /**
     * Checks a request as {@link #submit} does — type, format, filters, options, locale, notification address,
     * sort — without creating a job or touching the data. The output directory is not required (a process that
     * only stores schedules may have none); {@link #submit} checks it.
     *
     * @param request what to export
     * @throws org.smsexport.ExportException as {@link #submit} does for a bad request
     */
    public void validate(ExportRequest request) {
        engine.validate(Objects.requireNonNull(request, "request"));
    }

    /**
     * Validates the request and runs it in the calling thread.
     *
     * @param request what to export
     * @return how it ended: completed (with the file), failed (with the reason) or cancelled
     * @throws org.smsexport.ExportException for a bad request, as {@link #submit} does; failures while
     *         running are returned as {@link ExportOutcome.Failed}, never thrown
     */
    public ExportOutcome run(ExportRequest request) {
        return engine.run(Objects.requireNonNull(request, "request"));
    }

    /**
     * @param id a job id
     * @return a future of the job's outcome (already complete for a finished job)
     * @throws org.smsexport.JobNotFoundException when there is no such job
     */
    public CompletableFuture<ExportOutcome> completion(JobId id) {
        return engine.completion(id);
    }

    /**
     * @param id a job id
     * @return the job, with live progress when it runs in this process
     */
    public Optional<ExportJob> job(JobId id) {
        return engine.job(id);
    }

    /**
     * @param filter criteria and page ({@link JobFilter#all()} for the newest 100)
     * @return matching jobs, newest first
     */
    public List<ExportJob> jobs(JobFilter filter) {
        return engine.jobs(filter);
    }

    /**
     * @param filter criteria (paging ignored)
     * @return how many jobs match
     */
    public long countJobs(JobFilter filter) {
        return engine.count(filter);
    }

    /**
     * Cancels a job: a pending one at once, a running one within a row of the data source (its temporary file
     * is deleted and it ends CANCELLED).
     *
     * @param id a job id
     * @return {@code true} when the job was pending or running, {@code false} when it had already finished
     * @throws org.smsexport.JobNotFoundException when there is no such job
     */
    public boolean cancel(JobId id) {
        return engine.cancel(id);
    }

    /**
     * {@link #cancel(JobId)}, recording in the audit trail who asked.
     *
     * @param id    a job id
     * @param actor who asks
     * @return {@code true} when the job was pending or running
     */
    public boolean cancel(JobId id, String actor) {
        return engine.cancel(id, actor);
    }

    /**
     * Deletes a finished job and its file, or cancels a pending or running one.
     *
     * @param id a job id
     * @return {@code true} when deleted, {@code false} when cancelled instead
     * @throws org.smsexport.JobNotFoundException when there is no such job
     */
    public boolean delete(JobId id) {
        return engine.delete(id);
    }

    /**
     * {@link #delete(JobId)}, recording in the audit trail who asked.
     *
     * @param id    a job id
     * @param actor who asks
     * @return {@code true} when deleted, {@code false} when cancelled instead
     */
    public boolean delete(JobId id, String actor) {
        return engine.delete(id, actor);
    }

    /** @return the nodes sharing this service's job store (this one too), as each last reported, by name */
    public List<org.smsexport.ExportNode> nodes() {
        return engine.nodes();
    }

    /** @return the audit trail: every job event, hash-chained ({@link Builder#auditSink}) */
    public ExportAudit audit() {
        return audit;
    }

    /**
     * @param id a completed job
     * @return a stream of its file; the caller closes it
     * @throws org.smsexport.JobStateException when the job has not completed
     * @throws org.smsexport.StorageException when the file is gone
     */
    public InputStream open(JobId id) {
        return engine.open(id);
    }

    /**
     * @param id a completed job
     * @return its file's name, size and content, wherever it is stored; the caller closes it
     * @throws org.smsexport.JobStateException when the job has not completed
     * @throws org.smsexport.StorageException when the file is gone or the storage cannot be read
     */
    public org.smsexport.StoredContent content(JobId id) {
        return engine.content(id);
    }

    /**
     * The URL a download link redirects to when the storage signs its own (an S3 presigned GET with
     * {@code EXPORT_S3_DOWNLOAD=redirect}); empty when the file is to be streamed through this node.
     *
     * @param id      a completed job
     * @param expires when the URL must stop working (the download link's own expiry)
     * @return the URL, when there is one
     * @throws org.smsexport.JobStateException when the job has not completed
     */
    public Optional<java.net.URI> downloadUrl(JobId id, java.time.Instant expires) {
        return engine.downloadUrl(id, expires);
    }

    /**
     * @param id a completed job
     * @return the path of its file on this machine's disk
     * @throws org.smsexport.JobStateException when the job has not completed
     * @throws org.smsexport.StorageException when the file is gone, or kept in a storage other than the local
     *         directory (read it with {@link #open} or {@link #content})
     */
    public Path file(JobId id) {
        return engine.file(id);
    }

    /** @return where finished files are published: the output directory unless {@code EXPORT_STORAGE} says otherwise */
    public org.smsexport.spi.ExportStorage storage() {
        return engine.storage();
    }

    /** @return the formats available, sorted by id */
    public List<ExportFormat> formats() {
        return engine.registry().exporters().values().stream().map(Exporter::format).collect(Collectors.toUnmodifiableList());
    }

    /**
     * @param format a format id
     * @return the options its exporter takes, sorted
     * @throws org.smsexport.UnsupportedFormatException when no exporter writes it
     */
    public java.util.SortedSet<String> options(String format) {
        return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(engine.registry().exporter(format).options()));
    }

    /**
     * @param format a format id
     * @return what each option of its exporter is (kind, choices, default, labels), in the order a form offers them
     * @throws org.smsexport.UnsupportedFormatException when no exporter writes it
     */
    public List<org.smsexport.spi.OptionSpec> optionSpecs(String format) {
        return List.copyOf(org.smsexport.spi.OptionSpec.describe(engine.registry().exporter(format)));
    }

    /**
     * Where the next delta export of a type may start so that it misses no change committed after now: the data source's
     * {@link org.smsexport.spi.DataSource#changesWatermark own clock}, less what a change not yet committed can predate it
     * by. A delta schedule takes it before each run, and asks the next run for the changes since it, less an overlap.
     *
     * @param type an export type
     * @return the instant; empty when the source keeps no clock of its own (the caller then uses its own)
     * @throws org.smsexport.InvalidRequestException for a type no source serves
     */
    public Optional<java.time.Instant> changesWatermark(String type) {
        ExportType t = engine.registry().type(Objects.requireNonNull(type, "type"));
        return engine.registry().source(t).changesWatermark(t);
    }

    /** @return the export types the data sources serve, sorted by name */
    public List<ExportType> types() {
        return List.copyOf(engine.registry().types());
    }

    /** @return retention: delete or archive old exports */
    public ExportMaintenance maintenance() {
        return maintenance;
    }

    /**
     * @return statistics over the JSONL metrics file
     * @throws org.smsexport.JobStateException when the metrics file is switched off
     */
    public PerformanceMonitor performance() {
        Path file = engine.config().metricsFile().orElseThrow(() -> new org.smsexport.JobStateException(
                "The metrics file is switched off (EXPORT_METRICS_FILE is empty); there is nothing to summarise."));
        // a host's own exports (startTracking/endTracking) reach the same sinks as ours
        return new PerformanceMonitor(file, engine.clock(), engine::record);
    }

    /** @return the settings in force */
    public ExportConfig config() {
        return engine.config();
    }

    /** @return how many notifier calls threw (each logged at WARN) */
    public long failedNotifications() {
        return engine.notifierFailures();
    }

    /** @return how many metrics sink calls threw (each logged at WARN) */
    public long failedMetricsRecords() {
        return engine.sinkFailures();
    }

    /**
     * Stops accepting jobs, cancels queued ones, waits up to the shutdown timeout (30 s by default) for
     * running ones and then cancels them, stops the service's threads and closes notifiers and sinks.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Builds an {@link ExportService}. Defaults are those of {@link ExportConfig#defaults()} (output
     * directory {@code data/exports}, created when missing; at most 100,000 records, failing above; 2
     * workers; queue of 100; 1 h timeout; fsync on; discovery on; metrics to
     * {@code data/exports/metrics.jsonl}), an {@link InMemoryJobStore}, the system UTC clock, a pool of our
     * own threads, a 30 s shutdown wait. Explicitly registered providers win over discovered ones. Not
     * thread-safe.
     */
    public static final class Builder {
        private ExportConfig.Builder config = ExportConfig.builder();
        /** The setters' values, applied over {@link #config} at build time: they win whatever the order of the calls. */
        private final List<java.util.function.Consumer<ExportConfig.Builder>> overrides = new ArrayList<>();
        private final List<DataSource> dataSources = new ArrayList<>();
        private final List<Exporter> exporters = new ArrayList<>();
        private final List<Notifier> notifiers = new ArrayList<>();
        private final List<MetricsSink> sinks = new ArrayList<>();
        private JobStore jobStore;
        private org.smsexport.spi.JobQueue jobQueue;
        private org.smsexport.spi.NodeRegistry nodeRegistry;
        private javax.sql.DataSource sharedDatabase;
        private org.smsexport.spi.TemplateStore templateStore;
        private org.smsexport.spi.AuditSink auditSink;
        private org.smsexport.spi.ExportStorage storage;
        /** What a storage provider reads its own settings from: the map given to config(Map), else the environment. */
        private Map<String, String> settings = System.getenv();
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private ClassLoader classLoader;
        private Duration shutdownTimeout = Duration.ofSeconds(DEFAULT_SHUTDOWN_TIMEOUT_SECONDS);
        private boolean createOutputDirectory = true;
        private io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry.NOOP;
        private io.micrometer.tracing.Tracer tracer;
        private DownloadLinks downloadLinks;
        private DownloadLinks.Url linkUrl;

        private Builder() {
        }

        /**
         * @param value settings to start from; setters called on this builder override them
         * @return this builder
         */
        public Builder config(ExportConfig value) {
            this.config = Objects.requireNonNull(value, "config").toBuilder();
            return this;
        }

        /**
         * @param values settings by the keys {@link ExportConfig} lists (e.g. {@code EXPORT_MAX_RECORDS})
         * @return this builder
         * @throws org.smsexport.InvalidRequestException listing every bad value
         */
        public Builder config(Map<String, String> values) {
            return settings(values).config(ExportConfig.from(values));
        }

        /**
         * @param values where a storage provider reads its own settings ({@code EXPORT_S3_*}) and the download links
         *               theirs ({@code EXPORT_LINK_SECRET}, {@code EXPORT_LINK_EXPIRES_DAYS}); default the environment,
         *               and {@link #config(Map)} sets them too. For a host that passes its {@link ExportConfig} itself.
         * @return this builder
         */
        public Builder settings(Map<String, String> values) {
            this.settings = Map.copyOf(values);
            return this;
        }

        /**
         * @param value where finished files are published; default: the {@code EXPORT_STORAGE} setting, which is the
         *              output directory ({@link LocalStorage}) unless it names a discovered
         *              {@link org.smsexport.spi.StorageProvider} such as {@code s3}. The service closes it.
         * @return this builder
         */
        public Builder storage(org.smsexport.spi.ExportStorage value) {
            this.storage = Objects.requireNonNull(value, "storage");
            return this;
        }

        /**
         * @param value where files are published; default {@code data/exports}
         * @return this builder
         */
        public Builder outputDirectory(Path value) {
            overrides.add(c -> c.outputDirectory(value));
            return this;
        }

        /**
         * @param value most records one export may hold, 0 for no limit; default 100,000
         * @return this builder
         */
        public Builder maxRecords(long value) {
            overrides.add(c -> c.maxRecords(value));
            return this;
        }

        /**
         * @param value what happens above the maximum; default {@link OverLimitPolicy#FAIL}
         * @return this builder
         */
        public Builder overLimit(OverLimitPolicy value) {
            overrides.add(c -> c.overLimit(value));
            return this;
        }

        /**
         * @param value exports running at once (ignored with a host executor); default 2
         * @return this builder
         */
        public Builder workers(int value) {
            overrides.add(c -> c.workers(value));
            return this;
        }

        /**
         * @param value jobs waiting for a worker before submit is refused; default 100
         * @return this builder
         */
        public Builder queueCapacity(int value) {
            overrides.add(c -> c.queueCapacity(value));
            return this;
        }

        /**
         * @param value how long one export may run; default 1 hour
         * @return this builder
         */
        public Builder jobTimeout(Duration value) {
            overrides.add(c -> c.jobTimeout(value));
            return this;
        }

        /**
         * @param value whether to force files to disk before publishing; default {@code true}
         * @return this builder
         */
        public Builder fsync(boolean value) {
            overrides.add(c -> c.fsync(value));
            return this;
        }

        /**
         * @param value whether to discover providers with {@code ServiceLoader}; default {@code true}
         * @return this builder
         */
        public Builder discovery(boolean value) {
            overrides.add(c -> c.discovery(value));
            return this;
        }

        /**
         * @param value the JSONL metrics file; default {@code <output>/metrics.jsonl}
         * @return this builder
         */
        public Builder metricsFile(Path value) {
            Objects.requireNonNull(value, "metricsFile (noMetricsFile() for none)");
            overrides.add(c -> c.metricsFile(value));
            return this;
        }

        /**
         * Makes each export an {@code Observation} in the host's registry: {@code sms.export}, low-cardinality keys
         * {@code type}, {@code format} and {@code outcome} (timers and, with a tracing handler, a span per export).
         * None by default.
         *
         * @param value the host's registry
         * @return this builder
         */
        public Builder observationRegistry(io.micrometer.observation.ObservationRegistry value) {
            this.observations = Objects.requireNonNull(value, "observationRegistry");
            return this;
        }

        /**
         * Keeps the trace a job is submitted in with the job (a W3C {@code traceparent}, the job's {@code trace_id}) and
         * makes its export's span a child of it on whichever node runs it. Needs {@code micrometer-tracing} (with a bridge,
         * e.g. OpenTelemetry's) and an {@link #observationRegistry} whose handlers make spans.
         *
         * @param value the host's tracer
         * @return this builder
         */
        @SuppressWarnings("exports") // micrometer-tracing is optional: a host that calls this has it
        public Builder tracer(io.micrometer.tracing.Tracer value) {
            this.tracer = Objects.requireNonNull(value, "tracer");
            return this;
        }

        private static org.smsexport.core.internal.JobTracing.Propagation propagation(io.micrometer.tracing.Tracer tracer) {
            return new org.smsexport.core.internal.JobTracing.Propagation() {
                @Override
                public String current() {
                    return TraceParents.current(tracer);
                }

                @Override
                public Runnable restore(String traceParent) {
                    return TraceParents.continueTrace(tracer, traceParent);
                }
            };
        }

        /** @return this builder, writing no metrics file */
        public Builder noMetricsFile() {
            overrides.add(ExportConfig.Builder::noMetricsFile);
            return this;
        }

        /**
         * @param value how stale an unfinished job's heartbeat must be before it is recovered as FAILED; default 0
         *              (every unfinished job of another process, right at start). Raise it when several processes
         *              share a persistent job store.
         * @return this builder
         */
        public Builder recoveryGrace(Duration value) {
            overrides.add(c -> c.recoveryGrace(value));
            return this;
        }

        /**
         * @param value this node's name in the shared queue ({@code EXPORT_NODE_NAME}); host and pid by default
         * @return this builder
         */
        public Builder nodeName(String value) {
            overrides.add(c -> c.nodeName(value));
            return this;
        }

        /**
         * @param value how often a node with free workers looks for queued jobs ({@code EXPORT_QUEUE_POLL_MS}); 500 ms
         * @return this builder
         */
        public Builder queuePoll(Duration value) {
            overrides.add(c -> c.queuePoll(value));
            return this;
        }

        /**
         * @param value how often a job is started at most ({@code EXPORT_MAX_ATTEMPTS}); 2
         * @return this builder
         */
        public Builder maxAttempts(int value) {
            overrides.add(c -> c.maxAttempts(value));
            return this;
        }

        /**
         * @param value where the audit trail is kept ({@code JdbcAuditSink}: the table {@code export_audit}); by default
         *              {@code audit.jsonl} beside the metrics file
         * @return this builder
         */
        public Builder auditSink(org.smsexport.spi.AuditSink value) {
            this.auditSink = value;
            return this;
        }

        /**
         * @param value where export templates are kept; in memory by default ({@code JdbcTemplateStore} in a database)
         * @return this builder
         */
        public Builder templateStore(org.smsexport.spi.TemplateStore value) {
            this.templateStore = Objects.requireNonNull(value, "templateStore");
            return this;
        }

        /**
         * @param value a data source; the first registered source serving a type serves it
         * @return this builder
         */
        public Builder dataSource(DataSource value) {
            dataSources.add(Objects.requireNonNull(value, "dataSource"));
            return this;
        }

        /**
         * @param value an exporter; wins over a discovered one of the same format
         * @return this builder
         */
        public Builder exporter(Exporter value) {
            exporters.add(Objects.requireNonNull(value, "exporter"));
            return this;
        }

        /**
         * @param value a notifier, in addition to discovered ones
         * @return this builder
         */
        public Builder notifier(Notifier value) {
            notifiers.add(Objects.requireNonNull(value, "notifier"));
            return this;
        }

        /**
         * @param value a metrics sink, in addition to the JSONL file and discovered ones
         * @return this builder
         */
        public Builder metricsSink(MetricsSink value) {
            sinks.add(Objects.requireNonNull(value, "metricsSink"));
            return this;
        }

        /**
         * @param value where job records live; default a new {@link InMemoryJobStore}. A store that is also a
         *              {@link org.smsexport.spi.JobQueue} or a {@link org.smsexport.spi.NodeRegistry} (both built-in
         *              stores are) serves as them too, unless {@link #jobQueue} or {@link #nodeRegistry} name others.
         * @return this builder
         */
        public Builder jobStore(JobStore value) {
            this.jobStore = value;
            return this;
        }

        /**
         * @param value the queue nodes claim jobs from, whose clock judges leases; default the job store when it is one,
         *              otherwise guarded updates of the store judged by this process's clock (right for one process)
         * @return this builder
         */
        public Builder jobQueue(org.smsexport.spi.JobQueue value) {
            this.jobQueue = value;
            return this;
        }

        /**
         * @param value where nodes report their heartbeats ({@link ExportService#nodes()}); default the job store when
         *              it is one, otherwise this process's own list
         * @return this builder
         */
        public Builder nodeRegistry(org.smsexport.spi.NodeRegistry value) {
            this.nodeRegistry = value;
            return this;
        }

        /**
         * @param value the database the nodes share (the job store's): parts every node must see keep their tables there
         *              (the mail outbox, {@code export_mail_outbox}); default none (a mail outbox file per node)
         * @return this builder
         */
        public Builder sharedDatabase(javax.sql.DataSource value) {
            this.sharedDatabase = value;
            return this;
        }

        /**
         * @param value the clock for job times; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * @param value the host's executor to run exports on, instead of our own pool; the host bounds it
         * @return this builder
         */
        public Builder executor(Executor value) {
            this.executor = value;
            return this;
        }

        /**
         * @param value the class loader providers are discovered with; default the thread context loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader value) {
            this.classLoader = value;
            return this;
        }

        /**
         * @param value how long {@link ExportService#close()} waits for running exports; default
         *              {@value ExportService#DEFAULT_SHUTDOWN_TIMEOUT_SECONDS} s
         * @return this builder
         */
        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        /**
         * @param value how often running jobs renew their lease and the node reports itself
         *              ({@code EXPORT_HEARTBEAT_SECONDS}); default a third of the recovery grace, at most 10 s
         * @return this builder
         */
        public Builder heartbeatInterval(Duration value) {
            overrides.add(c -> c.heartbeat(value));
            return this;
        }

        /**
         * Puts signed, expiring download links on the CLI server's route
         * ({@code <url>/api/v1/export-jobs/{id}/download?token=…}, {@link DownloadLinks#DEFAULT_PATH}) into the
         * notifications of completed jobs, signed with {@code EXPORT_LINK_SECRET} (else a secret kept in
         * {@code <output>/.link-secret}) and valid {@code EXPORT_LINK_EXPIRES_DAYS}.
         *
         * @param baseUrl the server's public base URL, e.g. {@code https://sms.example}
         * @return this builder
         */
        public Builder downloadLinks(String baseUrl) {
            return downloadLinks(DownloadLinks.at(Objects.requireNonNull(baseUrl, "baseUrl")));
        }

        /**
         * {@link #downloadLinks(String)} with a signer of the host's.
         *
         * @param baseUrl the server's public base URL, e.g. {@code https://sms.example}
         * @param links   the signer
         * @return this builder
         */
        public Builder downloadLinks(String baseUrl, DownloadLinks links) {
            return downloadLinks(Objects.requireNonNull(links, "links (downloadLinks(baseUrl) for the configured ones)"),
                    DownloadLinks.at(Objects.requireNonNull(baseUrl, "baseUrl")));
        }

        /**
         * Puts signed, expiring download links into the notifications of completed jobs, made by the host's own
         * route: {@code DownloadLinks.template("https://sms.example/exports/{id}/file?t={token}")} or any function.
         * The host's handler checks the token with {@link DownloadLinks#verify}. Signed as {@link #downloadLinks(String)}
         * says.
         *
         * @param url how a job and its token become a link
         * @return this builder
         */
        public Builder downloadLinks(DownloadLinks.Url url) {
            this.linkUrl = Objects.requireNonNull(url, "url");
            this.downloadLinks = null;
            return this;
        }

        /**
         * {@link #downloadLinks(DownloadLinks.Url)} with a signer of the host's.
         *
         * @param links the signer
         * @param url   how a job and its token become a link
         * @return this builder
         */
        public Builder downloadLinks(DownloadLinks links, DownloadLinks.Url url) {
            this.linkUrl = Objects.requireNonNull(url, "url");
            this.downloadLinks = Objects.requireNonNull(links, "links (downloadLinks(url) for the configured ones)");
            return this;
        }

        /**
         * @param value whether to create the output directory when missing; default {@code true}
         * @return this builder
         */
        public Builder createOutputDirectory(boolean value) {
            this.createOutputDirectory = value;
            return this;
        }

        /**
         * Validates every setting (all problems in one message), resolves providers, recovers interrupted
         * jobs and starts the service.
         *
         * @return the running service
         * @throws org.smsexport.InvalidRequestException listing every bad setting
         * @throws org.smsexport.ProviderException when discovery finds a broken provider or two exporters for one format
         * @throws org.smsexport.StorageException when the output directory cannot be created
         */
        public ExportService build() {
            overrides.forEach(o -> o.accept(config));
            ExportConfig effective = config.build();
            List<String> problems = new ArrayList<>();
            if (clock == null) {
                problems.add("clock must not be null");
            }
            if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
                problems.add("shutdown timeout must be 0 or more");
            }
            if (!problems.isEmpty()) {
                throw new org.smsexport.InvalidRequestException("Invalid ExportService settings: " + String.join("; ", problems) + ".");
            }
            List<MetricsSink> allSinks = new ArrayList<>();
            effective.metricsFile().ifPresent(f -> allSinks.add(new JsonlMetricsSink(f, effective.metricsMaxBytes(),
                    effective.metricsKeep())));
            allSinks.addAll(sinks);
            Registry registry = Registry.resolve(exporters, dataSources, notifiers, allSinks, effective.discovery(), classLoader)
                    .offering(effective.formats());
            JobStore store = jobStore != null ? jobStore : new InMemoryJobStore(clock);
            org.smsexport.spi.JobQueue queue = jobQueue != null ? jobQueue
                    : store instanceof org.smsexport.spi.JobQueue q ? q : new org.smsexport.core.internal.StoreQueue(store, clock);
            org.smsexport.spi.NodeRegistry nodes = nodeRegistry != null ? nodeRegistry
                    : store instanceof org.smsexport.spi.NodeRegistry r ? r : new org.smsexport.core.internal.LocalNodes(clock);
            org.smsexport.spi.AuditSink sink = auditSink != null ? auditSink : new JsonlAuditSink(
                    effective.metricsFile().orElse(effective.outputDirectory().resolve(ExportConfig.DEFAULT_METRICS_FILE_NAME))
                            .resolveSibling("audit.jsonl"));
            // the trail's head and the retention's cut anchored beside the exports, where the database's rows are not
            ExportAudit audit = new ExportAudit(sink, clock, effective.outputDirectory());
            try {
                audit.applyRetention(effective.auditRetentionDays());
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ExportService.class).warn("The audit retention could not be applied: {}", e.toString());
            }
            org.smsexport.spi.ExportStorage files = storage != null ? storage : LocalStorage.configured(effective, settings, classLoader);
            JobEngine engine = new JobEngine(registry, store, queue, nodes, Optional.ofNullable(sharedDatabase), effective, clock, executor, effective.heartbeat(), shutdownTimeout,
                    createOutputDirectory, audit, files, new org.smsexport.core.internal.JobTracing(observations,
                            tracer == null ? null : propagation(tracer)));
            DownloadLinks links = null;
            if (linkUrl != null) {
                try {
                    links = downloadLinks != null ? downloadLinks : DownloadLinks.configured(settings, effective.outputDirectory(), clock);
                } catch (java.io.UncheckedIOException e) {
                    // the engine's threads are running already: stop them, and fail as the Javadoc says
                    engine.close();
                    throw new org.smsexport.StorageException(e.getMessage() + ": " + e.getCause().getMessage()
                            + ". Check that the output directory is writable.", e);
                } catch (RuntimeException e) {
                    engine.close();
                    throw e;
                }
                engine.links(links, linkUrl);
            }
            Map<String, String> secretSettings = settings;
            Path outputDirectory = effective.outputDirectory();
            return new ExportService(engine, new ExportMaintenance(store, effective, clock, audit, files), links,
                    templateStore != null ? templateStore : new InMemoryTemplateStore(), audit,
                    () -> SecretBox.configured(secretSettings, outputDirectory));
        }


    }

    @Override
    public String toString() {
        Collection<String> formats = engine.registry().exporters().keySet();
        return "ExportService[formats=" + formats + ", output=" + engine.config().outputDirectory() + "]";
    }
}
