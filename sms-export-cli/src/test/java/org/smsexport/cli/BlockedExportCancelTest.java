package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.test.Await;
import org.smsexport.test.PostgresLocks;

/**
 * An export whose query waits on a table lock another session holds ({@code LOCK TABLE … IN ACCESS EXCLUSIVE MODE}),
 * cancelled over REST: the job is CANCELLED within 2 s, and PostgreSQL has no query of ours still waiting.
 */
class BlockedExportCancelTest {

    @TempDir
    Path dir;

    @Test
    void aCancelOverRestEndsAnExportBlockedOnALockAtOnce() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
            DataSource db = JdbcDataSource.driverManager("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres", null,
                    null);
            SampleData.load(db, SmsSchema.standard(), 300);
            JdbcJobStore store = JdbcJobStore.create(db);
            Map<String, RestServer.User> tokens = new HashMap<>();
            RestServer.parseToken("alice:alice-secret:user", tokens);
            try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(store).outputDirectory(dir)
                    .maxRecords(0).downloadLinks("http://localhost").build();
                    RestServer server = new RestServer(exports, tokens, "127.0.0.1", 0, null);
                    Connection locker = db.getConnection(); Connection watcher = db.getConnection()) {
                server.start();
                int lockerPid = PostgresLocks.lock(locker, "students");
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port() + "/api/v1/import-export/exports";
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer alice-secret")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"export_type\":\"students\",\"export_format\":\"csv\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).isEqualTo(202);
                JobId id = JobId.of(created.body().replaceAll(".*\"id\":\"([a-z2-7]{20})\".*", "$1"));
                Await.until("the export's queries waiting on the lock", () -> PostgresLocks.waiting(watcher, lockerPid) > 0);

                Instant asked = Instant.now();
                HttpResponse<String> cancelled = http.send(HttpRequest.newBuilder(URI.create(base + "/" + id))
                        .header("Authorization", "Bearer alice-secret").DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(cancelled.statusCode()).isEqualTo(200);
                Await.until("the job ending", () -> store.find(id).orElseThrow().job().status().isTerminal());
                ExportJob job = store.find(id).orElseThrow().job();
                assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
                assertThat(Duration.between(asked, job.completedAt().orElseThrow())).as("cancelled while the lock is still held")
                        .isLessThan(Duration.ofSeconds(2));
                Await.until("no query of ours waiting in PostgreSQL", () -> PostgresLocks.waiting(watcher, lockerPid) == 0);
                locker.rollback();
            }
        }
    }
}
