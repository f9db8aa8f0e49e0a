package org.smsexport.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.InvalidRequestException;

/**
 * The service's settings, readable from a {@code Map}, {@code Properties} or the environment with the
 * original system's variable names. Every key is optional; the defaults are:
 *
 * <table>
 * <caption>Configuration keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code EXPORT_OUTPUT_DIR}</td><td>{@code data/exports}</td><td>where files are published</td></tr>
 * <tr><td>{@code EXPORT_MAX_RECORDS}</td><td>{@value #DEFAULT_MAX_RECORDS}</td><td>most records one export may hold; 0 = no limit</td></tr>
 * <tr><td>{@code EXPORT_OVER_LIMIT}</td><td>{@code fail}</td><td>{@code fail} or {@code truncate} (with a warning) above the maximum</td></tr>
 * <tr><td>{@code EXPORT_WORKERS}</td><td>{@value #DEFAULT_WORKERS}</td><td>exports running at once</td></tr>
 * <tr><td>{@code EXPORT_QUEUE_CAPACITY}</td><td>{@value #DEFAULT_QUEUE_CAPACITY}</td><td>jobs waiting for a worker before submit is refused</td></tr>
 * <tr><td>{@code EXPORT_JOB_TIMEOUT_SECONDS}</td><td>{@code 3600}</td><td>a running export older than this fails</td></tr>
 * <tr><td>{@code EXPORT_FSYNC}</td><td>{@code true}</td><td>force files to disk before publishing them</td></tr>
 * <tr><td>{@code EXPORT_DISCOVERY}</td><td>{@code true}</td><td>find providers with {@code ServiceLoader}</td></tr>
 * <tr><td>{@code EXPORT_METRICS_FILE}</td><td>{@code data/exports/metrics.jsonl}</td><td>JSONL metrics; empty disables</td></tr>
 * <tr><td>{@code EXPORT_METRICS_MAX_MB}</td><td>{@code 0}</td><td>rotate the metrics file at this size; 0 never rotates</td></tr>
 * <tr><td>{@code EXPORT_METRICS_KEEP}</td><td>{@value #DEFAULT_METRICS_KEEP}</td><td>rotated metrics files kept</td></tr>
 * <tr><td>{@code EXPORT_RECOVERY_GRACE_SECONDS}</td><td>{@code 0}</td><td>how long a silent node keeps its jobs: a job whose
 * lease was not renewed for this long (by the job queue's clock) is taken back; raise it when several processes share a
 * job store</td></tr>
 * <tr><td>{@code EXPORT_HEARTBEAT_SECONDS}</td><td>a third of the grace, at most 10</td><td>how often a node renews the
 * leases of its running jobs and reports itself; shorter than the grace</td></tr>
 * <tr><td>{@code EXPORT_RETENTION_DAYS}</td><td>{@value #DEFAULT_RETENTION_DAYS}</td><td>age after which maintenance removes exports</td></tr>
 * <tr><td>{@code EXPORT_ARCHIVE_PATH}</td><td>{@code data/exports/archive}</td><td>where maintenance archives exports</td></tr>
 * <tr><td>{@code EXPORT_CLEANUP_SCHEDULE}</td><td>{@value #DEFAULT_CLEANUP_SCHEDULE}</td><td>{@code hourly}, {@code daily} or {@code weekly}</td></tr>
 * <tr><td>{@code EXPORT_REQUIRE_ENCRYPTION}</td><td>{@code false}</td><td>refuse every export without a {@code password}</td></tr>
 * <tr><td>{@code EXPORT_FORMATS}</td><td>every format found</td><td>the formats offered, e.g. {@code xlsx,csv}; others are refused</td></tr>
 * <tr><td>{@code EXPORT_NODE_NAME}</td><td>host and pid</td><td>this node's name in the shared queue (jobs' {@code node})</td></tr>
 * <tr><td>{@code EXPORT_QUEUE_POLL_MS}</td><td>{@value #DEFAULT_QUEUE_POLL_MS}</td><td>how often a node with free workers looks for queued jobs</td></tr>
 * <tr><td>{@code EXPORT_MAX_ATTEMPTS}</td><td>{@value #DEFAULT_MAX_ATTEMPTS}</td><td>how often a job is started before one taken back from a stopped
 * node fails</td></tr>
 * <tr><td>{@code EXPORT_STORAGE}</td><td>{@code local}</td><td>where finished files live: {@code local} (the output
 * directory, which several nodes may share) or {@code s3} (with {@code sms-export-s3}, configured by its
 * {@code EXPORT_S3_*} settings)</td></tr>
 * <tr><td>{@code EXPORT_TABLE_PREFIX}</td><td>{@value org.smsexport.support.OwnTables#DEFAULT_PREFIX}</td><td>the prefix of every
 * table the library creates in a database (jobs, nodes, templates, audit, mail outbox, schedules, their run ledger and
 * db-scheduler's table); a table of such a name that is
 * not the library's is never altered</td></tr>
 * <tr><td>{@code EXPORT_TIME_ZONE}</td><td>the JVM's zone</td><td>the zone of the dates and times in files, titles and mail
 * when an export (or its template) names none, e.g. {@code Europe/Athens}</td></tr>
 * <tr><td>{@code EXPORT_AUDIT_RETENTION_DAYS}</td><td>{@code 0}</td><td>audit records older than this are removed when the
 * service starts; 0 keeps them for ever</td></tr>
 * </table>
 *
 * @param outputDirectory  where files are published
 * @param maxRecords       most records per export, 0 for no limit
 * @param overLimit        what happens above {@code maxRecords}
 * @param workers          exports running at once
 * @param queueCapacity    jobs waiting for a worker
 * @param jobTimeout       how long an export may run
 * @param fsync            whether files are forced to disk before publishing
 * @param discovery        whether providers are discovered with {@code ServiceLoader}
 * @param metricsFile      the JSONL metrics file, when enabled
 * @param metricsMaxBytes  rotate the metrics file at this size, 0 never
 * @param metricsKeep      rotated metrics files kept
 * @param recoveryGrace    how stale an unfinished job's heartbeat must be before recovery fails it
 * @param retentionDays    age in days after which maintenance removes exports
 * @param archivePath      where maintenance archives exports
 * @param cleanupSchedule  how often maintenance runs
 * @param formats          the formats offered, empty for every one found
 * @param requireEncryption whether every export must have a {@code password} option
 * @param auditRetentionDays age in days after which audit records are removed; 0 for never
 * @param nodeName         this node's name in the shared queue
 * @param queuePoll        how often a node with free workers looks for queued jobs
 * @param maxAttempts      how often a job is started at most (a job taken back from a stopped node starts again)
 * @param storage          where finished files are published: {@code local} (the output directory) or a
 *                         {@link org.smsexport.spi.StorageProvider}'s name, e.g. {@code s3}
 * @param heartbeat        how often running jobs' leases are renewed and the node reports itself
 * @param tablePrefix      the prefix of every table the library creates in a database
 * @param timeZone         the zone dates and times are written in when a request (or its template) names none
 */
