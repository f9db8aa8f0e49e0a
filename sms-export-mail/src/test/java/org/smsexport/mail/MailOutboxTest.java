package org.smsexport.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportEvent;
import org.smsexport.spi.Notifier;
import org.smsexport.test.Await;

/**
 * The durable outbox against a real SMTP server that is down, comes up, refuses, and is shared by two nodes; in
 * both kinds of outbox (a table on H2, a directory).
 */
class MailOutboxTest {

    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private int dbs;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private javax.sql.DataSource database() {
        return org.smsexport.jdbc.JdbcDataSource.driverManager("jdbc:h2:mem:outbox" + (dbs++) + "-" + System.nanoTime()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** One outbox of the kind named, as two nodes (or a restarted one) would each open it on shared storage. */
    private Recording outbox(String kind, Object shared) {
        MailOutbox box = kind.equals("file") ? MailOutbox.file((Path) shared) : MailOutbox.jdbc((javax.sql.DataSource) shared);
        return new Recording(box);
    }

    /** The outbox's storage: a database (H2 for "jdbc", SQLite, a real MariaDB server) or a directory. */
    private Object storage(String kind) throws Exception {
        switch (kind) {
            case "jdbc":
                return database();
            case "sqlite":
                return org.smsexport.jdbc.JdbcDataSource.driverManager("jdbc:sqlite:" + dir.resolve("outbox" + (dbs++) + ".db"), null, null);
            case "mariadb":
                return org.smsexport.jdbc.JdbcDataSource.driverManager(org.smsexport.test.MariaDbServer.get().freshDatabase(), "root", "");
            default:
                return dir.resolve("outbox");
        }
    }

    private MailNotifier notifier(int port, MailOutbox box, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SMTP_RETRIES", "1", "SMTP_RETRY_BACKOFF_MS", "100"));
        env.putAll(extra);
        MailNotifier n = new MailNotifier(MailNotifierTest.config(port, env), box, POLL);
        open.add(n);
        return n;
    }

    private GreenMail server(int port) {
        GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        open.add(g::stop);
        return g;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc", "sqlite", "mariadb", "file"})
    void outlastsAnOutageLongerThanTheOldRetryWindowAndDeliversOnceWithItsOwnMessageId(String kind) throws Exception {
        int port = freePort();
        Recording box = outbox(kind, storage(kind));
        MailNotifier n = notifier(port, box, Map.of());
        CompletableFuture<Boolean> delivered = n.sendFailed(MailNotifierTest.job(JobStatus.FAILED, "boom"), "alice@uni.example",
                Locale.ENGLISH);
        // SMTP_RETRIES=1 with 100 ms: the in-memory retries would have given up after a tenth of a second
        Await.until("three failed attempts", () -> box.find(box.ids.get(0)).orElseThrow().attempts() >= 3);
        assertThat(delivered).isNotDone();
        MailOutbox.Message waiting = box.find(box.ids.get(0)).orElseThrow();
        assertThat(waiting.status()).isEqualTo(MailOutbox.Status.PENDING);
        assertThat(waiting.attempts()).isGreaterThanOrEqualTo(3);
        assertThat(waiting.lastError()).hasValueSatisfying(e -> assertThat(e).contains("127.0.0.1"));
        assertThat(waiting.nextAttemptAt()).isAfter(Instant.now().minusSeconds(1));

        GreenMail late = server(port);
        late.start();
        assertThat(delivered.get(30, TimeUnit.SECONDS)).isTrue();
        // settled SENT: no attempt follows, so what the server has now is all it gets
        Await.until("the message settled", () -> box.find(box.ids.get(0)).orElseThrow().status() == MailOutbox.Status.SENT);
        assertThat(late.getReceivedMessages()).hasSize(1);
        assertThat(late.getReceivedMessages()[0].getMessageID()).isEqualTo("<" + box.ids.get(0) + "@sms-export>");
        MailOutbox.Message sent = box.find(box.ids.get(0)).orElseThrow();
        assertThat(sent.status()).isEqualTo(MailOutbox.Status.SENT);
        assertThat(sent.text()).as("a settled message keeps no body").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc", "sqlite", "mariadb", "file"})
    void aRestartInBetweenDeliversOnceAndRecordsItOnTheJob(String kind) throws Exception {
        int port = freePort();
        Object storage = storage(kind);
        ExportJob job = MailNotifierTest.job(JobStatus.COMPLETED, null);
        List<String> reports = new CopyOnWriteArrayList<>();
        MailNotifier first = notifier(port, outbox(kind, storage), Map.of());
        Recorder results = new Recorder();
        first.start(results);
        first.jobFinished(ExportEvent.builder(job).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent + ":" + error.orElse(""))).build());
        Await.until("a first attempt failing", () -> results.last(job.id()).startsWith("false:Pending: attempt"));
        first.close();
        assertThat(reports).as("a message left pending is not reported as failed").isEmpty();
        assertThat(results.last(job.id())).startsWith("false:Pending: attempt");

        GreenMail up = server(port);
        up.start();
        Recorder afterRestart = new Recorder();
        MailNotifier second = notifier(port, outbox(kind, storage), Map.of());
        second.start(afterRestart);
        assertThat(up.waitForIncomingEmail(20_000, 1)).isTrue();
        // recorded as sent once it is settled: no attempt follows
        Await.until("the delivery recorded on the job", () -> afterRestart.last(job.id()).equals("true:"));
        second.close();
        assertThat(up.getReceivedMessages()).hasSize(1);
        assertThat(afterRestart.last(job.id())).isEqualTo("true:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc", "sqlite", "mariadb", "file"})
    void twoNodesSharingTheOutboxDeliverEachMessageOnce(String kind) throws Exception {
        int port = freePort();
        GreenMail smtp = server(port);
        smtp.start();
        Object storage = storage(kind);
        MailNotifier a = notifier(port, outbox(kind, storage), Map.of());
        MailNotifier b = notifier(port, outbox(kind, storage), Map.of());
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add((i % 2 == 0 ? a : b).sendFailed(MailNotifierTest.job(JobStatus.FAILED, "e" + i), "n" + i + "@uni.example",
                    Locale.ENGLISH));
        }
        for (CompletableFuture<Boolean> f : all) {
            assertThat(f.get(30, TimeUnit.SECONDS)).as("each caller learns of its message, whichever node sent it").isTrue();
        }
        // every message settled SENT (each future completes after its settle): the server has all it will get
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(30);
        Set<String> ids = new HashSet<>();
        for (MimeMessage m : got) {
            ids.add(m.getMessageID());
        }
        assertThat(ids).hasSize(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc", "sqlite", "mariadb", "file"})
    void aPermanentRefusalIsGivenUpAtOnceWithTheServersReply(String kind) throws Exception {
        int port = freePort();
        GreenMail auth = server(port).withConfiguration(GreenMailConfiguration.aConfig().withUser("sender@sms.example", "right"));
        auth.start();
        Recording box = outbox(kind, storage(kind));
        // a retry would wait two minutes: an answer within seconds means there was none
        MailNotifier n = notifier(port, box, Map.of("SMTP_USER", "sender@sms.example", "SMTP_PASSWORD", "wrong",
                "SMTP_RETRY_BACKOFF_MS", "120000"));
        assertThat(n.sendFailed(MailNotifierTest.job(JobStatus.FAILED, "x"), "a@uni.example", Locale.ENGLISH).get(20, TimeUnit.SECONDS))
                .isFalse();
        MailOutbox.Message m = box.find(box.ids.get(0)).orElseThrow();
        assertThat(m.status()).isEqualTo(MailOutbox.Status.GIVEN_UP);
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(m.lastError()).hasValueSatisfying(e -> assertThat(e).contains("535"));
        assertThat(n.failedDeliveries()).isEqualTo(1);
    }

    @Test
    void aNodeWhoseClaimRanOutSettlesNothingOverTheNodeThatClaimedAfterIt() throws Exception {
        javax.sql.DataSource db = database();
        MailOutbox a = MailOutbox.jdbc(db);
        MailOutbox b = MailOutbox.jdbc(db);
        Instant now = Instant.now();
        a.add(new MailOutbox.Message("m1", "job1", "office@uni.example", "s", "t", "<p>t</p>", Optional.empty(), now, 0, now,
                Optional.empty(), MailOutbox.Status.PENDING));
        // a node with a clock a day behind still claims by the database's clock
        assertThat(a.claim("a", now.minus(Duration.ofDays(1)), Duration.ofMillis(200), 5)).extracting(MailOutbox.Message::id)
                .containsExactly("m1");
        assertThat(b.claim("b", now.plus(Duration.ofDays(1)), Duration.ofMinutes(5), 5)).as("held by a, whatever b's clock says")
                .isEmpty();
        // a's SMTP send outlasts its lease: b claims the message and delivers it
        List<MailOutbox.Message> taken = new ArrayList<>();
        org.smsexport.test.Await.until("a's claim running out", () -> taken.addAll(b.claim("b", Instant.now(), Duration.ofMinutes(5), 5)));
        assertThat(taken).extracting(MailOutbox.Message::id).containsExactly("m1");
        assertThat(a.givenUp("m1", 1, "timeout")).as("a's late settle").isFalse();
        assertThat(b.sent("m1", Instant.now())).isTrue();
        assertThat(a.sent("m1", Instant.now())).isFalse();
        assertThat(b.retry("m1", 2, Instant.now(), "again")).as("a claim is settled once").isFalse();
        MailOutbox.Message m = a.find("m1").orElseThrow();
        assertThat(m.status()).isEqualTo(MailOutbox.Status.SENT);
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(m.lastError()).isEmpty();
    }

    @Test
    void aServiceWithAJdbcJobStoreKeepsItsMailInTheTableAndTheJobSaysPendingThenSent() throws Exception {
        int port = freePort();
        javax.sql.DataSource db = database();
        Path out = dir.resolve("exports");
        MailConfig config = MailNotifierTest.config(port, Map.of("SMTP_RETRY_BACKOFF_MS", "100"));
        JobId id;
        try (ExportService first = service(db, out, config)) {
            ExportOutcome o = first.run(ExportRequest.builder().type("students").format("csv").notifyEmail("office@uni.example").build());
            id = o.job().id();
            waitFor(() -> first.job(id).orElseThrow().notificationError().orElse("").startsWith("Pending"));
        }
        ExportJob pending = JdbcJobStore.create(db).find(id).orElseThrow().job();
        assertThat(pending.notificationSent()).isFalse();
        assertThat(pending.notificationError()).hasValueSatisfying(e -> assertThat(e).startsWith("Pending: attempt"));
        assertThat(Files.exists(out.resolve(".mail-outbox"))).as("a JDBC job store keeps the outbox in its database").isFalse();

        GreenMail up = server(port);
        up.start();
        try (ExportService second = service(db, out, config)) {
            assertThat(up.waitForIncomingEmail(20_000, 1)).isTrue();
            waitFor(() -> second.job(id).orElseThrow().notificationSent());
            assertThat(second.job(id).orElseThrow().notificationError()).isEmpty();
            // the audit trail names who was mailed, once it was delivered (recorded just after the job says so)
            waitFor(() -> second.audit().list(org.smsexport.AuditQuery.latest()).stream().anyMatch(r -> r.entry().jobId().equals(id)
                    && r.entry().event() == org.smsexport.AuditEvent.NOTIFIED));
            assertThat(second.audit().list(org.smsexport.AuditQuery.latest())).filteredOn(r -> r.entry().jobId().equals(id)
                    && r.entry().event() == org.smsexport.AuditEvent.NOTIFIED).singleElement()
                    .satisfies(r -> assertThat(r.entry().recipients()).containsExactly("office@uni.example"));
        }
        assertThat(up.getReceivedMessages()).hasSize(1);
        assertThat(up.getReceivedMessages()[0].getSubject()).contains("students");
    }

    @Test
    void aServiceWithoutADatabaseKeepsItsMailInAPrivateDirectory() throws Exception {
        int port = freePort();
        GreenMail smtp = server(port);
        smtp.start();
        Path out = dir.resolve("exports");
        try (ExportService s = ExportService.builder().dataSource(students()).outputDirectory(out)
                .notifier(new MailNotifier(MailNotifierTest.config(port, Map.of()))).build()) {
            JobId id = s.run(ExportRequest.builder().type("students").format("csv").notifyEmail("office@uni.example").build()).job().id();
            waitFor(() -> s.job(id).orElseThrow().notificationSent());
        }
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        Path box = out.resolve(".mail-outbox");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(box))).isEqualTo("rwx------");
        try (var files = Files.list(box)) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString().endsWith(".sent");
        }
    }

