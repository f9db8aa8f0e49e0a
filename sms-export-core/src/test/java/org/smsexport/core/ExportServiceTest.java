package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.spi.ExportEvent;
import org.smsexport.spi.Notifier;

class ExportServiceTest {

    @TempDir
    Path dir;

    private ExportService service(Consumer<ExportService.Builder> custom) {
        ExportService.Builder b = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(1_000));
        custom.accept(b);
        return b.build();
    }

    private static ExportRequest.Builder request(String type) {
        return ExportRequest.builder().type(type).format("csv").owner("alice");
    }

    @Test
    void exportsEveryBuiltInTypeToCsvAndPublishesItAtomically() throws Exception {
        try (ExportService exports = service(b -> { })) {
            for (ExportType type : ExportType.builtIns()) {
                ExportOutcome outcome = exports.run(request(type.name()).build());
                assertThat(outcome).isInstanceOf(ExportOutcome.Completed.class);
                Path file = ((ExportOutcome.Completed) outcome).file();
                ExportJob job = outcome.job();

                assertThat(file.getFileName().toString()).matches(type.name() + "_\\d{8}_\\d{6}_" + job.id() + "\\.csv");
                List<List<String>> rows = Fixtures.readCsv(file);
                assertThat(rows.get(0)).containsExactlyElementsOf(type.columnLabels(Locale.ENGLISH));
                assertThat(rows).hasSize((int) job.totalRecords() + 1);
                assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(job.progressPercent()).isEqualTo(100);
                assertThat(job.fileSizeBytes()).isEqualTo(Files.size(file));
                assertThat(job.sha256()).contains(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                assertThat(job.duration()).isPresent();
                assertThat(job.startedAt()).isPresent();
                assertThat(job.completedAt()).isPresent();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            }
            assertThat(Fixtures.files(dir)).allMatch(n -> !n.startsWith(".")).hasSize(5);
            assertThat(Fixtures.readCsv(exports.file(exports.jobs(JobFilter.all().withType("students")).get(0).id())))
                    .hasSize(1_001);
        }
    }

    @Test
    void submitReturnsAtOnceAndShowsLiveProgressWithoutWritingThePerRowToTheStore() throws Exception {
        Fixtures.PausingSource source = new Fixtures.PausingSource(100_000, 50_000, true, 0);
        CountingStore store = new CountingStore();
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(source).jobStore(store).build()) {
            ExportJob job = exports.submit(request("students").build());
            assertThat(job.status()).isEqualTo(JobStatus.PENDING);
            source.awaitPause();

            ExportJob running = exports.job(job.id()).orElseThrow();
            assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(running.progressPercent()).isBetween(45, 50);
            assertThat(running.totalRecords()).isBetween(45_000L, 50_000L);
            assertThat(Fixtures.files(dir)).singleElement().asString().startsWith("." + job.id()).endsWith(".csv.tmp");

            source.release();
            ExportOutcome outcome = exports.completion(job.id()).get(30, TimeUnit.SECONDS);
            assertThat(outcome.job().totalRecords()).isEqualTo(100_000);
            assertThat(store.updates.get()).as("store writes for 100,000 rows").isLessThan(20);
        }
    }

    @Test
    void cancellingARunningExportStopsItAndLeavesNoFile() throws Exception {
        Fixtures.PausingSource source = new Fixtures.PausingSource(1_000_000, 10_000, true, 0);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(source).maxRecords(0).build()) {
            ExportJob job = exports.submit(request("students").build());
            source.awaitPause();
            assertThat(exports.cancel(job.id())).isTrue();
            source.release();

            ExportOutcome outcome = exports.completion(job.id()).get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(ExportOutcome.Cancelled.class);
            assertThat(outcome.job().status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(outcome.job().errorMessage()).contains("Cancelled by request.");
            assertThat(outcome.job().totalRecords()).isLessThan(20_000);
            assertThat(Fixtures.files(dir)).isEmpty();
            assertThat(exports.cancel(job.id())).as("cancel of a finished job").isFalse();
            assertThatThrownBy(() -> exports.open(job.id())).hasMessageContaining("is cancelled, not completed");
        }
    }

    @Test
    void cancellingAPendingJobCancelsItAtOnce() throws Exception {
        Fixtures.PausingSource source = new Fixtures.PausingSource(100, 10, true, 0);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(source).workers(1).build()) {
            ExportJob first = exports.submit(request("students").build());
            source.awaitPause();
            ExportJob second = exports.submit(request("students").build());
            assertThat(exports.cancel(second.id())).isTrue();
            assertThat(exports.job(second.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

            source.release();
            assertThat(exports.completion(first.id()).get(30, TimeUnit.SECONDS)).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(exports.completion(second.id()).get(30, TimeUnit.SECONDS)).isInstanceOf(ExportOutcome.Cancelled.class);
        }
    }

    @Test
    void aTimedOutExportFailsWithTheTimeoutInTheMessage() {
        Fixtures.PausingSource slow = new Fixtures.PausingSource(1_000_000, -1, true, 20_000);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(slow).maxRecords(0)
                .jobTimeout(Duration.ofMillis(300)).build()) {
            ExportOutcome outcome = exports.run(request("students").build());
            assertThat(outcome).isInstanceOf(ExportOutcome.Failed.class);
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("timed out").contains("EXPORT_JOB_TIMEOUT_SECONDS");
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }

    @Test
    void aFailingExporterLeavesAFailedJobAndNoFile() {
        try (ExportService exports = service(b -> b.exporter(new Fixtures.BrokenExporter(null)))) {
            ExportOutcome outcome = exports.run(request("students").format("broken").build());
            assertThat(outcome).isInstanceOf(ExportOutcome.Failed.class);
            assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(outcome.job().errorMessage().orElseThrow()).isEqualTo("Writing the export file failed: java.io.IOException: device exploded.");
            assertThat(outcome.job().fileName()).isEmpty();
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }

    @Test
    void anUnexpectedExporterErrorBecomesAClearFailure() {
        try (ExportService exports = service(b -> b.exporter(new Fixtures.BrokenExporter(new IllegalStateException("boom"))))) {
            ExportOutcome outcome = exports.run(request("courses").format("broken").build());
            // named by its class and place: an exception's message may quote the row's value it failed on
            assertThat(outcome.job().errorMessage().orElseThrow()).startsWith("Exporter 'broken' failed unexpectedly")
                    .contains("IllegalStateException").doesNotContain("boom");
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }

    @Test
    void aFailingDataSourceIsNamedInTheFailure() {
        InMemoryDataSource exploding = InMemoryDataSource.builder().objects(ExportType.COURSES, List.of("x", "y"), (row, key) -> {
            throw new IllegalStateException("connection reset");
        }).build();
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(exploding).build()) {
            ExportOutcome outcome = exports.run(request("courses").filter("semester", "Fall").build());
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("Data source 'in-memory' failed")
                    .contains("connection reset");
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }

    @Test
    void anExportOverTheRecordLimitFailsNamingCountAndLimit() {
        try (ExportService exports = service(b -> b.maxRecords(300))) {
            ExportOutcome outcome = exports.run(request("students").build());
            assertThat(outcome).isInstanceOf(ExportOutcome.Failed.class);
            assertThat(outcome.job().errorMessage().orElseThrow())
                    .contains("would hold 1,000 records, over the limit of 300 (EXPORT_MAX_RECORDS)");
            assertThat(Fixtures.files(dir)).isEmpty();

            ExportOutcome limited = exports.run(request("students").limit(300).build());
            assertThat(limited.job().totalRecords()).isEqualTo(300);
            assertThat(limited.job().warnings()).isEmpty();
        }
    }

    @Test
    void truncationAtTheRecordLimitIsVisible() {
        try (ExportService exports = service(b -> b.maxRecords(300).overLimit(OverLimitPolicy.TRUNCATE))) {
            ExportOutcome outcome = exports.run(request("students").build());
            assertThat(outcome).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(outcome.job().totalRecords()).isEqualTo(300);
            assertThat(outcome.job().warnings()).singleElement().asString().contains("truncated at 300 records");
            assertThat(Fixtures.readCsv(((ExportOutcome.Completed) outcome).file())).hasSize(301);
        }
    }

    @Test
    void theRecordLimitHoldsForSourcesThatCannotCount() {
        Fixtures.PausingSource uncountable = new Fixtures.PausingSource(5_000, -1, false, 0);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(uncountable).maxRecords(1_000).build()) {
            ExportOutcome outcome = exports.run(request("students").build());
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("more than 1,000 records");
            assertThat(Fixtures.files(dir)).isEmpty();
        }
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(uncountable).maxRecords(1_000)
                .overLimit(OverLimitPolicy.TRUNCATE).build()) {
            ExportOutcome outcome = exports.run(request("students").build());
            assertThat(outcome.job().totalRecords()).isEqualTo(1_000);
            assertThat(outcome.job().warnings()).hasSize(1);
        }
    }

    @Test
    void notifiersAndSinksHearOfEveryJobAndTheirFailuresNeverFailAnExport() throws Exception {
        List<ExportEvent> events = new CopyOnWriteArrayList<>();
        Notifier throwing = e -> {
            throw new IllegalStateException("smtp down");
        };
        try (ExportService exports = service(b -> b.notifier(events::add).notifier(throwing).metricsSink(m -> {
            throw new IllegalStateException("sink down");
        }))) {
            ExportOutcome ok = exports.run(request("courses").notifyEmail("alice@example.org").locale(Locale.forLanguageTag("el")).build());
            exports.run(request("courses").format("csv").limit(5).option("delimiter", "semicolon").build());
            assertThat(ok).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(events).hasSize(2);
            assertThat(events.get(0).job().notificationEmail()).contains("alice@example.org");
            assertThat(events.get(0).file()).contains(((ExportOutcome.Completed) ok).file());
            assertThat(events.get(0).locale().getLanguage()).isEqualTo("el");
            assertThat(exports.failedNotifications()).isEqualTo(2);
            assertThat(exports.failedMetricsRecords()).isEqualTo(2);
            List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"export_id\":\"" + ok.job().id() + "\"", "\"export_type\":\"courses\"",
                    "\"export_format\":\"csv\"", "\"total_records\":40", "\"status\":\"completed\"", "\"sha256\":\"",
                    "\"records_per_second\":", "\"file_size_mb\":", "\"error_message\":null");
        }
    }

    @Test
    void theJobRecordsWhatTheNotifierReports() {
        Notifier delivered = e -> e.report().notificationResult(true, java.util.Optional.empty());
        Notifier bounced = e -> e.report().notificationResult(false, java.util.Optional.of("550 mailbox unavailable"));
        try (ExportService exports = service(b -> b.notifier(delivered))) {
            ExportJob job = exports.run(request("courses").notifyEmail("a@uni.example").build()).job();
            assertThat(exports.job(job.id()).orElseThrow().notificationSent()).isTrue();
        }
        try (ExportService exports = service(b -> b.notifier(bounced))) {
            ExportJob job = exports.run(request("courses").notifyEmail("a@uni.example").build()).job();
            ExportJob after = exports.job(job.id()).orElseThrow();
            assertThat(after.notificationSent()).isFalse();
            assertThat(after.notificationError()).contains("550 mailbox unavailable");
            assertThat(after.status()).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Test
    void jobsAreListedPerOwnerNewestFirstAndCanBeOpenedAndDeleted() throws Exception {
        try (ExportService exports = service(b -> { })) {
            ExportJob a = exports.run(request("courses").owner("alice").build()).job();
            ExportJob b = exports.run(request("students").owner("bob").build()).job();
            ExportJob c = exports.run(request("grades").owner("alice").build()).job();

            assertThat(exports.jobs(JobFilter.all().withOwner("alice"))).extracting(ExportJob::id)
                    .containsExactlyInAnyOrder(a.id(), c.id());
            assertThat(exports.countJobs(JobFilter.all())).isEqualTo(3);
            try (InputStream in = exports.open(b.id())) {
                assertThat(in.readAllBytes()).hasSize((int) b.fileSizeBytes());
            }
            assertThat(exports.delete(b.id())).isTrue();
            assertThat(exports.job(b.id())).isEmpty();
            assertThat(Fixtures.files(dir)).hasSize(2);
        }
    }

    @Test
    void greekRequestsGetGreekHeaders() {
        try (ExportService exports = service(b -> { })) {
            ExportOutcome outcome = exports.run(request("students").locale(Locale.forLanguageTag("el")).limit(3).build());
            assertThat(Fixtures.readCsv(((ExportOutcome.Completed) outcome).file()).get(0))
                    .startsWith("Α/Α", "Αριθμός Μητρώου", "Όνομα", "Επώνυμο");
        }
    }

    @Test
    void closeCancelsQueuedJobsAndStopsItsThreads() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        Fixtures.PausingSource source = new Fixtures.PausingSource(1_000_000, 10, true, 0);
        ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(source).workers(1).maxRecords(0)
                .shutdownTimeout(Duration.ofMillis(200)).build();
        ExportJob running = exports.submit(request("students").build());
        source.awaitPause();
        ExportJob queued = exports.submit(request("students").build());
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            source.release();
        });
        release.start();
        exports.close();
        assertThat(exports.completion(running.id()).get(10, TimeUnit.SECONDS).job().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(exports.job(queued.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(exports.job(queued.id()).orElseThrow().errorMessage()).contains(
                "Cancelled because the export service shut down before the export finished. Submit it again.");
        assertThat(Fixtures.files(dir)).isEmpty();
        assertThatThrownBy(() -> exports.submit(request("students").build())).hasMessageContaining("closed");
        // every thread the service started (workers, reader, writer, heartbeat) has ended
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive()
                    && t.getName().startsWith("sms-export-")).map(Thread::getName).toList();
        } while (!left.isEmpty() && System.nanoTime() < end && sleep(20));
        assertThat(left).as("threads left after close()").isEmpty();
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
