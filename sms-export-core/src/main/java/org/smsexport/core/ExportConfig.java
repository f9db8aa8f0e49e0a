package org.smsexport.core;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
 * <tr><td>{@code EXPORT_MAX_RECORDS}</td><td>{@code 100000}</td><td>most records one export may hold; 0 = no limit</td></tr>
 * <tr><td>{@code EXPORT_OVER_LIMIT}</td><td>{@code fail}</td><td>{@code fail} or {@code truncate} (with a warning) above the maximum</td></tr>
 * <tr><td>{@code EXPORT_WORKERS}</td><td>{@code 2}</td><td>exports running at once</td></tr>
 * <tr><td>{@code EXPORT_QUEUE_CAPACITY}</td><td>{@code 100}</td><td>jobs waiting for a worker before submit is refused</td></tr>
 * <tr><td>{@code EXPORT_JOB_TIMEOUT_SECONDS}</td><td>{@code 3600}</td><td>a running export older than this fails</td></tr>
 * <tr><td>{@code EXPORT_FSYNC}</td><td>{@code true}</td><td>force files to disk before publishing them</td></tr>
 * <tr><td>{@code EXPORT_DISCOVERY}</td><td>{@code true}</td><td>find providers with {@code ServiceLoader}</td></tr>
 * <tr><td>{@code EXPORT_METRICS_FILE}</td><td>{@code data/exports/metrics.jsonl}</td><td>JSONL metrics; empty disables</td></tr>
 * <tr><td>{@code EXPORT_METRICS_MAX_MB}</td><td>{@code 0}</td><td>rotate the metrics file at this size; 0 never rotates</td></tr>
 * <tr><td>{@code EXPORT_METRICS_KEEP}</td><td>{@code 5}</td><td>rotated metrics files kept</td></tr>
 * <tr><td>{@code EXPORT_RECOVERY_GRACE_SECONDS}</td><td>{@code 0}</td><td>unfinished jobs older than this (by heartbeat) are
 * failed on start; raise it when several processes share a job store</td></tr>
 * <tr><td>{@code EXPORT_RETENTION_DAYS}</td><td>{@code 30}</td><td>age after which maintenance removes exports</td></tr>
 * <tr><td>{@code EXPORT_ARCHIVE_PATH}</td><td>{@code data/exports/archive}</td><td>where maintenance archives exports</td></tr>
 * <tr><td>{@code EXPORT_CLEANUP_SCHEDULE}</td><td>{@code daily}</td><td>{@code hourly}, {@code daily} or {@code weekly}</td></tr>
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
 */
