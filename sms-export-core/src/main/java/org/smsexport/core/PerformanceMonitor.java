package org.smsexport.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.smsexport.ExportMetrics;
import org.smsexport.JobId;
import org.smsexport.JobStatus;

/**
 * Reads the JSONL metrics file (and its rotated predecessors) and summarises it: {@link #performanceStats}
 * and {@link #slowestExports}, the original system's monitor, working. Streams the files line by line with
 * a streaming JSON parser and keeps only counters and log-scale histograms (1% precision), so a million lines
 * take a few seconds and little memory. A corrupt line (half-written by a killed process) is skipped and
 * counted. Thread-safe (stateless between calls).
 */
public final class PerformanceMonitor {

    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final Clock clock;
    private final java.util.function.Consumer<ExportMetrics> record;

    /**
     * @param file  the live metrics file; rotated files beside it ({@code .1}, {@code .2}, …) are read too, and
     *              {@link #endTracking} appends to it
     * @param clock the clock the window is measured from
     */
    public PerformanceMonitor(Path file, Clock clock) {
        this(file, clock, new JsonlMetricsSink(file)::record);
    }

    /** @param record where {@link #endTracking} sends a metrics record: the service's sinks */
    PerformanceMonitor(Path file, Clock clock, java.util.function.Consumer<ExportMetrics> record) {
        this.file = file;
        this.clock = clock;
        this.record = record;
    }

    /**
     * An export a host writes with its own code, being timed: the seed's {@code start_tracking}.
     * Not thread-safe; one per export.
     */
    public static final class Tracking {
        private final JobId id;
        private final String type;
        private final String format;
        private final String owner;
        private final Instant start;
        private long records;
        private boolean ended;

        private Tracking(JobId id, String type, String format, String owner, Instant start) {
            this.id = id;
            this.type = type;
            this.format = format;
            this.owner = owner;
            this.start = start;
        }

        /**
         * @param n records written so far (or in all)
         * @return this handle
         */
        public Tracking records(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("records must not be negative, got " + n);
            }
            this.records = n;
            return this;
        }

