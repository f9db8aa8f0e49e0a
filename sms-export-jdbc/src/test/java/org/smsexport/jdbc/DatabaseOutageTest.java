package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.test.Await;
import org.smsexport.test.GatedDataSource;

/**
 * PostgreSQL stopped under a running export and started again: the job's end is recorded once the database
 * answers (never a job RUNNING for ever), and it can be cancelled or deleted afterwards.
 */
class DatabaseOutageTest {

    @TempDir
    Path data;

    @TempDir
    Path out;

    private EmbeddedPostgres pg;
    private int port;

    @BeforeEach
    void start() throws IOException {
        pg = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg")).setCleanDataDirectory(false).start();
        port = pg.getPort();
    }

    @AfterEach
    void stop() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    private void restart() throws IOException {
        pg = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg")).setCleanDataDirectory(false).setPort(port).start();
    }

    /** Connections to the server at its port, whichever process serves it now (the pool-less way a host reconnects). */
    private DataSource database() {
        return JdbcDataSource.driverManager("jdbc:postgresql://localhost:" + port + "/postgres?connectTimeout=2", "postgres", "");
    }

    private static boolean noTemp(Path dir) {
        try (var files = Files.list(dir)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anExportWhoseDatabaseGoesAwayEndsFailedWhenItIsBack() throws Exception {
        DataSource db = database();
        SampleData.load(db, SmsSchema.standard(), 30_000);
        GatedDataSource source = GatedDataSource.before(JdbcDataSource.of(db), 100);
        try (ExportService exports = ExportService.builder().outputDirectory(out).dataSource(source).jobStore(JdbcJobStore.create(db))
                .maxRecords(0).build()) {
            ExportJob job = exports.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            assertThat(source.awaitReached(java.time.Duration.ofSeconds(60))).isTrue();
            pg.close(); // the source's next fetch and the job's record both fail now
            pg = null;
            source.open();
            // the run has given up its file: its end is being written, and cannot be while the server is down
            Await.until("the run's temporary file is gone", () -> noTemp(out));
            restart();
            Await.until("the job's end is recorded", () -> exports.job(job.id()).map(j -> j.status().isTerminal()).orElse(false));
            ExportJob ended = exports.job(job.id()).orElseThrow();
            assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
            assertThat(ended.errorMessage().orElseThrow()).contains("students");
            assertThat(exports.delete(job.id(), "alice")).as("a failed job can be deleted").isTrue();
            assertThat(noTemp(out)).isTrue();
        }
    }

    @Test
    void anExportWhoseJobStoreGoesAwayCompletesWhenItIsBack() throws Exception {
        DataSource db = database();
        List<Object[]> rows = new java.util.ArrayList<>();
        org.smsexport.sample.SmsData.standard().rows(ExportType.STUDENTS, 5_000).forEachRemaining(rows::add);
        GatedDataSource source = GatedDataSource.before(org.smsexport.core.InMemoryDataSource.builder().rows(ExportType.STUDENTS, rows).build(), 100);
        try (ExportService exports = ExportService.builder().outputDirectory(out).dataSource(source).jobStore(JdbcJobStore.create(db))
                .build()) {
            ExportJob job = exports.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            assertThat(source.awaitReached(java.time.Duration.ofSeconds(60))).isTrue();
            pg.close();
            pg = null;
            source.open();
            // every row is written; the write that proves the job is still this node's (before the file is published)
            // and the record that says it completed wait for the database
            Await.until("every row is written", () -> lines(out, job.id().value()) == 5_001);
            restart();
            Await.until("the job's end is recorded", () -> exports.job(job.id()).map(j -> j.status().isTerminal()).orElse(false));
            ExportJob ended = exports.job(job.id()).orElseThrow();
            assertThat(ended.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(ended.totalRecords()).isEqualTo(5_000);
            Path file = exports.file(job.id());
            assertThat(ended.sha256()).contains(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
    }

    /** @return the lines of the job's temporary file, or -1 while there is none */
    private static long lines(Path dir, String id) {
        try (var files = Files.list(dir)) {
            Path temp = files.filter(f -> f.getFileName().toString().startsWith("." + id) && f.getFileName().toString().endsWith(".tmp"))
                    .findFirst().orElse(null);
            if (temp == null) {
                return -1;
            }
            byte[] b = Files.readAllBytes(temp);
            long n = 0;
            for (byte x : b) {
                if (x == '\n') {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void closingHandsRunningAndQueuedJobsBackToTheQueueWithoutUsingAnAttempt() throws Exception {
        DataSource db = database();
        JdbcJobStore store = JdbcJobStore.create(db);
        List<Object[]> rows = new java.util.ArrayList<>();
        org.smsexport.sample.SmsData.standard().rows(ExportType.STUDENTS, 2_000).forEachRemaining(rows::add);
        org.smsexport.core.InMemoryDataSource students = org.smsexport.core.InMemoryDataSource.builder().rows(ExportType.STUDENTS, rows).build();
        GatedDataSource held = GatedDataSource.before(students, 100);
        ExportJob running;
        ExportJob queued;
        try (ExportService a = ExportService.builder().outputDirectory(out).dataSource(held).jobStore(store).workers(1).nodeName("a")
                .shutdownTimeout(java.time.Duration.ofMillis(200)).maxRecords(0).build()) {
            running = a.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            assertThat(held.awaitReached(java.time.Duration.ofSeconds(60))).isTrue();
            queued = a.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
        } // closed: the running job outlives the shutdown time, the other never started
        for (ExportJob j : List.of(running, queued)) {
            ExportJob back = store.find(j.id()).orElseThrow().job();
            assertThat(back.status()).isEqualTo(JobStatus.PENDING);
            assertThat(back.node()).isEmpty();
            assertThat(back.attempts()).as("no attempt used").isZero();
        }
        assertThat(noTemp(out)).isTrue();
        try (ExportService b = ExportService.builder().outputDirectory(out).dataSource(students).jobStore(store).workers(1).nodeName("b")
                .queuePoll(java.time.Duration.ofMillis(20)).maxRecords(0).build()) {
            assertThat(b.config().nodeName()).isEqualTo("b");
            for (ExportJob j : List.of(running, queued)) {
                Await.until("the next node ran it", () -> store.find(j.id()).map(x -> x.job().status() == JobStatus.COMPLETED).orElse(false));
                ExportJob done = store.find(j.id()).orElseThrow().job();
                assertThat(done.node()).contains("b");
                assertThat(done.attempts()).isEqualTo(1);
            }
        }
    }
}