    private static ExportService service(javax.sql.DataSource db, Path out, MailConfig config) {
        return ExportService.builder().dataSource(students()).jobStore(JdbcJobStore.create(db)).sharedDatabase(db).outputDirectory(out)
                .notifier(new MailNotifier(config)).build();
    }

    private static InMemoryDataSource students() {
        SmsData data = SmsData.sample(20);
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < data.sampleRows(ExportType.STUDENTS); i++) {
            rows.add(data.row(ExportType.STUDENTS, i));
        }
        return InMemoryDataSource.builder().rows(ExportType.STUDENTS, rows).build();
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        Await.until("the notification's state", done::getAsBoolean);
    }

    /** What a service's context records on its jobs, last outcome per job. */
    private static final class Recorder implements Notifier.Context {
        private final Map<JobId, String> last = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void recordResult(JobId job, boolean sent, Optional<String> error) {
            last.put(job, sent + ":" + error.orElse(""));
        }

        String last(JobId job) {
            return last.getOrDefault(job, "");
        }

        @Override
        public Path outputDirectory() {
            throw new AssertionError("not asked when the outbox is given");
        }

        @Override
        public Optional<javax.sql.DataSource> database() {
            throw new AssertionError("not asked when the outbox is given");
        }
    }

    /** An outbox that remembers the ids of the messages added, so a test can look them up. */
    private static final class Recording implements MailOutbox {
        private final MailOutbox inner;
        final List<String> ids = new CopyOnWriteArrayList<>();

        Recording(MailOutbox inner) {
            this.inner = inner;
        }

        @Override
        public void add(Message message) {
            ids.add(message.id());
            inner.add(message);
        }

        @Override
        public List<Message> claim(String node, Instant now, Duration lease, int max) {
            return inner.claim(node, now, lease, max);
        }

        @Override
        public boolean sent(String id, Instant at) {
            return inner.sent(id, at);
        }

        @Override
        public boolean retry(String id, int attempts, Instant next, String error) {
            return inner.retry(id, attempts, next, error);
        }

        @Override
        public boolean givenUp(String id, int attempts, String error) {
            return inner.givenUp(id, attempts, error);
        }

        @Override
        public Optional<Message> find(String id) {
            return inner.find(id);
        }
    }
}
