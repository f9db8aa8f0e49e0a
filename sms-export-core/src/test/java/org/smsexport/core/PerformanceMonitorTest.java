package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportMetrics;
import org.smsexport.JobId;
import org.smsexport.JobStatus;

class PerformanceMonitorTest {

    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    static ExportMetrics metrics(String type, String format, JobStatus status, double seconds, long records, long bytes, Instant end) {
        Instant start = end.minusNanos((long) (seconds * 1e9));
        return new ExportMetrics(JobId.random(), type, format, "alice", start, end, records, bytes, status,
                status == JobStatus.FAILED ? Optional.of("boom") : Optional.empty(), Optional.empty());
    }

    @Test
    void summarisesLikeTheOriginalWithPercentilesAndSkipsCorruptLines() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        JsonlMetricsSink sink = new JsonlMetricsSink(file);
        sink.record(metrics("students", "csv", JobStatus.COMPLETED, 2.0, 1000, 1_048_576, NOW.minusSeconds(60)));
        sink.record(metrics("students", "csv", JobStatus.COMPLETED, 4.0, 4000, 3 * 1_048_576, NOW.minusSeconds(50)));
        sink.record(metrics("students", "xlsx", JobStatus.COMPLETED, 10.0, 1000, 2 * 1_048_576, NOW.minusSeconds(40)));
        sink.record(metrics("students", "csv", JobStatus.FAILED, 1.0, 10, 0, NOW.minusSeconds(30)));
        sink.record(metrics("students", "csv", JobStatus.CANCELLED, 1.0, 10, 0, NOW.minusSeconds(20)));
        sink.record(metrics("grades", "csv", JobStatus.COMPLETED, 1.0, 100, 0, NOW.minusSeconds(10)));
        sink.record(metrics("students", "csv", JobStatus.COMPLETED, 1.0, 100, 0, NOW.minus(Duration.ofDays(8))));
        Files.writeString(file, "{\"export_id\":\"abcdefghij\",\"export_ty\n\nnot json at all\n", StandardOpenOption.APPEND);

        PerformanceMonitor monitor = new PerformanceMonitor(file, Clock.fixed(NOW, ZoneOffset.UTC));
        PerformanceStats s = monitor.performanceStats(Optional.of("students"), 7);
        assertThat(s.totalExports()).isEqualTo(5);
        assertThat(s.successful()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.cancelled()).isEqualTo(1);
        assertThat(s.avgDurationSeconds()).isCloseTo((2 + 4 + 10) / 3.0, within(1e-6));
        assertThat(s.avgRecordsPerSecond()).isCloseTo((500 + 1000 + 100) / 3.0, within(1e-6));
        assertThat(s.avgFileSizeMb()).isCloseTo(2.0, within(1e-9));
        assertThat(s.totalRecordsProcessed()).isEqualTo(6000);
        assertThat(s.totalFileSizeMb()).isCloseTo(6.0, within(1e-9));
        assertThat(s.exportsByFormat()).containsEntry("csv", 4L).containsEntry("xlsx", 1L);
        assertThat(s.byFormat().get("csv").p50DurationSeconds()).isCloseTo(2.0, within(0.02));
        assertThat(s.byFormat().get("csv").p95DurationSeconds()).isCloseTo(4.0, within(0.04));
        assertThat(s.byFormat().get("xlsx").p50RecordsPerSecond()).isCloseTo(100.0, within(1.0));
        assertThat(s.corruptLines()).isEqualTo(2);
        assertThat(s.toMap()).containsKeys("period_days", "export_type", "total_exports", "successful", "failed",
                "avg_duration_seconds", "avg_records_per_second", "avg_file_size_mb", "total_records_processed",
                "total_file_size_mb", "exports_by_format");

