package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcAuditSink;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.test.Await;

/**
 * Three {@code worker} JVMs and a front node on a real PostgreSQL; the worker running a job is frozen with SIGSTOP in
 * the middle of its export for longer than the grace, the job completes on another worker, and the frozen one is
 * resumed with SIGCONT. It lost the job's lease: its log says so, and it records nothing — the job's SHA-256 is the
 * published file's, and there is one COMPLETED audit record, one metrics line and one mail for the job.
 */
class StalledWorkerTest {

    @TempDir
    Path dir;

    private final List<Process> workers = new ArrayList<>();
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private GreenMail smtp;

    @AfterEach
    void stop() throws IOException {
        for (Process p : workers) {
            signal(p, "CONT");
            p.destroyForcibly();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static void signal(Process p, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWorkerFrozenMidExportLosesItsJobAndWritesNothingWhenItWakes() throws Exception {
        pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
        DataSource db = JdbcDataSource.driverManager(url, null, null);
        SampleData.load(db, SmsSchema.standard(), 2_000);
        int port = freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        smtp.start();
        Path out = Files.createDirectories(dir.resolve("exports"));
        Map<String, String> env = Map.of("EXPORT_RECOVERY_GRACE_SECONDS", "3", "EXPORT_QUEUE_POLL_MS", "100",
                "ENABLE_EMAIL_NOTIFICATIONS", "true", "SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(port),
                "SMTP_FROM_ADDRESS", "exports@school.example", "SMTP_USE_TLS", "false");
        JdbcJobStore store = JdbcJobStore.create(db);
        List<Path> logs = new ArrayList<>();
        for (String node : List.of("w1", "w2", "w3")) {
            Path log = dir.resolve(node + ".log");
            logs.add(log);
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--db", url,
                    "--out", dir.toString(), "--node", node, "--workers", "1");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            workers.add(pb.start());
        }
        try {
            Await.until("three workers in sms_export_nodes", () -> store.nodes().size() == 3);
        } catch (AssertionError e) {
            StringBuilder all = new StringBuilder(e.getMessage());
            for (Path log : logs) {
                all.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
            }
            throw new AssertionError(all.toString(), e);
        }

        try (ExportService front = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(store).sharedDatabase(db)
                .auditSink(JdbcAuditSink.create(db)).outputDirectory(out).workers(0).nodeName("front").build();
                Connection locker = db.getConnection()) {
            // the export waits for this lock in its query: it is certainly mid-export when its worker is frozen
            org.smsexport.test.PostgresLocks.lock(locker, "grades");
            ExportJob job = front.submit(ExportRequest.builder().type("grades").format("csv").owner("alice")
                    .notifyEmail("office@school.example").build());
            Await.until("a worker running the job", () -> store.find(job.id()).map(s -> s.job().status() == JobStatus.RUNNING)
                    .orElse(false));
            String first = store.find(job.id()).orElseThrow().job().node().orElseThrow();
            Process frozen = workers.get(Integer.parseInt(first.substring(1)) - 1);
            signal(frozen, "STOP");
            locker.commit(); // the query may go on now, but its node stands still
            Await.until("another worker completing the job", () -> store.find(job.id()).map(s -> s.job().status() == JobStatus.COMPLETED)
                    .orElse(false), java.time.Duration.ofSeconds(120));
            // the completing worker records its mail's outcome on the job after it: the record is final only then
            Await.until("the mail's outcome on the job", () -> store.find(job.id()).map(s -> s.job().notificationSent()).orElse(false));
            ExportJob done = store.find(job.id()).orElseThrow().job();
            assertThat(done.node()).isPresent().get().isNotEqualTo(first);
            assertThat(done.attempts()).isEqualTo(2);

            signal(frozen, "CONT");
            Path frozenLog = logs.get(workers.indexOf(frozen));
            Await.until(first + " saying it lost the job", () -> Files.readString(frozenLog).contains("Job " + job.id() + ": this node lost it"));
            Await.until("no temporary file of the job left", () -> {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.noneMatch(p -> p.getFileName().toString().startsWith("." + job.id()));
                }
            });
            Await.until("the mail", () -> smtp.getReceivedMessages().length >= 1);

            ExportJob now = store.find(job.id()).orElseThrow().job();
            assertThat(now).as("the resumed node changed nothing").isEqualTo(done);
            Path file = dir.resolve(now.fileName().orElseThrow());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                    .isEqualTo(now.sha256().orElseThrow());
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM sms_export_audit WHERE job_id = ? AND event = 'completed'")) {
                ps.setString(1, job.id().value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("COMPLETED audit records").isEqualTo(1);
                }
            }
            List<String> metrics = new ArrayList<>();
            for (Path m : List.of(dir.resolve("metrics.jsonl"))) {
                if (Files.exists(m)) {
                    Files.readAllLines(m).stream().filter(l -> l.contains(job.id().value())).forEach(metrics::add);
                }
            }
            assertThat(metrics).as("metrics lines of the job").hasSize(1);
            assertThat(smtp.getReceivedMessages()).as("mails").hasSize(1);
        }
    }
}
