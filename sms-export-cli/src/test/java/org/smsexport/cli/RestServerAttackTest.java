package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobId;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.mail.MailNotifier;
import org.smsexport.sample.SmsData;
import org.smsexport.scheduler.ExportScheduler;

/**
 * The server as an attacker finds it: raw sockets that stall, lie about their size, send bytes no client
 * would; every answer must be quick and in the JSON envelope, and nothing may freeze the server.
 */
class RestServerAttackTest {

    private static final String TOKEN = "alice-secret";
    private static final java.util.concurrent.atomic.AtomicInteger DB = new java.util.concurrent.atomic.AtomicInteger();

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private ExportService exports;
    private ExportScheduler scheduler;
    private RestServer server;
    private final List<Socket> open = new ArrayList<>();

    @BeforeEach
    void start() {
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(ExportType.STUDENTS, 20).forEachRemaining(rows::add);
        exports = ExportService.builder().dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, rows).build())
                .outputDirectory(dir).notifier(new MailNotifier(org.smsexport.mail.MailConfig.from(Map.of()))).downloadLinks("http://localhost").build();
        scheduler = ExportScheduler.create(exports,
                JdbcDataSource.driverManager("jdbc:h2:mem:attack" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", ""));
        Map<String, RestServer.User> tokens = new HashMap<>();
        RestServer.parseToken("alice:" + TOKEN + ":user", tokens);
        this.tokens = tokens;
        server = new RestServer(exports, scheduler, tokens, "127.0.0.1", 0, null, Duration.ofSeconds(1));
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        server.close();
        scheduler.close();
        exports.close();
    }

    /** A raw HTTP exchange: status line and body of the answer, read until the server closes. */
    private record Answer(int status, String head, String body) {
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
        open.add(s);
        return s;
    }

    private Answer send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private Answer send(byte[] request) throws IOException {
        Socket s = connect();
        s.setSoTimeout(5_000);
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        return read(s);
    }

    private static Answer read(Socket s) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what arrived is the answer
        } catch (IOException e) {
            // a reset after the answer: what arrived is the answer
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        int status = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
        return new Answer(status, head, end < 0 ? "" : text.substring(end + 4));
    }

    private static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + String.join("", headers) + "\r\n";
    }

    private static String post(String target, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n"
                + new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static final String AUTH = "Authorization: Bearer " + TOKEN + "\r\n";

    /** @return the error code, after checking the answer is the envelope with a message */
    private String envelope(Answer a) throws IOException {
        assertThat(a.head()).as(a.head()).containsIgnoringCase("Content-Type: application/json");
        JsonNode n = json.readTree(a.body());
        assertThat(n.get("success").asBoolean()).as(a.body()).isFalse();
        assertThat(n.get("error").get("message").asText()).isNotBlank();
        return n.get("error").get("code").asText();
    }

    private String completedJob() {
        return exports.run(ExportRequest.builder().type("students").format("csv").owner("alice").build()).job().id().value();
    }

    private Map<String, RestServer.User> tokens;

    /** 100 connections stalled in their headers and 100 in their bodies. */
    private List<Socket> stall() throws IOException {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Socket s = connect();
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        for (int i = 0; i < 100; i++) {
            Socket s = connect();
            s.getOutputStream().write(("POST /api/v1/import-export/exports HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Content-Length: 60000\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        return slow;
    }

    /** A POST as a browser sends it: the Host with the server's port. */
    private String post(String target, String type, String body, String... headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nConnection: close\r\n" + AUTH + (type == null ? "" : "Content-Type: "
                + type + "\r\n") + String.join("", headers) + "Content-Length: " + bytes.length + "\r\n\r\n"
                + new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void refusesWhatAPageOfAnotherSiteMakesABrowserSend() throws Exception {
        String exports = "/api/v1/import-export/exports";
        String body = "{\"export_type\":\"students\",\"export_format\":\"csv\",\"notify_email\":\"attacker@evil.example\"}";
        String schedule = "{\"export_type\":\"grades\",\"export_format\":\"csv\",\"frequency\":\"hourly\"}";
        // <form enctype="text/plain">, a form-encoded form, and a no-cors fetch without a type: a browser sends them
        // cross-site without asking, with the credentials it holds
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null}) {
            Answer a = send(post(exports, type, body));
            assertThat(a.status()).as(String.valueOf(type)).isEqualTo(415);
            assertThat(envelope(a)).isEqualTo("unsupported_media_type");
            assertThat(send(post("/api/v1/import-export/schedules", type, schedule)).status()).isEqualTo(415);
        }
        for (String origin : new String[] {"Origin: http://evil.example\r\n", "Origin: null\r\n", "Origin: http://127.0.0.1.evil.example\r\n",
            "Sec-Fetch-Site: cross-site\r\n", "Sec-Fetch-Site: same-site\r\n"}) {
            Answer a = send(post(exports, "application/json", body, origin));
            assertThat(a.status()).as(origin).isEqualTo(403);
            assertThat(envelope(a)).isEqualTo("cross_site");
        }
        assertThat(exports().size()).as("no job was made").isZero();
        assertThat(scheduler.list()).isEmpty();
        // a schedule's 'run now' has no body: it still must say JSON, and come from here
        String id = scheduler.schedule(org.smsexport.scheduler.ScheduleRequest.builder("alice", "students", "csv")
                .frequency("hourly").build());
        assertThat(send(post("/api/v1/import-export/schedules/" + id + "/run", null, "")).status()).isEqualTo(415);
        assertThat(send(post("/api/v1/import-export/schedules/" + id + "/run", "application/json", "",
                "Origin: http://evil.example\r\n")).status()).isEqualTo(403);
        assertThat(exports().size()).isZero();
        // the server's own page: its origin, same-origin fetch metadata
        String own = "Origin: http://127.0.0.1:" + server.port() + "\r\nSec-Fetch-Site: same-origin\r\n";
        assertThat(send(post(exports, "application/json; charset=utf-8", body, own)).status()).isEqualTo(202);
        assertThat(send(post("/api/v1/import-export/schedules/" + id + "/run", "application/json", "", own)).status()).isEqualTo(200);
        // a CORS preflight is never granted
        Answer preflight = send("OPTIONS " + exports + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nOrigin: http://evil.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n");
        assertThat(preflight.head()).doesNotContainIgnoringCase("Access-Control-Allow");
    }

    private List<org.smsexport.ExportJob> exports() {
        return exports.jobs(org.smsexport.JobFilter.all());
    }

    @Test
    void clientsThatDoNotReadTheirDownloadsHoldNoThread() throws Exception {
        // a file of about 20 MB, from rows made as they are read
        Path bigDir = Files.createDirectory(dir.resolve("big"));
        Iterable<Object[]> students = () -> SmsData.standard().rows(ExportType.STUDENTS, 150_000);
        try (ExportService big = ExportService.builder().dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, students).build())
                .outputDirectory(bigDir).maxRecords(0).downloadLinks("http://localhost").build();
                RestServer patient = new RestServer(big, null, tokens, "127.0.0.1", 0, null, Duration.ofSeconds(30))) {
            patient.start();
            org.smsexport.ExportJob job = big.run(ExportRequest.builder().type("students").format("csv").owner("alice").build()).job();
            assertThat(job.fileSizeBytes()).isGreaterThan(15_000_000L);
            String get = "GET /api/v1/export-jobs/" + job.id() + "/download?token=" + big.downloadLinks().orElseThrow().token(job.id(), "alice")
                    + " HTTP/1.1\r\nHost: x\r\n\r\n";
            // 100 downloads (more than the server has threads) from 7 addresses, none read: each client stays within its limit
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket();
                open.add(s);
                s.setReceiveBufferSize(4096);
                s.bind(new InetSocketAddress("127.0.0." + (2 + i / org.smsexport.rest.ExportApi.MAX_DOWNLOADS_PER_CLIENT), 0));
                s.connect(new InetSocketAddress("127.0.0.1", patient.port()), 2_000);
                s.getOutputStream().write(get.getBytes(StandardCharsets.US_ASCII));
                stalled.add(s);
            }
            // every download has started (its status line arrived), and from now on none is read further
            for (Socket s : stalled) {
                s.setSoTimeout(10_000);
                assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            }
            long started = System.nanoTime();
            Socket probe = new Socket();
            open.add(probe);
            probe.connect(new InetSocketAddress("127.0.0.1", patient.port()), 2_000);
            probe.setSoTimeout(5_000);
            probe.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Answer health = read(probe);
            assertThat(health.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("health beside 100 stalled downloads").isLessThan(Duration.ofSeconds(1));
            // one client address with as many downloads running as it may have: the next one waits its turn
            Socket greedy = new Socket();
            open.add(greedy);
            greedy.bind(new InetSocketAddress("127.0.0.2", 0));
            greedy.connect(new InetSocketAddress("127.0.0.1", patient.port()), 2_000);
            greedy.setSoTimeout(5_000);
            greedy.getOutputStream().write(get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Answer refused = read(greedy);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(envelope(refused)).isEqualTo("too_many_requests");
        }
    }

    @Test
    void idleAndSlowConnectionsFreezeNothing() throws Exception {
        // an idle timeout (5 s) well above the answer's limit (2 s): a server frozen by the stalled connections
        // could only answer once they are closed, so a busy machine's slowness cannot be mistaken for a freeze
        RestServer patient = new RestServer(exports, scheduler, tokens, "127.0.0.1", 0, null, Duration.ofSeconds(5));
        RestServer shared = server;
        server = patient;
        try {
            patient.start();
            stall();
            long started = System.nanoTime();
            Answer health = send(get("/health"));
            assertThat(health.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        } finally {
            server = shared;
            patient.close();
        }
    }

    @Test
    void idleAndSlowConnectionsAreClosedAfterTheReadTimeout() throws Exception {
        List<Socket> slow = stall();
        // the idle timeout is 1 s here: every stalled connection is answered or closed well within 10 s
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Socket s : slow) {
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                read(s);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("a stalled connection was still open 10 s after the 1 s idle timeout", e);
            } catch (IOException e) {
                // closed by the server: what is wanted
            }
        }
        assertThat(System.nanoTime()).isLessThan(deadline);
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect();
            s.setSoTimeout(3_000);
            long started = System.nanoTime();
            s.getOutputStream().write(("POST /api/v1/import-export/exports HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Content-Length: 1000000\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            Answer a = read(s);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered without waiting for the body")
                    .isLessThan(Duration.ofSeconds(2));
            answers.add(a);
        }
        for (Answer a : answers) {
            assertThat(a.status()).isEqualTo(413);
            assertThat(envelope(a)).isEqualTo("payload_too_large");
        }
        String chunk = "x".repeat(70_000);
        Answer chunked = send("POST /api/v1/import-export/exports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + AUTH
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(envelope(chunked)).isEqualTo("payload_too_large");
    }

    @Test
    void pathsThatNameNoJobAre404InTheEnvelope() throws Exception {
        for (String path : List.of("/api/v1/export-jobs/download", "/api/v1/export-jobs//download", "/api/v1/export-jobs/x/y/download",
                "/api/v1/export-jobs/" + JobId.random() + "/download?token=1.x", "/api/v1/import-export/exports/", "/nope",
                "/api/v1/import-export/exports/..%2F..%2Fetc")) {
            Answer a = send(get(path, AUTH));
            assertThat(a.status()).as(path).isIn(400, 404);
            assertThat(envelope(a)).as(path).isIn("not_found", "bad_request");
        }
    }

    @Test
    void malformedTokensAre403NotServerErrors() throws Exception {
        String id = completedJob();
        for (String token : List.of("99999999999999999.x", "-9223372036854775808.x", "9223372036854775807.AAAA", ".", "1.", "x.y",
                "%00", "1.%2F%2F")) {
            Answer a = send(get("/api/v1/export-jobs/" + id + "/download?token=" + token));
            assertThat(a.status()).as(token).isEqualTo(403);
            assertThat(envelope(a)).isEqualTo("forbidden");
        }
    }

    @Test
    void malformedEscapesAndBadMessagesGetTheEnvelope() throws Exception {
        String id = completedJob();
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put(get("/api/v1/import-export/exports?status=%zz", AUTH), 400);
        cases.put(get("/api/v1/export-jobs/" + id + "/download?token=%E0%A4%A"), 400);
        cases.put(get("/api/v1/export-jobs/" + id + "/download?token=1.%E0%A4"), 400);
        cases.put(get("/api/v1/import-export/exports?status=%C3%28", AUTH), 400);
        cases.put(get("/api/%zz"), 400);
        cases.put(get("/health", "X-Big: " + "a".repeat(20_000) + "\r\n"), 431);
        cases.put("NOT HTTP AT ALL\r\n\r\n", 400);
        cases.put(get("/health").replace("GET", "BREW"), 405);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            Answer a = send(c.getKey());
            String what = c.getKey().substring(0, Math.min(60, c.getKey().length()));
            assertThat(a.status()).as(what).isEqualTo(c.getValue());
            envelope(a);
        }
        Answer nul = send(("GET /health\0 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(nul.status()).isEqualTo(400);
        envelope(nul);
    }

    @Test
    void bodiesAreCheckedStrictly() throws Exception {
        String exportsPath = "/api/v1/import-export/exports";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\"} xyz", "not valid JSON");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\"}{}", "not valid JSON");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"options\":{\"delimiter\":5}}", "Option 'delimiter'");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"options\":{\"bom\":null}}", "Option 'bom'");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"options\":[1]}", "'options' must be an object");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"options\":\"x\"}", "'options' must be an object");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"notify_email\":\"a\\u0000b@x.example\"}",
                "is not an email address");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"notify_email\":\"a@x.example\\u2028\"}",
                "is not an email address");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"notify_email\":\"a@@x.example\"}",
                "is not an email address");
        cases.put("{\"export_type\":\"students\",\"export_format\":\"csv\",\"locale\":\"xx\"}", "Unknown locale 'xx'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Answer a = send(post(exportsPath, c.getKey()));
            assertThat(a.status()).as(c.getKey()).isEqualTo(400);
            envelope(a);
            assertThat(json.readTree(a.body()).get("error").get("message").asText()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(exports.countJobs(org.smsexport.JobFilter.all())).as("nothing was submitted").isZero();
        Answer fine = send(post(exportsPath, "{\"export_type\":\"students\",\"export_format\":\"csv\",\"locale\":\"el\","
                + "\"options\":{\"delimiter\":\";\"},\"notify_email\":\"registrar@uni.example.edu\"}"));
        assertThat(fine.status()).as(fine.body()).isEqualTo(202);
    }

    @Test
    void schedulesKeepPasswordsSealedInsteadOfDroppingThem() throws Exception {
        String path = "/api/v1/import-export/schedules";
        for (String options : List.of("\"password\":\"TopSecret1\"", "\"password\":\"TopSecret1\",\"owner_password\":\"TopSecret1\"")) {
            Answer a = send(post(path, "{\"export_type\":\"students\",\"export_format\":\"pdf\",\"frequency\":\""
                    + (options.contains("owner") ? "weekly" : "daily") + "\",\"options\":{" + options + "}}"));
            assertThat(a.status()).as(a.body()).isEqualTo(201);
            assertThat(a.body()).doesNotContain("TopSecret1");
        }
        // kept, never in clear text: sealed under a key the database does not hold
        assertThat(scheduler.list()).hasSize(2).allSatisfy(s -> assertThat(s.request().options().values())
                .allMatch(v -> v.startsWith("sealed:v1:") && !v.contains("TopSecret1")));
        Answer bad = send(post(path, "{\"export_type\":\"students\",\"export_format\":\"csv\",\"frequency\":\"daily\","
                + "\"options\":{\"colour\":\"red\"}}"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("colour");
    }

    @Test
    void aDownloadStillWorksAfterTheAttacks() throws Exception {
        String id = completedJob();
        String token = exports.downloadLinks().orElseThrow().token(JobId.of(id), "alice");
        Answer a = send(get("/api/v1/export-jobs/" + id + "/download?token=" + token));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.head()).contains("Content-Disposition: attachment; filename=\"students_");
        assertThat(a.body()).isEqualTo(Files.readString(exports.file(JobId.of(id))));
    }
}