public record ExportConfig(Path outputDirectory, long maxRecords, OverLimitPolicy overLimit, int workers, int queueCapacity,
        Duration jobTimeout, boolean fsync, boolean discovery, Optional<Path> metricsFile, long metricsMaxBytes, int metricsKeep,
        Duration recoveryGrace,
        int retentionDays, Path archivePath, String cleanupSchedule) {

    private static final Logger LOG = LoggerFactory.getLogger(ExportConfig.class);

    /** The keys this record reads. */
    public static final Set<String> KEYS = Set.of("EXPORT_OUTPUT_DIR", "EXPORT_MAX_RECORDS", "EXPORT_OVER_LIMIT",
            "EXPORT_WORKERS", "EXPORT_QUEUE_CAPACITY", "EXPORT_JOB_TIMEOUT_SECONDS", "EXPORT_FSYNC", "EXPORT_DISCOVERY",
            "EXPORT_METRICS_FILE", "EXPORT_METRICS_MAX_MB", "EXPORT_METRICS_KEEP", "EXPORT_RECOVERY_GRACE_SECONDS", "EXPORT_RETENTION_DAYS", "EXPORT_ARCHIVE_PATH",
            "EXPORT_CLEANUP_SCHEDULE");

    private static final Set<String> SCHEDULES = Set.of("hourly", "daily", "weekly");

    /**
     * Checks every value and reports all problems at once.
     *
     * @throws InvalidRequestException listing each bad value with the valid range
     */
    public ExportConfig {
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
        if (workers < 1 || workers > 256) {
            problems.add("workers must be 1..256, got " + workers);
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
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("Invalid sms-export configuration: " + String.join("; ", problems) + ".");
        }
    }

    /** @return the defaults listed above */
    public static ExportConfig defaults() {
        return from(Map.of());
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
        Reader r = new Reader(values);
        Path out = r.path("EXPORT_OUTPUT_DIR", "data/exports");
        long max = r.number("EXPORT_MAX_RECORDS", 100_000);
        OverLimitPolicy policy = r.choice("EXPORT_OVER_LIMIT", "fail", "fail", "truncate").equals("truncate")
                ? OverLimitPolicy.TRUNCATE : OverLimitPolicy.FAIL;
        long workers = r.number("EXPORT_WORKERS", 2);
        long queue = r.number("EXPORT_QUEUE_CAPACITY", 100);
        long timeout = r.number("EXPORT_JOB_TIMEOUT_SECONDS", 3600);
        boolean fsync = r.bool("EXPORT_FSYNC", true);
        boolean discovery = r.bool("EXPORT_DISCOVERY", true);
        String metrics = values.getOrDefault("EXPORT_METRICS_FILE",
                out == null ? "data/exports/metrics.jsonl" : out.resolve("metrics.jsonl").toString()).strip();
        Path metricsPath = metrics.isEmpty() ? null : r.path("EXPORT_METRICS_FILE", metrics);
        long metricsMb = r.number("EXPORT_METRICS_MAX_MB", 0);
        long metricsKeep = r.number("EXPORT_METRICS_KEEP", 5);
        long grace = r.number("EXPORT_RECOVERY_GRACE_SECONDS", 0);
        long retention = r.number("EXPORT_RETENTION_DAYS", 30);
        Path archive = r.path("EXPORT_ARCHIVE_PATH", "data/exports/archive");
        String schedule = r.choice("EXPORT_CLEANUP_SCHEDULE", "daily", "hourly", "daily", "weekly");
        r.failIfProblems();
        for (String key : values.keySet()) {
            if (key.startsWith("EXPORT_") && !KEYS.contains(key)) {
                LOG.warn("Ignoring unknown configuration key {}; sms-export core reads {}", key, new java.util.TreeSet<>(KEYS));
            }
        }
        return new ExportConfig(out, max, policy, (int) Math.min(workers, Integer.MAX_VALUE),
                (int) Math.min(queue, Integer.MAX_VALUE), Duration.ofSeconds(timeout), fsync, discovery,
                Optional.ofNullable(metricsPath), metricsMb * 1_048_576, (int) Math.min(metricsKeep, Integer.MAX_VALUE),
                Duration.ofSeconds(grace), (int) Math.min(retention, Integer.MAX_VALUE),
                archive, schedule);
    }

    /** Parses values, collecting every problem. */
    private static final class Reader {
        private final Map<String, String> values;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> values) {
            this.values = values;
        }

        private String raw(String key, String dflt) {
            String v = values.get(key);
            return v == null || v.isBlank() ? dflt : v.strip();
        }

        long number(String key, long dflt) {
            String v = raw(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                long n = Long.parseLong(v.replace("_", ""));
                if (n < 0) {
                    problems.add(key + "=" + v + " must not be negative");
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(key + "='" + v + "' is not a whole number");
                return dflt;
            }
        }

        boolean bool(String key, boolean dflt) {
            String v = raw(key, null);
            if (v == null) {
                return dflt;
            }
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true":
                case "yes":
                case "1":
                    return true;
                case "false":
                case "no":
                case "0":
                    return false;
                default:
                    problems.add(key + "='" + v + "' is not one of [true, false]");
                    return dflt;
            }
        }

        String choice(String key, String dflt, String... allowed) {
            String v = raw(key, dflt).toLowerCase(Locale.ROOT);
            if (!List.of(allowed).contains(v)) {
                problems.add(key + "='" + v + "' is not one of " + List.of(allowed));
                return dflt;
            }
            return v;
        }

        Path path(String key, String dflt) {
            String v = raw(key, dflt);
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                problems.add(key + "='" + v + "' is not a valid path: " + e.getReason());
                return Path.of(dflt);
            }
        }

        void failIfProblems() {
            if (!problems.isEmpty()) {
                throw new InvalidRequestException("Invalid sms-export configuration: " + String.join("; ", problems) + ".");
            }
        }
    }
}
