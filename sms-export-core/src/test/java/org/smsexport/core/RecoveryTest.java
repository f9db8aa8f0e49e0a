package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.test.MutableClock;

/** Jobs left PENDING or RUNNING by a process that died are failed on start, and their temp files removed. */
class RecoveryTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

    private static ExportJob orphan(JobStatus status, Instant updated) {
        return ExportJob.builder().id(JobId.random()).type("students").format("csv").status(status).createdAt(updated)
                .updatedAt(updated).owner("alice").build();
    }

    /** Records a job of a process that stopped, its lease last renewed at {@code renewed} by the store's clock. */
    private static void insert(InMemoryJobStore store, MutableClock storeClock, ExportJob job, Instant renewed) {
        storeClock.set(renewed);
        store.insert(org.smsexport.spi.StoredJob.of(job, "deadprocess1", null, 0));
    }

    @Test
    void failsJobsInterruptedByACrashAndDeletesTheirTempFiles() throws Exception {
        MutableClock storeClock = new MutableClock(T0);
        InMemoryJobStore persistent = new InMemoryJobStore(storeClock);
        ExportJob running = orphan(JobStatus.RUNNING, T0);
        ExportJob pending = orphan(JobStatus.PENDING, T0);
        ExportJob done = orphan(JobStatus.COMPLETED, T0);
        List.of(running, pending, done).forEach(j -> insert(persistent, storeClock, j, T0));
        Path temp = Files.writeString(dir.resolve("." + running.id() + ".csv.tmp"), "half a file");
        Path stray = Files.writeString(dir.resolve("." + JobId.random() + ".pdf.tmp"), "left by an in-memory process");

        try (ExportService exports = ExportService.builder().outputDirectory(dir).jobStore(persistent)
                .clock(Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC)).dataSource(Fixtures.memory(5)).build()) {
            for (ExportJob j : List.of(running, pending)) {
                ExportJob now = exports.job(j.id()).orElseThrow();
                assertThat(now.status()).isEqualTo(JobStatus.FAILED);
                assertThat(now.errorMessage()).contains("Interrupted: the process running this export stopped before it finished. "
                        + "Submit it again.");
                assertThat(now.completedAt()).contains(T0.plusSeconds(5));
            }
            assertThat(exports.job(done.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(temp).doesNotExist();
            assertThat(stray).doesNotExist();
            assertThat(Files.readAllLines(dir.resolve("metrics.jsonl"))).hasSize(2).allMatch(l -> l.contains("\"status\":\"failed\""));
        }
    }

    @Test
    void workFilesLiveBesideTheExportOwnerOnlyAndNeverOutliveTheirJob() throws Exception {
        List<Path> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Boolean> visible = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.smsexport.spi.Exporter forgetful = new org.smsexport.spi.Exporter() {
            @Override
            public org.smsexport.ExportFormat format() {
                return new org.smsexport.ExportFormat("work", "work", "application/octet-stream");
            }

            @Override
            public void write(org.smsexport.spi.ExportSchema schema, org.smsexport.spi.RowCursor rows, java.io.OutputStream out,
                    org.smsexport.spi.ExportContext context) throws java.io.IOException {
                Path work = context.createTempFile(".xlsx");
                made.add(work);
                Files.writeString(work, "an unencrypted workbook");
                visible.add(Files.exists(work));
                out.write(1);
                // and "forgets" to delete it
            }
        };
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(5))
                .exporter(forgetful).build()) {
            ExportJob job = exports.run(org.smsexport.ExportRequest.builder().type("students").format("work").build()).job();
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(made).hasSize(1);
            Path work = made.get(0);
            assertThat(work.getParent()).isEqualTo(dir);
            assertThat(work.getFileName().toString()).startsWith("." + job.id() + ".work").endsWith(".xlsx.tmp");
            assertThat(visible).containsExactly(true);
            assertThat(work).as("deleted with its job").doesNotExist();
        }
        // a crash mid-export leaves the work file: the next start deletes it with the job's other temp files
        ExportJob running = orphan(JobStatus.RUNNING, T0);
        MutableClock storeClock = new MutableClock(T0);
        InMemoryJobStore persistent = new InMemoryJobStore(storeClock);
        insert(persistent, storeClock, running, T0);
        Path left = Files.writeString(dir.resolve("." + running.id() + ".work123.xlsx.tmp"), "plain workbook");
        try (ExportService exports = ExportService.builder().outputDirectory(dir).jobStore(persistent)
                .clock(Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC)).dataSource(Fixtures.memory(5)).build()) {
            assertThat(exports.job(running.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
            assertThat(left).doesNotExist();
        }
    }

    @Test
    void aJobKilledAfterPublishingBeforeRecordingLeavesNoFileAndWorkFilesOfLostRecordsGo() throws Exception {
        MutableClock storeClock = new MutableClock(T0);
        InMemoryJobStore shared = new InMemoryJobStore(storeClock);
        ExportJob stale = orphan(JobStatus.RUNNING, T0.minusSeconds(300));
        ExportJob alive = orphan(JobStatus.RUNNING, T0.minusSeconds(5));
        insert(shared, storeClock, stale, T0.minusSeconds(300));
        insert(shared, storeClock, alive, T0.minusSeconds(5));
        storeClock.set(T0);
        // published under its final name, then killed before the record said COMPLETED
        Path published = Files.writeString(dir.resolve("students_20261201_080000_" + stale.id() + ".csv"), "ID\n1\n");
        // a work file whose job record was lost with the crash, and one of a job still running elsewhere
        Path lost = Files.writeString(dir.resolve("." + JobId.random() + ".work1.xlsx.enc.tmp"), "ciphertext");
        Path living = Files.writeString(dir.resolve("." + alive.id() + ".csv.tmp"), "rows");
        try (ExportService exports = ExportService.builder().outputDirectory(dir).jobStore(shared)
                .clock(Clock.fixed(T0, ZoneOffset.UTC)).recoveryGrace(Duration.ofSeconds(60)).dataSource(Fixtures.memory(5))
                .build()) {
            ExportJob failed = exports.job(stale.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(published).as("a failed job has no file").doesNotExist();
            assertThat(lost).as("no unfinished job names it").doesNotExist();
            assertThat(living).as("its job may still run on another node").exists();
        }
    }

    @Test
    void withAGraceOnlyStaleJobsOfOtherProcessesAreRecovered() {
        MutableClock storeClock = new MutableClock(T0);
        InMemoryJobStore shared = new InMemoryJobStore(storeClock);
        ExportJob stale = orphan(JobStatus.RUNNING, T0.minusSeconds(300));
        ExportJob alive = orphan(JobStatus.RUNNING, T0.minusSeconds(5));
        insert(shared, storeClock, stale, T0.minusSeconds(300));
        insert(shared, storeClock, alive, T0.minusSeconds(5));
        storeClock.set(T0);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).jobStore(shared)
                .clock(Clock.fixed(T0, ZoneOffset.UTC)).recoveryGrace(Duration.ofSeconds(60)).dataSource(Fixtures.memory(5))
                .build()) {
            assertThat(exports.job(stale.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
            assertThat(exports.job(alive.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void aCancelRecordedByAnotherProcessStopsTheJob() throws Exception {
        InMemoryJobStore shared = new InMemoryJobStore();
        Fixtures.PausingSource source = new Fixtures.PausingSource(1_000_000, 5_000, true, 0);
        try (ExportService worker = ExportService.builder().outputDirectory(dir).jobStore(shared).dataSource(source)
                .recoveryGrace(Duration.ofMinutes(5)).maxRecords(0).build();
                ExportService other = ExportService.builder().outputDirectory(dir).jobStore(shared).dataSource(source)
                        .recoveryGrace(Duration.ofMinutes(5)).noMetricsFile().build()) {
            ExportJob job = worker.submit(org.smsexport.ExportRequest.builder().type("students").format("csv").build());
            source.awaitPause();
            assertThat(other.cancel(job.id())).isTrue();
            source.release();
            assertThat(worker.completion(job.id()).get(30, java.util.concurrent.TimeUnit.SECONDS).job().status())
                    .isEqualTo(JobStatus.CANCELLED);
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }
}