        assertThat(monitor.performanceStats(Optional.empty(), 30).totalExports()).isEqualTo(7);
        List<ExportMetrics> slowest = monitor.slowestExports(2);
        assertThat(slowest).extracting(m -> m.totalDurationSeconds()).containsExactly(10.0, 4.0);
    }

    @Test
    void tracksAnExportTheHostWritesItselfLikeOneOfOurs() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        java.time.Clock clock = java.time.Clock.systemUTC();
        PerformanceMonitor monitor = new PerformanceMonitor(metrics, clock);
        PerformanceMonitor.Tracking t = monitor.startTracking(org.smsexport.JobId.random(), "students", "csv", "host");
        Path file = java.nio.file.Files.writeString(dir.resolve("own.csv"), "id\n1\n2\n");
        org.smsexport.ExportMetrics done = monitor.endTracking(t.records(2), file, null);
        assertThat(done.fileSizeBytes()).isEqualTo(java.nio.file.Files.size(file));
        assertThat(done.status()).isEqualTo(org.smsexport.JobStatus.COMPLETED);
        monitor.endTracking(monitor.startTracking(org.smsexport.JobId.random(), "grades", "xlsx", "host"), null, "disk full");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> monitor.endTracking(t, file, null)).isInstanceOf(IllegalStateException.class);
        PerformanceStats stats = monitor.performanceStats(java.util.Optional.empty(), 1);
        assertThat(stats.totalExports()).isEqualTo(2);
        assertThat(stats.successful()).isEqualTo(1);
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(stats.totalRecordsProcessed()).isEqualTo(2);

        // through a service: the same line, and every sink of the service hears it
        java.util.List<org.smsexport.ExportMetrics> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.smsexport.spi.MetricsSink sink = heard::add;
        try (ExportService s = ExportService.builder().outputDirectory(dir.resolve("svc")).dataSource(Fixtures.memory(1)).metricsSink(sink)
                .build()) {
            PerformanceMonitor m = s.performance();
            m.endTracking(m.startTracking(org.smsexport.JobId.random(), "courses", "pdf", "alice").records(7), null, null);
            assertThat(heard).singleElement().satisfies(x -> assertThat(x.totalRecords()).isEqualTo(7));
            assertThat(m.performanceStats(java.util.Optional.of("courses"), 1).totalExports()).as("in the service's file").isEqualTo(1);
        }
    }

    @Test
    void rotatesBySizeKeepingTheNewestFilesAndReadsThemAll() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        JsonlMetricsSink sink = new JsonlMetricsSink(file, 2_000, 2);
        for (int i = 0; i < 40; i++) {
            sink.record(metrics("courses", "csv", JobStatus.COMPLETED, 1.0, i, 0, NOW.minusSeconds(100 - i)));
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(2_000);
        assertThat(JsonlMetricsSink.rotated(file, 1)).exists();
        assertThat(JsonlMetricsSink.rotated(file, 2)).exists();
        assertThat(JsonlMetricsSink.rotated(file, 3)).doesNotExist();
        long kept = Files.readAllLines(file).size() + Files.readAllLines(JsonlMetricsSink.rotated(file, 1)).size()
                + Files.readAllLines(JsonlMetricsSink.rotated(file, 2)).size();
        PerformanceStats s = new PerformanceMonitor(file, Clock.fixed(NOW, ZoneOffset.UTC)).performanceStats(Optional.empty(), 1);
        assertThat(s.totalExports()).isEqualTo(kept).isLessThan(40).isGreaterThan(10);
        assertThat(s.corruptLines()).isZero();
    }

    @Test
    void aSinkKeepsTheFileOpenYetFollowsItWhenAnotherRotatesOrDeletesIt() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        JsonlMetricsSink a = new JsonlMetricsSink(file, 2_000, 5);
        JsonlMetricsSink b = new JsonlMetricsSink(file, 2_000, 5);
        b.record(metrics("grades", "csv", JobStatus.COMPLETED, 1.0, 1, 0, NOW));
        for (int i = 0; i < 30; i++) {
            a.record(metrics("courses", "csv", JobStatus.COMPLETED, 1.0, i, 0, NOW));
        }
        assertThat(JsonlMetricsSink.rotated(file, 2)).as("a rotated the file b holds open").exists();
        b.record(metrics("grades", "csv", JobStatus.COMPLETED, 1.0, 2, 0, NOW));
        List<String> live = Files.readAllLines(file);
        assertThat(PerformanceMonitor.parse(live.get(live.size() - 1)).exportType()).as("b's line is in the live file").isEqualTo("grades");

        Files.delete(file);
        b.record(metrics("grades", "csv", JobStatus.COMPLETED, 1.0, 3, 0, NOW));
        assertThat(Files.readAllLines(file)).as("a deleted file is created again").hasSize(1);
        b.close();
        b.record(metrics("grades", "csv", JobStatus.COMPLETED, 1.0, 4, 0, NOW));
        assertThat(Files.readAllLines(file)).as("closed, the next record opens it again").hasSize(2);
        a.close();
        b.close();
    }

    @Test
    void concurrentWritersInThreadsAndProcessesNeverInterleaveLines() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MetricsWriterMain.class.getName(), file.toString(), "2000")
                .redirectErrorStream(true).start();
        JsonlMetricsSink sink = new JsonlMetricsSink(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 500; i++) {
                    sink.record(metrics("grades", "xlsx", JobStatus.COMPLETED, 0.5, i, i, NOW));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        String childOutput;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            childOutput = String.join("\n", r.lines().toList());
        }
        assertThat(other.waitFor()).as(childOutput).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4000);
        List<String> bad = new ArrayList<>();
        for (String line : lines) {
            if (PerformanceMonitor.parse(line) == null) {
                bad.add(line);
            }
        }
        assertThat(bad).isEmpty();
    }
}