        /** @return the export's id in the metrics */
        public JobId id() {
            return id;
        }
    }

    /**
     * Starts timing an export the host writes itself: the seed's {@code monitor.start_tracking(export_id, type, format)}.
     *
     * @param id     the export's id (a new one: {@link JobId#random()})
     * @param type   the export type's name
     * @param format the format's id
     * @param owner  who asked for it
     * @return the handle {@link #endTracking} takes
     */
    public Tracking startTracking(JobId id, String type, String format, String owner) {
        return new Tracking(java.util.Objects.requireNonNull(id, "id"), java.util.Objects.requireNonNull(type, "type"),
                java.util.Objects.requireNonNull(format, "format"), java.util.Objects.requireNonNull(owner, "owner"), clock.instant());
    }

    /**
     * Ends the timing and records it like any export of ours: one metrics line, the same sinks, the same stats.
     * The seed's {@code monitor.end_tracking(metrics, file_path, error)}.
     *
     * @param tracking what {@link #startTracking} returned
     * @param file     the file written (its size is read from it), or {@code null} when there is none
     * @param error    why it failed, or {@code null} when it completed
     * @return the metrics recorded
     * @throws IllegalStateException when the handle was ended before
     */
    public ExportMetrics endTracking(Tracking tracking, Path file, String error) {
        if (tracking.ended) {
            throw new IllegalStateException("Tracking of " + tracking.id + " was ended already");
        }
        tracking.ended = true;
        long size = 0;
        if (file != null) {
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot read the size of " + file + ": " + e.getMessage(), e);
            }
        }
        ExportMetrics m = new ExportMetrics(tracking.id, tracking.type, tracking.format, tracking.owner, tracking.start, clock.instant(),
                tracking.records, size, error == null ? JobStatus.COMPLETED : JobStatus.FAILED, Optional.ofNullable(error), Optional.empty());
        record.accept(m);
        return m;
    }

    /**
     * @param exportType only this type, or empty for all
     * @param days       the window, days back from now (1 or more)
     * @return the summary
     */
    public PerformanceStats performanceStats(Optional<String> exportType, int days) {
        return performanceStats(exportType, days, Optional.empty());
    }

    /**
     * @param exportType only this type, or empty for all
     * @param days       the window, days back from now (1 or more)
     * @param owner      only this user's exports, or empty for everyone's
     * @return the summary
     */
    public PerformanceStats performanceStats(Optional<String> exportType, int days, Optional<String> owner) {
        if (days < 1) {
            throw new org.smsexport.InvalidRequestException("days must be at least 1, got " + days + ".");
        }
        Instant since = clock.instant().minus(Duration.ofDays(days));
        long[] counts = new long[4];
        double[] sums = new double[4];
        Map<String, Long> byFormat = new HashMap<>();
        Map<String, LogHistogram[]> hist = new HashMap<>();
        long corrupt = read(m -> {
            if (m.endTime().isBefore(since) || exportType.isPresent() && !exportType.get().equals(m.exportType())
                    || owner.isPresent() && !owner.get().equals(m.owner())) {
                return;
            }
            counts[0]++;
            byFormat.merge(m.exportFormat(), 1L, Long::sum);
            if (m.status() == JobStatus.COMPLETED || m.status() == JobStatus.ARCHIVED) {
                counts[1]++;
                double d = m.totalDurationSeconds();
                double rps = m.recordsPerSecond();
                sums[0] += d;
                sums[1] += rps;
                sums[2] += m.fileSizeMb();
                sums[3] += m.totalRecords();
                LogHistogram[] h = hist.computeIfAbsent(m.exportFormat(), f -> new LogHistogram[] {new LogHistogram(), new LogHistogram()});
                h[0].add(d);
                h[1].add(rps);
            } else if (m.status() == JobStatus.FAILED) {
                counts[2]++;
            } else if (m.status() == JobStatus.CANCELLED) {
                counts[3]++;
            }
        });
        long ok = counts[1];
        Map<String, PerformanceStats.FormatPercentiles> percentiles = new HashMap<>();
        hist.forEach((f, h) -> percentiles.put(f, new PerformanceStats.FormatPercentiles(h[0].quantile(0.5), h[0].quantile(0.95),
                h[1].quantile(0.5), h[1].quantile(0.95))));
        return new PerformanceStats(days, exportType, counts[0], ok, counts[2], counts[3], ok == 0 ? 0 : sums[0] / ok,
                ok == 0 ? 0 : sums[1] / ok, ok == 0 ? 0 : sums[2] / ok, (long) sums[3], sums[2], byFormat, percentiles, corrupt);
    }

    /**
     * Reads every export on record that ended since an instant, one at a time (the file is never held whole).
     *
     * @param since  the earliest end
     * @param action what to do with each
     */
    public void each(Instant since, java.util.function.Consumer<ExportMetrics> action) {
        read(m -> {
            if (!m.endTime().isBefore(since)) {
                action.accept(m);
            }
        });
    }

    /**
     * @param limit how many (1 or more)
     * @return the slowest finished exports on record, slowest first
     */
    public List<ExportMetrics> slowestExports(int limit) {
        if (limit < 1) {
            throw new org.smsexport.InvalidRequestException("limit must be at least 1, got " + limit + ".");
        }
        PriorityQueue<ExportMetrics> top = new PriorityQueue<>(Comparator.comparing(ExportMetrics::duration));
        read(m -> {
            top.add(m);
            if (top.size() > limit) {
                top.poll();
            }
        });
        List<ExportMetrics> out = new ArrayList<>(top);
        out.sort(Comparator.comparing(ExportMetrics::duration).reversed());
        return List.copyOf(out);
    }

    /**
     * One bucket of {@link #series}: the exports of one format that ended in it.
     *
     * @param start              the bucket's start
     * @param format             the format
     * @param exports            finished exports
     * @param failures           failed ones
     * @param records            records of completed ones
     * @param recordsPerSecond   their records over their summed durations
     * @param p95DurationSeconds the 95th percentile duration of completed ones
     */
    public record Point(Instant start, String format, long exports, long failures, long records, double recordsPerSecond,
            double p95DurationSeconds) {
    }

    /**
     * A time series per format, for charts: finished exports bucketed by when they ended.
     *
     * @param exportType only this type, or empty for all
     * @param days       the window, days back from now (1 or more)
     * @param bucket     the bucket's length: one hour or one day
     * @return the buckets that have exports, oldest first, then by format
     */
    public List<Point> series(Optional<String> exportType, int days, Duration bucket) {
        return series(exportType, days, bucket, Optional.empty());
    }

    /**
     * A time series per format of one owner's exports, for charts: finished exports bucketed by when they ended.
     *
     * @param exportType only this type, or empty for all
     * @param days       the window, days back from now (1 or more)
     * @param bucket     the bucket's length: one hour or one day
     * @param owner      only this owner's exports, or empty for everyone's
     * @return the buckets that have exports, oldest first, then by format
     */
    public List<Point> series(Optional<String> exportType, int days, Duration bucket, Optional<String> owner) {
        if (days < 1) {
            throw new org.smsexport.InvalidRequestException("days must be at least 1, got " + days + ".");
        }
        Instant since = clock.instant().minus(Duration.ofDays(days));
        long size = bucket.toMillis();
        Map<String, Object[]> buckets = new java.util.TreeMap<>();
        read(m -> {
            if (m.endTime().isBefore(since) || exportType.isPresent() && !exportType.get().equals(m.exportType())
                    || owner.isPresent() && !owner.get().equals(m.owner())) {
                return;
            }
            long start = Math.floorDiv(m.endTime().toEpochMilli(), size) * size;
            String key = String.format(java.util.Locale.ROOT, "%015d|%s", start, m.exportFormat());
            Object[] b = buckets.computeIfAbsent(key, k -> new Object[] {new long[3], new double[1], new Sample()});
            long[] n = (long[]) b[0];
            n[0]++;
            if (m.status() == JobStatus.FAILED) {
                n[1]++;
            } else if (m.status() == JobStatus.COMPLETED || m.status() == JobStatus.ARCHIVED) {
                n[2] += m.totalRecords();
                ((double[]) b[1])[0] += m.totalDurationSeconds();
                ((Sample) b[2]).add(m.totalDurationSeconds());
            }
        });
        List<Point> out = new ArrayList<>();
        buckets.forEach((key, b) -> {
            long[] n = (long[]) b[0];
            double seconds = ((double[]) b[1])[0];
            out.add(new Point(Instant.ofEpochMilli(Long.parseLong(key.substring(0, 15))), key.substring(16), n[0], n[1], n[2],
                    seconds > 0 ? n[2] / seconds : 0, ((Sample) b[2]).quantile(0.95)));
        });
        return List.copyOf(out);
    }

    /** Calls {@code each} for every valid line of every metrics file, oldest file first; returns corrupt lines. */
    private long read(Consumer<ExportMetrics> each) {
        List<Path> files = new ArrayList<>();
        // rotation numbers its files from .1 (newest) up without gaps: stop at the first missing one
        for (int i = 1; Files.exists(JsonlMetricsSink.rotated(file, i)); i++) {
            files.add(0, JsonlMetricsSink.rotated(file, i));
        }
        if (Files.exists(file)) {
            files.add(file);
        }
        long corrupt = 0;
        for (Path f : files) {
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    ExportMetrics m = parse(line);
                    if (m == null) {
                        corrupt++;
                    } else {
                        each.accept(m);
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // rotated away while we listed: its lines are in the next file
            } catch (IOException e) {
                throw new UncheckedIOException("Reading metrics file " + f + " failed", e);
            }
        }
        return corrupt;
    }

    /** @return the metrics of a line, or {@code null} when the line is not a complete, valid record */
    static ExportMetrics parse(String line) {
        String id = null;
        String type = null;
        String format = null;
        String owner = "";
        String status = null;
        String error = null;
        String sha = null;
        Instant start = null;
        Instant end = null;
        long records = -1;
        long bytes = 0;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                String text = t == JsonToken.VALUE_NULL ? null : p.getText();
                switch (name) {
                    case "export_id":
                        id = text;
                        break;
                    case "export_type":
                        type = text;
                        break;
                    case "export_format":
                        format = text;
                        break;
                    case "owner":
                        owner = text == null ? "" : text;
                        break;
                    case "status":
                        status = text;
                        break;
                    case "error_message":
                        error = text;
                        break;
                    case "sha256":
                        sha = text;
                        break;
                    case "start_time":
                        start = text == null ? null : Instant.parse(text);
                        break;
                    case "end_time":
                        end = text == null ? null : Instant.parse(text);
                        break;
                    case "total_records":
                        records = p.getLongValue();
                        break;
                    case "file_size_bytes":
                        bytes = p.getLongValue();
                        break;
                    default:
                        break;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || id == null || type == null || format == null || status == null
                    || start == null || end == null || records < 0) {
                return null;
            }
            return new ExportMetrics(JobId.of(id), type, format, owner, start, end, records, bytes,
                    JobStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT)), Optional.ofNullable(error), Optional.ofNullable(sha));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Up to {@value #SIZE} values of a bucket (a uniform reservoir past that), for its percentiles in little memory. */
    static final class Sample {
        private static final int SIZE = 512;
        private final double[] values = new double[SIZE];
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        private long seen;

        void add(double v) {
            if (seen < SIZE) {
                values[(int) seen] = v;
            } else {
                long i = random.nextLong(seen + 1);
                if (i < SIZE) {
                    values[(int) i] = v;
                }
            }
            seen++;
        }

        double quantile(double q) {
            int n = (int) Math.min(seen, SIZE);
            if (n == 0) {
                return 0;
            }
            double[] sorted = java.util.Arrays.copyOf(values, n);
            java.util.Arrays.sort(sorted);
            return sorted[Math.min(n - 1, (int) Math.ceil(q * n) - 1)];
        }
    }

    static final class LogHistogram {
        private static final double MIN = 1e-6;
        private static final double LOG_STEP = Math.log(1.01);
        private final long[] counts = new long[(int) (Math.log(1e9 / MIN) / LOG_STEP) + 2];
        private long total;

        void add(double v) {
            int i = v <= MIN ? 0 : (int) Math.min(counts.length - 1, Math.log(v / MIN) / LOG_STEP + 1);
            counts[i]++;
            total++;
        }

        double quantile(double q) {
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    // the bucket's geometric middle
                    return i == 0 ? MIN : MIN * Math.exp((i - 0.5) * LOG_STEP);
                }
            }
            return MIN * Math.exp(counts.length * LOG_STEP);
        }
    }
}
