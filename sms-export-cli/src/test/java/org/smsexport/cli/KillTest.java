package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.test.Await;

/**
 * kill -9 of the CLI in the middle of an export, and of {@code serve} right after it answered 202, on the demo's
 * embedded H2 file: the job's record is still there afterwards, no clear workbook, CSV or PDF of an encrypted
 * export is anywhere on disk, and nothing was put into the system's temporary directory.
 */
class KillTest {

    @TempDir
    static Path dir;

    private static String h2;
    private static String postgresql;
    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;

    @BeforeAll
    static void databases() throws IOException {
        Path demo = dir.resolve("demo");
        // enough grades that every format takes a while to write
        SampleData.load(JdbcDataSource.driverManager(DemoCommand.url(demo, false), "sa", ""), SmsSchema.standard(), 20_000);
        h2 = DemoCommand.url(demo, true) + ";USER=sa";
        pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
        postgresql = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
        SampleData.load(JdbcDataSource.driverManager(postgresql, null, null), SmsSchema.standard(), 20_000);
    }

    @org.junit.jupiter.api.AfterAll
    static void stopPostgresql() throws IOException {
        pg.close();
    }

    /** A CLI command in a JVM of its own, its temporary directory one of the test's. */
    private static Process start(Path tmp, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:-UsePerfData", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path logs = Files.createDirectories(Path.of("target", "kill-test"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(args[0] + "-" + System.nanoTime() + ".log")
                .toFile()).start();
    }

    /** @return a job's temporary or work file ({@code .<job id>….tmp}) that already holds data: the export writes rows */
    private static Optional<Path> workFile(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().matches("\\.[a-z2-7]{20}\\..*\\.tmp")).filter(p -> p.toFile().length() > 0)
                    .findFirst();
        }
    }

    private static Optional<String> status(String url, String id) throws Exception {
        DataSource db = url.startsWith("jdbc:h2:") ? JdbcDataSource.driverManager(url, "sa", "") : JdbcDataSource.driverManager(url, null, null);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT status FROM sms_export_jobs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * @return whether a file holds clear text of an export: a ZIP (XLSX, or a CSV's clear archive), a CSV header, or a PDF
     *         with a page whose content stream inflates to text operators (an encrypted PDF starts with {@code %PDF} too,
     *         but its streams are ciphertext)
     */
    private static boolean clear(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        String head = s.substring(0, Math.min(16, s.length()));
        if (head.startsWith("%PDF")) {
            return clearPage(b, s);
        }
        return head.startsWith("PK\u0003\u0004") && !f.getFileName().toString().contains("csv") || head.contains("ID,")
                || head.contains("Student");
    }

    private static boolean clearPage(byte[] b, String s) {
        for (int i = s.indexOf("stream"); i >= 0; i = s.indexOf("stream", i + 6)) {
            int start = i + 6;
            if (start < s.length() && s.charAt(start) == '\r') {
                start++;
            }
            if (start >= s.length() || s.charAt(start) != '\n') {
                continue;
            }
            java.util.zip.Inflater inflater = new java.util.zip.Inflater();
            try {
                inflater.setInput(b, start + 1, Math.min(b.length - start - 1, 1 << 20));
                byte[] out = new byte[1 << 16];
                String text = new String(out, 0, inflater.inflate(out), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains("BT") && (text.contains("Tj") || text.contains("TJ"))) {
                    return true;
                }
            } catch (java.util.zip.DataFormatException ciphertext) {
                // not a clear deflated stream
            } finally {
                inflater.end();
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}, {1}, password {2}")
    @CsvSource({"h2, csv, false", "h2, csv, true", "h2, xlsx, false", "h2, xlsx, true", "h2, pdf, false", "h2, pdf, true",
        "postgresql, csv, true", "postgresql, xlsx, true", "postgresql, pdf, true"})
    void anExportKilledMidwayKeepsItsRecordAndLeavesNoClearText(String database, String format, boolean encrypted) throws Exception {
        String url = database.equals("h2") ? h2 : postgresql;
        Path out = dir.resolve("out-" + database + "-" + format + "-" + encrypted);
        Path tmp = Files.createDirectories(dir.resolve("tmp-" + database + "-" + format + "-" + encrypted));
        List<String> args = new ArrayList<>(List.of("export", "--type", "grades", "--format", format, "--db", url, "--out", out.toString()));
        if (encrypted) {
            args.addAll(List.of("--option", "password=Κωδικός-42"));
        }
        Process p = start(tmp, args.toArray(String[]::new));
        // what a crash leaves is on disk once rows are being written: the work files as they are then
        Await.until("the export writing rows", () -> workFile(out).isPresent() || !p.isAlive(), Duration.ofSeconds(60));
        Optional<Path> work = workFile(out);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(work).as("the export was caught while it wrote").isPresent();
        String id = work.get().getFileName().toString().substring(1, 21);
        assertThat(status(url, id)).as("the job's record survives kill -9").isPresent();
        if (encrypted) {
            try (Stream<Path> left = Files.list(out)) {
                for (Path f : (Iterable<Path>) left::iterator) {
                    if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".jsonl") && !f.getFileName().toString().equals(".link-secret")) {
                        assertThat(clear(f)).as(f + " holds clear student data").isFalse();
                    }
                }
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).as("nothing in the system temporary directory").isEmpty();
        }
    }

    @Test
    void serveKilledRightAfter202KeepsTheJob() throws Exception {
        Path out = dir.resolve("served");
        Path tmp = Files.createDirectories(dir.resolve("tmp-serve"));
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = h2;
        Process p = start(tmp, "serve", "--db", url, "--out", out.toString(), "--port", String.valueOf(port), "--token",
                "alice:alice-secret:user", "--run-schedules", "false");
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        try {
            Await.until("serve answering", () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200, Duration.ofSeconds(60));
            for (String format : List.of("csv", "xlsx", "pdf", "csv")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/import-export/exports"))
                        .header("Authorization", "Bearer alice-secret").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"export_type\":\"grades\",\"export_format\":\"" + format + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                ids.add(r.body().replaceAll(".*\"id\":\"([a-z2-7]{20})\".*", "$1"));
            }
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (String id : ids) {
            assertThat(status(url, id)).as("job " + id + ", answered 202 before kill -9").isPresent();
        }
    }

    private static boolean listed(String node) throws Exception {
        try (Connection c = JdbcDataSource.driverManager(postgresql, null, null).getConnection();
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM sms_export_nodes WHERE name = ?")) {
            s.setString(1, node);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (java.sql.SQLException noTableYet) {
            return false;
        }
    }

    @Test
    void aWorkerStoppedWithSigtermClosesAndLeavesTheNodeList() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp-worker"));
        Process p = start(tmp, "worker", "--db", postgresql, "--out", dir.resolve("worker-out").toString(), "--node", "w-term");
        Await.until("the worker joined the list", () -> listed("w-term") || !p.isAlive(), Duration.ofSeconds(60));
        assertThat(p.isAlive()).as("the worker runs").isTrue();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        assertThat(listed("w-term")).as("a stopped worker leaves /nodes").isFalse();
    }
}