public record ExportConfig(Path outputDirectory, long maxRecords, OverLimitPolicy overLimit, int workers, int queueCapacity,
        Duration jobTimeout, boolean fsync, boolean discovery, Optional<Path> metricsFile, long metricsMaxBytes, int metricsKeep,
        Duration recoveryGrace,
        int retentionDays, Path archivePath, String cleanupSchedule, Set<String> formats,
        boolean requireEncryption, int auditRetentionDays, String nodeName, Duration queuePoll, int maxAttempts,
        String storage, Duration heartbeat, String tablePrefix, java.time.ZoneId timeZone) {

    private static final Logger LOG = LoggerFactory.getLogger(ExportConfig.class);

    /** The keys this record reads. */
    public static final Set<String> KEYS = Set.of("EXPORT_OUTPUT_DIR", "EXPORT_MAX_RECORDS", "EXPORT_OVER_LIMIT",
            "EXPORT_WORKERS", "EXPORT_QUEUE_CAPACITY", "EXPORT_JOB_TIMEOUT_SECONDS", "EXPORT_FSYNC", "EXPORT_DISCOVERY",
            "EXPORT_METRICS_FILE", "EXPORT_METRICS_MAX_MB", "EXPORT_METRICS_KEEP", "EXPORT_RECOVERY_GRACE_SECONDS", "EXPORT_RETENTION_DAYS", "EXPORT_ARCHIVE_PATH",
            "EXPORT_CLEANUP_SCHEDULE", "EXPORT_FORMATS", "EXPORT_REQUIRE_ENCRYPTION", "EXPORT_AUDIT_RETENTION_DAYS",
            "EXPORT_NODE_NAME", "EXPORT_QUEUE_POLL_MS", "EXPORT_MAX_ATTEMPTS", "EXPORT_STORAGE", "EXPORT_HEARTBEAT_SECONDS", "EXPORT_TABLE_PREFIX",
            "EXPORT_TIME_ZONE");

    /** {@code EXPORT_STORAGE}: finished files stay in the output directory. */
    public static final String LOCAL_STORAGE = "local";

    /** {@code EXPORT_OUTPUT_DIR}: where files are published. */
    public static final Path DEFAULT_OUTPUT_DIRECTORY = Path.of("data/exports");
    /** {@code EXPORT_MAX_RECORDS}: most records one export may hold (0 = no limit). */
    public static final long DEFAULT_MAX_RECORDS = 100_000;
    /** {@code EXPORT_OVER_LIMIT}: what happens above the maximum. */
    public static final OverLimitPolicy DEFAULT_OVER_LIMIT = OverLimitPolicy.FAIL;
    /** {@code EXPORT_WORKERS}: exports running at once. */
    public static final int DEFAULT_WORKERS = 2;
    /** {@code EXPORT_QUEUE_CAPACITY}: jobs waiting for a worker before submit is refused. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    /** {@code EXPORT_JOB_TIMEOUT_SECONDS}: how long one export may run. */
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(1);
    /** {@code EXPORT_METRICS_FILE}: the metrics file's name, in the output directory unless set. */
    public static final String DEFAULT_METRICS_FILE_NAME = "metrics.jsonl";
    /** {@code EXPORT_METRICS_KEEP}: rotated metrics files kept. */
    public static final int DEFAULT_METRICS_KEEP = 5;
    /**
     * The recovery grace for a job store several processes share (the CLI's commands, a Boot application's replicas):
     * a process silent this long loses its unfinished jobs. The default grace of 0 suits a store only one process uses.
     */
    public static final Duration SHARED_STORE_RECOVERY_GRACE = Duration.ofMinutes(1);
    /** {@code EXPORT_HEARTBEAT_SECONDS} without a recovery grace, and its most with one. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /** {@code EXPORT_RETENTION_DAYS}: age after which maintenance removes exports. */
    public static final int DEFAULT_RETENTION_DAYS = 30;
    /** {@code EXPORT_ARCHIVE_PATH}: where maintenance archives exports. */
    public static final Path DEFAULT_ARCHIVE_PATH = Path.of("data/exports/archive");
    /** {@code EXPORT_CLEANUP_SCHEDULE}: how often scheduled maintenance runs. */
    public static final String DEFAULT_CLEANUP_SCHEDULE = "daily";
    /** {@code EXPORT_QUEUE_POLL_MS}: how often a node with free workers looks for queued jobs, in milliseconds. */
    public static final long DEFAULT_QUEUE_POLL_MS = 500;
    /** {@code EXPORT_MAX_ATTEMPTS}: how often a job is started at most. */
    public static final int DEFAULT_MAX_ATTEMPTS = 2;

    private static final Set<String> SCHEDULES = Set.of("hourly", "daily", "weekly");

    /**
     * Checks every value and reports all problems at once.
     *
     * @throws InvalidRequestException listing each bad value with the valid range
     */
    public ExportConfig {
        List<String> problems = problems(outputDirectory, maxRecords, overLimit, workers, queueCapacity, jobTimeout, metricsFile,
                metricsMaxBytes, metricsKeep, recoveryGrace, retentionDays, archivePath, cleanupSchedule);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("Invalid sms-export configuration: " + String.join("; ", problems) + ".");
        }
        formats = formats == null ? Set.of() : Set.copyOf(new java.util.TreeSet<>(formats));
        timeZone = timeZone == null ? java.time.ZoneId.systemDefault() : timeZone;
    }

    /**
     * The settings as they were before {@code timeZone}: written in the JVM's zone.
     *
     * @param outputDirectory    where files are published
     * @param maxRecords         most records per export
     * @param overLimit          what happens above {@code maxRecords}
     * @param workers            exports running at once
     * @param queueCapacity      jobs waiting for a worker
     * @param jobTimeout         how long an export may run
     * @param fsync              whether files are forced to disk
     * @param discovery          whether providers are discovered
     * @param metricsFile        the metrics file
     * @param metricsMaxBytes    rotation size
     * @param metricsKeep        rotated files kept
     * @param recoveryGrace      the recovery grace
     * @param retentionDays      retention in days
     * @param archivePath        where exports are archived
     * @param cleanupSchedule    how often maintenance runs
     * @param formats            the formats offered
     * @param requireEncryption  whether every export must have a password
     * @param auditRetentionDays audit retention in days
     * @param nodeName           this node's name
     * @param queuePoll          the queue's poll
     * @param maxAttempts        most starts of a job
     * @param storage            where files are published
     * @param heartbeat          the lease renewal
     * @param tablePrefix        the tables' prefix
     */
    public ExportConfig(Path outputDirectory, long maxRecords, OverLimitPolicy overLimit, int workers, int queueCapacity,
            Duration jobTimeout, boolean fsync, boolean discovery, Optional<Path> metricsFile, long metricsMaxBytes, int metricsKeep,
            Duration recoveryGrace, int retentionDays, Path archivePath, String cleanupSchedule, Set<String> formats,
            boolean requireEncryption, int auditRetentionDays, String nodeName, Duration queuePoll, int maxAttempts,
            String storage, Duration heartbeat, String tablePrefix) {
        this(outputDirectory, maxRecords, overLimit, workers, queueCapacity, jobTimeout, fsync, discovery, metricsFile, metricsMaxBytes,
                metricsKeep, recoveryGrace, retentionDays, archivePath, cleanupSchedule, formats, requireEncryption, auditRetentionDays,
                nodeName, queuePoll, maxAttempts, storage, heartbeat, tablePrefix, java.time.ZoneId.systemDefault());
    }

    private static List<String> problems(Path outputDirectory, long maxRecords, OverLimitPolicy overLimit, int workers,
            int queueCapacity, Duration jobTimeout, Optional<Path> metricsFile, long metricsMaxBytes, int metricsKeep,
            Duration recoveryGrace, int retentionDays, Path archivePath, String cleanupSchedule) {
        List<String> problems = new ArrayList<>();
        if (outputDirectory == null) {
            problems.add("output directory must be set");
        }
        if (maxRecords < 0) {
            problems.add("max records must be 0 (no limit) or more, got " + maxRecords);
        }
        if (overLimit == null) {
            problems.add("over-limit policy must be set");
        }
        if (workers < 0 || workers > 256) {
            problems.add("workers must be 0..256 (0: accept and serve, run nothing), got " + workers);
        }
        if (queueCapacity < 1) {
            problems.add("queue capacity must be at least 1, got " + queueCapacity);
        }
        if (jobTimeout == null || jobTimeout.isNegative() || jobTimeout.isZero()) {
            problems.add("job timeout must be positive, got " + jobTimeout);
        }
        if (metricsFile == null) {
            problems.add("metrics file must be a path or empty");
        }
        if (metricsMaxBytes < 0 || metricsKeep < 0 || metricsKeep > 1000) {
            problems.add("metrics rotation must be 0 or more bytes and 0..1000 kept files, got " + metricsMaxBytes + " / " + metricsKeep);
        }
        if (recoveryGrace == null || recoveryGrace.isNegative()) {
            problems.add("recovery grace must be 0 or more, got " + recoveryGrace);
        }
        if (retentionDays < 1) {
            problems.add("retention days must be at least 1, got " + retentionDays);
        }
        if (archivePath == null) {
            problems.add("archive path must be set");
        }
        if (cleanupSchedule == null || !SCHEDULES.contains(cleanupSchedule)) {
            problems.add("cleanup schedule '" + cleanupSchedule + "' is not one of " + new java.util.TreeSet<>(SCHEDULES));
        }
        return problems;
    }

    /** @return the defaults listed above */
    public static ExportConfig defaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults listed above */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.outputDirectory = outputDirectory;
        b.maxRecords = maxRecords;
        b.overLimit = overLimit;
        b.workers = workers;
        b.queueCapacity = queueCapacity;
        b.jobTimeout = jobTimeout;
        b.fsync = fsync;
        b.discovery = discovery;
        // a metrics file beside the output directory keeps following it when the directory changes
        if (!metricsFile.equals(Optional.of(outputDirectory.resolve(DEFAULT_METRICS_FILE_NAME)))) {
            b.metricsFile = metricsFile;
        }
        b.metricsMaxBytes = metricsMaxBytes;
        b.metricsKeep = metricsKeep;
        b.recoveryGrace = recoveryGrace;
        b.retentionDays = retentionDays;
        b.archivePath = archivePath;
        b.cleanupSchedule = cleanupSchedule;
        b.formats = formats;
        b.requireEncryption = requireEncryption;
        b.auditRetentionDays = auditRetentionDays;
        b.nodeName = nodeName;
        b.queuePoll = queuePoll;
        b.maxAttempts = maxAttempts;
        b.storage = storage;
        b.tablePrefix = tablePrefix;
        b.timeZone = timeZone;
        // a heartbeat derived from the grace follows the grace when it changes
        if (!heartbeat.equals(defaultHeartbeat(recoveryGrace))) {
            b.heartbeat = heartbeat;
        }
        return b;
    }

    /** @return the configuration read from the process environment */
    public static ExportConfig fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * @param properties keys as listed above
     * @return the configuration
     * @throws InvalidRequestException listing every bad value
     */
    public static ExportConfig from(Properties properties) {
        Map<String, String> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return from(map);
    }

    /**
     * Reads the keys listed above; other keys are ignored, except unknown {@code EXPORT_*} keys, which are
     * logged at WARN as likely typos.
     *
     * @param values keys as listed above
     * @return the configuration
     * @throws InvalidRequestException listing every bad value, with its key
     */
    public static ExportConfig from(Map<String, String> values) {
        return builder().values(values).build();
    }

    /**
     * Builds an {@link ExportConfig}: starts from the defaults, takes keys from a map with {@link #values} and
     * single settings from its setters (the last call wins), and reports every problem at once in
     * {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private Path outputDirectory = DEFAULT_OUTPUT_DIRECTORY;
        private long maxRecords = DEFAULT_MAX_RECORDS;
        private OverLimitPolicy overLimit = DEFAULT_OVER_LIMIT;
        private int workers = DEFAULT_WORKERS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration jobTimeout = DEFAULT_JOB_TIMEOUT;
        private boolean fsync = true;
        private boolean discovery = true;
        /** {@code null}: {@code <outputDirectory>/metrics.jsonl}; empty: no metrics file. */
        private Optional<Path> metricsFile;
        private long metricsMaxBytes;
        private int metricsKeep = DEFAULT_METRICS_KEEP;
        private Duration recoveryGrace = Duration.ZERO;
        private int retentionDays = DEFAULT_RETENTION_DAYS;
        private Path archivePath = DEFAULT_ARCHIVE_PATH;
        private String cleanupSchedule = DEFAULT_CLEANUP_SCHEDULE;
        private Set<String> formats = Set.of();
        private boolean requireEncryption;
        private int auditRetentionDays;
        private String nodeName = defaultNodeName();
        private Duration queuePoll = Duration.ofMillis(DEFAULT_QUEUE_POLL_MS);
        private Duration heartbeat;
        private String tablePrefix = org.smsexport.support.OwnTables.DEFAULT_PREFIX;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private String storage = LOCAL_STORAGE;
        private java.time.ZoneId timeZone = java.time.ZoneId.systemDefault();
        private final List<String> readProblems = new ArrayList<>();

        private Builder() {
        }

        /**
         * Takes every key listed on {@link ExportConfig} that the map has; values that cannot be read are
         * reported by {@link #build()}, all at once.
         *
         * @param values settings by key, e.g. the environment
         * @return this builder
         */
        public Builder values(Map<String, String> values) {
            org.smsexport.support.Settings s = org.smsexport.support.Settings.of(values);
            if (s.has("EXPORT_OUTPUT_DIR")) {
                outputDirectory = s.path("EXPORT_OUTPUT_DIR", DEFAULT_OUTPUT_DIRECTORY.toString());
            }
            if (s.has("EXPORT_MAX_RECORDS")) {
                maxRecords = s.count("EXPORT_MAX_RECORDS", maxRecords);
            }
            if (s.has("EXPORT_OVER_LIMIT")) {
                overLimit = s.choice("EXPORT_OVER_LIMIT", "fail", "fail", "truncate").equals("truncate") ? OverLimitPolicy.TRUNCATE
                        : OverLimitPolicy.FAIL;
            }
            if (s.has("EXPORT_WORKERS")) {
                workers = toInt(s.count("EXPORT_WORKERS", workers));
            }
            if (s.has("EXPORT_QUEUE_CAPACITY")) {
                queueCapacity = toInt(s.count("EXPORT_QUEUE_CAPACITY", queueCapacity));
            }
            if (s.has("EXPORT_JOB_TIMEOUT_SECONDS")) {
                jobTimeout = Duration.ofSeconds(s.count("EXPORT_JOB_TIMEOUT_SECONDS", jobTimeout.toSeconds()));
            }
            fsync = s.bool("EXPORT_FSYNC", fsync);
            discovery = s.bool("EXPORT_DISCOVERY", discovery);
            if (values.containsKey("EXPORT_METRICS_FILE")) {
                // present but empty: no metrics file
                String m = s.text("EXPORT_METRICS_FILE", "");
                metricsFile = m.isEmpty() ? Optional.empty() : Optional.of(s.path("EXPORT_METRICS_FILE", m));
            }
            if (s.has("EXPORT_METRICS_MAX_MB")) {
                metricsMaxBytes = s.count("EXPORT_METRICS_MAX_MB", 0) * 1_048_576;
            }
            if (s.has("EXPORT_METRICS_KEEP")) {
                metricsKeep = toInt(s.count("EXPORT_METRICS_KEEP", metricsKeep));
            }
            if (s.has("EXPORT_RECOVERY_GRACE_SECONDS")) {
                recoveryGrace = Duration.ofSeconds(s.count("EXPORT_RECOVERY_GRACE_SECONDS", 0));
            }
            if (s.has("EXPORT_RETENTION_DAYS")) {
                retentionDays = toInt(s.count("EXPORT_RETENTION_DAYS", retentionDays));
            }
            if (s.has("EXPORT_ARCHIVE_PATH")) {
                archivePath = s.path("EXPORT_ARCHIVE_PATH", DEFAULT_ARCHIVE_PATH.toString());
            }
            cleanupSchedule = s.choice("EXPORT_CLEANUP_SCHEDULE", cleanupSchedule, "hourly", "daily", "weekly");
            requireEncryption = s.bool("EXPORT_REQUIRE_ENCRYPTION", requireEncryption);
            nodeName = s.text("EXPORT_NODE_NAME", nodeName);
            if (s.has("EXPORT_QUEUE_POLL_MS")) {
                queuePoll = Duration.ofMillis(s.count("EXPORT_QUEUE_POLL_MS", queuePoll.toMillis()));
            }
            tablePrefix = s.text("EXPORT_TABLE_PREFIX", tablePrefix).strip();
            if (s.has("EXPORT_HEARTBEAT_SECONDS")) {
                heartbeat = Duration.ofSeconds(s.count("EXPORT_HEARTBEAT_SECONDS", 10));
            }
            if (s.has("EXPORT_MAX_ATTEMPTS")) {
                maxAttempts = toInt(s.count("EXPORT_MAX_ATTEMPTS", maxAttempts));
            }
            storage = s.text("EXPORT_STORAGE", storage).toLowerCase(java.util.Locale.ROOT);
            if (s.has("EXPORT_TIME_ZONE")) {
                String zone = s.text("EXPORT_TIME_ZONE", "").strip();
                try {
                    timeZone = java.time.ZoneId.of(zone);
                } catch (java.time.DateTimeException e) {
                    readProblems.add("EXPORT_TIME_ZONE '" + zone + "' is not a time zone (a region such as Europe/Athens, or UTC)");
                }
            }
            if (s.has("EXPORT_AUDIT_RETENTION_DAYS")) {
                auditRetentionDays = toInt(s.count("EXPORT_AUDIT_RETENTION_DAYS", auditRetentionDays));
            }
            if (s.has("EXPORT_FORMATS")) {
                Set<String> f = new java.util.TreeSet<>();
                for (String part : s.text("EXPORT_FORMATS", "").split(",")) {
                    if (!part.isBlank()) {
                        f.add(part.strip().toLowerCase(java.util.Locale.ROOT));
                    }
                }
                formats = f;
            }
            readProblems.addAll(s.problems());
            for (String key : values.keySet()) {
                // a storage's own settings (EXPORT_S3_BUCKET) are its provider's to read, the links' the service's
                // and the command line's secrets (EXPORT_API_TOKENS, EXPORT_FILE_PASSWORD, EXPORT_JWT_*) and the JDBC source's
                // mapping file (EXPORT_SCHEMA_MAP) the command line's and the starter's
                if (key.startsWith("EXPORT_") && !KEYS.contains(key) && !key.startsWith("EXPORT_S3_") && !key.startsWith("EXPORT_LINK_")
                        && !key.startsWith("EXPORT_JWT_") && !key.equals("EXPORT_SCHEMA_MAP")
                        && !key.equals("EXPORT_API_TOKENS") && !key.equals("EXPORT_FILE_PASSWORD")) {
                    LOG.warn("Ignoring unknown configuration key {}; sms-export core reads {}", key, new java.util.TreeSet<>(KEYS));
                }
            }
            return this;
        }

        private static int toInt(long n) {
            return (int) Math.min(n, Integer.MAX_VALUE);
        }

        /** @param value where files are published; {@link #DEFAULT_OUTPUT_DIRECTORY} @return this builder */
        public Builder outputDirectory(Path value) {
            this.outputDirectory = value;
            return this;
        }

        /** @param value most records per export, 0 for no limit; {@link #DEFAULT_MAX_RECORDS} @return this builder */
        public Builder maxRecords(long value) {
            this.maxRecords = value;
            return this;
        }

        /** @param value what happens above the maximum; {@link #DEFAULT_OVER_LIMIT} @return this builder */
        public Builder overLimit(OverLimitPolicy value) {
            this.overLimit = value;
            return this;
        }

        /** @param value exports running at once; {@link #DEFAULT_WORKERS} @return this builder */
        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        /** @param value jobs waiting for a worker; {@link #DEFAULT_QUEUE_CAPACITY} @return this builder */
        public Builder queueCapacity(int value) {
            this.queueCapacity = value;
            return this;
        }

        /** @param value how long one export may run; {@link #DEFAULT_JOB_TIMEOUT} @return this builder */
        public Builder jobTimeout(Duration value) {
            this.jobTimeout = value;
            return this;
        }

        /** @param value whether files are forced to disk before publishing; {@code true} @return this builder */
        public Builder fsync(boolean value) {
            this.fsync = value;
            return this;
        }

        /** @param value whether providers are discovered with {@code ServiceLoader}; {@code true} @return this builder */
        public Builder discovery(boolean value) {
            this.discovery = value;
            return this;
        }

        /**
         * @param value the JSONL metrics file; by default {@code metrics.jsonl} in the output directory (wherever that is)
         * @return this builder
         */
        public Builder metricsFile(Path value) {
            this.metricsFile = Optional.of(java.util.Objects.requireNonNull(value, "metricsFile (noMetricsFile() for none)"));
            return this;
        }

        /** @return this builder, writing no metrics file */
        public Builder noMetricsFile() {
            this.metricsFile = Optional.empty();
            return this;
        }

        /** @param bytes rotate the metrics file at this size, 0 never @param keep rotated files kept @return this builder */
        public Builder metricsRotation(long bytes, int keep) {
            this.metricsMaxBytes = bytes;
            this.metricsKeep = keep;
            return this;
        }

        /** @param value how stale an unfinished job's heartbeat must be before recovery fails it; 0 @return this builder */
        public Builder recoveryGrace(Duration value) {
            this.recoveryGrace = value;
            return this;
        }

        /** @param value age in days after which maintenance removes exports; {@link #DEFAULT_RETENTION_DAYS} @return this builder */
        public Builder retentionDays(int value) {
            this.retentionDays = value;
            return this;
        }

        /** @param value where maintenance archives exports; {@link #DEFAULT_ARCHIVE_PATH} @return this builder */
        public Builder archivePath(Path value) {
            this.archivePath = value;
            return this;
        }

        /** @param value {@code hourly}, {@code daily} or {@code weekly}; {@link #DEFAULT_CLEANUP_SCHEDULE} @return this builder */
        public Builder cleanupSchedule(String value) {
            this.cleanupSchedule = value;
            return this;
        }

        /** @param value this node's name in the shared queue; host and pid by default @return this builder */
        public Builder nodeName(String value) {
            this.nodeName = value;
            return this;
        }

        /** @param value how often a node with free workers looks for queued jobs; {@value #DEFAULT_QUEUE_POLL_MS} ms @return this builder */
        public Builder queuePoll(Duration value) {
            this.queuePoll = value;
            return this;
        }

        /**
         * @param value how often running jobs' leases are renewed and the node reports itself; by default a third of the
         *              recovery grace, at most 10 s (10 s without a grace)
         * @return this builder
         */
        public Builder heartbeat(Duration value) {
            this.heartbeat = value;
            return this;
        }

        /**
         * @param value the prefix of every table the library creates ({@code EXPORT_TABLE_PREFIX}); default
         *              {@value org.smsexport.support.OwnTables#DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder tablePrefix(String value) {
            this.tablePrefix = value;
            return this;
        }

        /** @param value how often a job is started at most; {@value #DEFAULT_MAX_ATTEMPTS} @return this builder */
        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /**
         * @param value {@code local} (the default: files stay in the output directory) or the name of a discovered
         *              {@link org.smsexport.spi.StorageProvider}, e.g. {@code s3}
         * @return this builder
         */
        public Builder storage(String value) {
            this.storage = value == null ? null : value.strip().toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /** @param value age in days after which audit records are removed, 0 (the default) for never @return this builder */
        public Builder auditRetentionDays(int value) {
            this.auditRetentionDays = value;
            return this;
        }

        /**
         * @param value the zone dates and times are written in when a request names none; the JVM's by default
         * @return this builder
         */
        public Builder timeZone(java.time.ZoneId value) {
            this.timeZone = java.util.Objects.requireNonNull(value, "timeZone");
            return this;
        }

        /** @param value whether every export must have a {@code password} option; {@code false} @return this builder */
        public Builder requireEncryption(boolean value) {
            this.requireEncryption = value;
            return this;
        }

        /** @param value the formats offered, e.g. {@code Set.of("xlsx", "csv")}; empty (the default) for every one found @return this builder */
        public Builder formats(Set<String> value) {
            this.formats = Set.copyOf(value);
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidRequestException listing every value that could not be read and every value out of range
         */
        public ExportConfig build() {
            Optional<Path> metrics = metricsFile != null ? metricsFile
                    : Optional.ofNullable(outputDirectory).map(d -> d.resolve(DEFAULT_METRICS_FILE_NAME));
            List<String> all = new ArrayList<>(readProblems);
            all.addAll(problems(outputDirectory, maxRecords, overLimit, workers, queueCapacity, jobTimeout, metrics, metricsMaxBytes,
                    metricsKeep, recoveryGrace, retentionDays, archivePath, cleanupSchedule));
            if (nodeName == null || nodeName.isBlank() || nodeName.length() > 200) {
                all.add("node name must be 1 to 200 characters, got '" + nodeName + "'");
            }
            if (queuePoll == null || queuePoll.toMillis() < 10 || queuePoll.toMillis() > 60_000) {
                all.add("queue poll must be 10..60000 ms, got " + (queuePoll == null ? null : queuePoll.toMillis()));
            }
            Duration beat = heartbeat != null ? heartbeat : defaultHeartbeat(recoveryGrace);
            if (beat == null || beat.isNegative() || beat.isZero()) {
                all.add("heartbeat must be positive, got " + beat);
            } else if (recoveryGrace != null && !recoveryGrace.isZero() && beat.compareTo(recoveryGrace) >= 0) {
                all.add("heartbeat (" + beat.toSeconds() + " s, EXPORT_HEARTBEAT_SECONDS) must be shorter than the recovery grace ("
                        + recoveryGrace.toSeconds() + " s, EXPORT_RECOVERY_GRACE_SECONDS), or running jobs are taken from live nodes");
            }
            try {
                org.smsexport.support.OwnTables.checkPrefix(tablePrefix);
            } catch (InvalidRequestException e) {
                all.add(e.getMessage().replaceAll("\\.$", ""));
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                all.add("max attempts must be 1..10, got " + maxAttempts);
            }
            if (storage == null || !storage.matches("[a-z][a-z0-9-]{0,30}")) {
                all.add("storage must be a name like local or s3, got '" + storage + "'");
            }
            if (auditRetentionDays < 0) {
                all.add("audit retention days must be 0 (keep for ever) or more, got " + auditRetentionDays);
            }
            if (!all.isEmpty()) {
                throw new InvalidRequestException("Invalid sms-export configuration: " + String.join("; ", all) + ".");
            }
            return new ExportConfig(outputDirectory, maxRecords, overLimit, workers, queueCapacity, jobTimeout, fsync, discovery,
                    metrics, metricsMaxBytes, metricsKeep, recoveryGrace, retentionDays, archivePath, cleanupSchedule, formats,
                    requireEncryption, auditRetentionDays, nodeName, queuePoll, maxAttempts, storage, beat, tablePrefix, timeZone);
        }
    }

    /** A third of the grace (so two beats may be lost before a lease expires), at most 10 s; 10 s without a grace. */
    private static Duration defaultHeartbeat(Duration grace) {
        if (grace == null || grace.isZero() || grace.isNegative()) {
            return DEFAULT_HEARTBEAT;
        }
        Duration third = grace.dividedBy(3);
        return third.isZero() ? Duration.ofMillis(Math.max(1, grace.toMillis() / 3)) : third.compareTo(DEFAULT_HEARTBEAT) < 0 ? third
                : DEFAULT_HEARTBEAT;
    }

    /** @return host name and process id, e.g. {@code app-2:4711}: what {@code EXPORT_NODE_NAME} defaults to */
    static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
