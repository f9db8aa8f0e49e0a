package org.smsexport.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.ExportEvent;
import org.smsexport.test.ServiceRegistrations;

/** Real SMTP: GreenMail receives what the notifier sends. */
class MailNotifierTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    static MailConfig config(int port, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ENABLE_EMAIL_NOTIFICATIONS", "true", "SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", Integer.toString(port), "SMTP_FROM_ADDRESS", "noreply@sms.example", "SMTP_USE_TLS", "false",
                "SMTP_RETRY_BACKOFF_MS", "200", "SMTP_CONNECT_TIMEOUT_SECONDS", "2", "SMTP_TIMEOUT_SECONDS", "5"));
        env.putAll(extra);
        return MailConfig.from(env);
    }

    private MailNotifier notifier(Map<String, String> extra) {
        return new MailNotifier(config(smtp.getSmtp().getPort(), extra));
    }

    static ExportJob job(JobStatus status, String error) {
        return ExportJob.builder().id(JobId.random()).type("students").format("csv").status(status).createdAt(T).startedAt(T)
                .completedAt(T.plusSeconds(3)).updatedAt(T).owner("alice").totalRecords(12_345).fileSizeBytes(2 * 1_048_576)
                .duration(Duration.ofMillis(3_200)).errorMessage(error).notificationEmail("alice@uni.example").build();
    }

    private static String part(MimeMessage m, String type) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        if (mp.getContentType().startsWith("multipart/mixed")) {
            mp = (Multipart) mp.getBodyPart(0).getContent();
        }
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            if (p.isMimeType(type)) {
                return (String) p.getContent();
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    @Test
    void mailsACompletedExportWithPlainAndHtmlPartsAndAnEscapedLink() throws Exception {
        try (MailNotifier n = notifier(Map.of())) {
            assertThat(n.sendCompleted(job(JobStatus.COMPLETED, null), "alice@uni.example",
                    Optional.of("https://sms.example/api/v1/export-jobs/x/download?token=a&expires=1"), Optional.empty(), Locale.ENGLISH)
                    .get(30, TimeUnit.SECONDS)).isTrue();
        }
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("Export completed: students (csv), 12,345 records");
        assertThat(m.getAllRecipients()).hasSize(1);
        String text = part(m, "text/plain");
        assertThat(text).contains("Records:   12,345", "File size: 2.00 MB", "Duration:  3.2 s",
                "Download: https://sms.example/api/v1/export-jobs/x/download?token=a&expires=1 (valid for 7 days)")
                .doesNotContain("<");
        assertThat(part(m, "text/html")).contains("href=\"https://sms.example/api/v1/export-jobs/x/download?token=a&amp;expires=1\"");
    }

    @Test
    void anExportWithNoRowsSaysWhyInItsMail() throws Exception {
        ExportJob empty = job(JobStatus.COMPLETED, null).toBuilder().totalRecords(0)
                .warnings(java.util.List.of("No rows matched the filters (status): the file has the header only.")).build();
        try (MailNotifier n = notifier(Map.of())) {
            assertThat(n.sendCompleted(empty, "office@school.example", Optional.of("https://sms.example/d?token=<a>"), Optional.empty(),
                    Locale.forLanguageTag("el")).get(30, TimeUnit.SECONDS)).isTrue();
        }
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(part(m, "text/plain")).contains("Σημείωση: No rows matched the filters (status): the file has the header only.");
        assertThat(part(m, "text/html")).contains("<br>Σημείωση: No rows matched the filters").contains("token=&lt;a&gt;");
    }

    @Test
    void escapesValuesInTheFailureMailAndSpeaksGreek() throws Exception {
        try (MailNotifier n = notifier(Map.of())) {
            n.jobFinished(ExportEvent.builder(job(JobStatus.FAILED, "Filter 'search' has value '<script>alert(1)</script>'")).locale(Locale.forLanguageTag("el")).build());
            assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
        }
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("Η εξαγωγή απέτυχε: students (csv)");
        assertThat(part(m, "text/html")).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        assertThat(part(m, "text/plain")).contains("Αιτία:   Filter 'search' has value '<script>alert(1)</script>'");
    }

    @Test
    void attachesSmallFilesAndLinksLargeOnes() throws Exception {
        Path small = Files.writeString(dir.resolve("students.csv"), "a,b\n1,2\n");
        Path large = Files.write(dir.resolve("big.csv"), new byte[4_000]);
        try (MailNotifier n = notifier(Map.of("MAIL_ATTACH_MAX_BYTES", "3000"))) {
            n.sendCompleted(job(JobStatus.COMPLETED, null), "a@uni.example", Optional.empty(), Optional.of(small), Locale.ENGLISH)
                    .get(30, TimeUnit.SECONDS);
            n.sendCompleted(job(JobStatus.COMPLETED, null), "b@uni.example", Optional.of("https://x.example/d"), Optional.of(large),
                    Locale.ENGLISH).get(30, TimeUnit.SECONDS);
        }
        MimeMessage withFile = smtp.getReceivedMessagesForDomain("a@uni.example")[0];
        Multipart mixed = (Multipart) withFile.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("students.csv");
        assertThat(GreenMailUtil.getBody(mixed.getBodyPart(1))).contains("a,b");
        MimeMessage linked = smtp.getReceivedMessagesForDomain("b@uni.example")[0];
        assertThat(linked.getContentType()).startsWith("multipart/alternative");
        assertThat(part(linked, "text/plain")).contains("Download: https://x.example/d");
    }

    @Test
    void sendsBulkOnePerRecipientAndNamesTheOnesThatFailed() throws Exception {
        try (MailNotifier n = notifier(Map.of())) {
            MailNotifier.BulkResult r = n.sendBulk("Daily Export Summary\r\nBcc: evil@x.example", "All exports <ok> & done.",
                    List.of("one@uni.example", "not an address", "two@uni.example"));
            assertThat(r.sent()).isEqualTo(2);
            assertThat(r.failed()).containsOnlyKeys("not an address");
        }
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(2);
        for (MimeMessage m : got) {
            assertThat(m.getAllRecipients()).hasSize(1);
            assertThat(m.getSubject()).isEqualTo("Daily Export Summary Bcc: evil@x.example");
            assertThat(m.getHeader("Bcc")).isNull();
            assertThat(part(m, "text/html")).contains("All exports &lt;ok&gt; &amp; done.");
        }
    }

    @Test
    void retriesUntilTheServerAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GreenMail late = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        try (MailNotifier n = new MailNotifier(config(port, Map.of("SMTP_RETRIES", "5", "SMTP_RETRY_BACKOFF_MS", "300")))) {
            var delivered = n.sendFailed(job(JobStatus.FAILED, "boom"), "alice@uni.example", Locale.ENGLISH);
            // with no server listening the first attempt fails and the message waits for its retry; the server comes up
            // whenever that is, and a later attempt delivers it
            late.start();
            assertThat(delivered.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(late.getReceivedMessages()).hasSize(1);
            assertThat(n.failedDeliveries()).isZero();
        } finally {
            late.stop();
        }
    }

    @Test
    void givesUpAfterTheRetriesWithoutBlockingTheCaller() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // a server that accepts the connection and never answers: delivery hangs until the socket is closed
        try (ServerSocket silent = new ServerSocket(0)) {
            try (MailNotifier n = new MailNotifier(config(silent.getLocalPort(), Map.of("SMTP_RETRIES", "0",
                    "SMTP_TIMEOUT_SECONDS", "30")))) {
                List<Boolean> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
                n.jobFinished(ExportEvent.builder(job(JobStatus.FAILED, "x")).locale(Locale.ENGLISH).report((sent, error) -> reported.add(sent)).build());
                java.net.Socket held = silent.accept();
                assertThat(reported).as("jobFinished returned while the delivery still waits on the server").isEmpty();
                held.close();
            }
        }
        try (MailNotifier n = new MailNotifier(config(port, Map.of("SMTP_RETRIES", "2", "SMTP_RETRY_BACKOFF_MS", "10")))) {
            n.jobFinished(ExportEvent.builder(job(JobStatus.FAILED, "x")).locale(Locale.ENGLISH).build());
            var result = n.sendFailed(job(JobStatus.FAILED, "y"), "a@uni.example", Locale.ENGLISH);
            assertThat(result.get(30, TimeUnit.SECONDS)).isFalse();
            assertThat(n.failedDeliveries()).isEqualTo(2);
        }
    }

    @Test
    void requiresStartTlsWhenAskedAndNeverFallsBackToPlainText() throws Exception {
        try (MailNotifier n = notifier(Map.of("SMTP_USE_TLS", "true", "SMTP_RETRIES", "0"))) {
            assertThat(n.sendFailed(job(JobStatus.FAILED, "x"), "a@uni.example", Locale.ENGLISH).get(30, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void validatesConfigurationAndRecipientsWithoutShowingThePassword() {
        MailConfig bad = MailConfig.from(Map.of("ENABLE_EMAIL_NOTIFICATIONS", "true", "SMTP_PORT", "70000", "SMTP_FROM_ADDRESS", "nobody",
                "SMTP_USER", "u", "SMTP_SSL", "true"));
        assertThat(bad.isEnabled()).isFalse();
        assertThatThrownBy(bad::validate).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("SMTP_HOST is not set").hasMessageContaining("SMTP_PORT=70000")
                .hasMessageContaining("SMTP_FROM_ADDRESS 'nobody'").hasMessageContaining("SMTP_PASSWORD is empty")
                .hasMessageContaining("both on");
        assertThatThrownBy(() -> MailConfig.from(Map.of("SMTP_PORT", "twenty-five", "SMTP_USE_TLS", "maybe")))
                .as("every unreadable value at once").isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("SMTP_PORT='twenty-five' is not a whole number")
                .hasMessageContaining("SMTP_USE_TLS='maybe' is not one of [true, false]");
        MailConfig secret = MailConfig.from(Map.of("SMTP_PASSWORD", "hunter2", "SMTP_USER", "u"));
        assertThat(secret.toString()).doesNotContain("hunter2").contains("password=(set)");
        try (MailNotifier n = notifier(Map.of())) {
            assertThatThrownBy(() -> n.sendFailed(job(JobStatus.FAILED, "x"), "a@b.example\r\nBcc: c@d.example", Locale.ENGLISH))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not an email address");
        }
        assertThat(new MailNotifier(MailConfig.from(Map.of())).isEnabled()).as("off unless enabled").isFalse();
    }

    @Test
    void aBadSenderAddressIsRefusedAtOnceAndReportedOnTheJob() throws Exception {
        try (MailNotifier n = notifier(Map.of("SMTP_FROM_ADDRESS", "not an address"))) {
            assertThatThrownBy(() -> n.sendFailed(job(JobStatus.FAILED, "x"), "a@uni.example", Locale.ENGLISH))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("SMTP_FROM_ADDRESS 'not an address'");
            assertThatThrownBy(() -> n.sendCompleted(job(JobStatus.COMPLETED, null), "a@uni.example", Optional.empty(), Optional.empty(),
                    Locale.ENGLISH)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("SMTP_FROM_ADDRESS");
            List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
            n.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, null)).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent + ":" + error.orElse(""))).build());
            assertThat(reports).singleElement().asString().startsWith("false:").contains("SMTP_FROM_ADDRESS");
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void eachJobIsToldItsOwnDeliveryError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> reports = new java.util.concurrent.ConcurrentHashMap<>();
        try (MailNotifier down = new MailNotifier(config(port, Map.of("SMTP_RETRIES", "0")))) {
            for (int i = 0; i < 6; i++) {
                ExportJob job = job(JobStatus.FAILED, "e" + i);
                down.jobFinished(ExportEvent.builder(job).locale(Locale.ENGLISH).report((sent, error) -> reports.put(job.id().value(), sent + ":" + error.orElse(""))).build());
            }
        }
        assertThat(reports).hasSize(6).allSatisfy((id, r) -> assertThat(r).startsWith("false:").contains("127.0.0.1").doesNotContain("\\u0020"));
    }

    @Test
    void saysAnEncryptedFileIsEncryptedAndNeverCarriesThePassword() throws Exception {
        try (MailNotifier n = notifier(Map.of())) {
            ExportJob job = job(JobStatus.COMPLETED, null);
            List<Boolean> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            n.jobFinished(ExportEvent.builder(job).downloadUrl("https://sms.example/x?token=1.a").locale(Locale.ENGLISH).report((ok, error) -> sent.add(ok)).encrypted(true).build());
            assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        }
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(part(m, "text/plain")).contains("The file is encrypted").doesNotContain("password:");
        assertThat(part(m, "text/html")).contains("The file is encrypted");
    }

    @Test
    void refusedCredentialsArePermanentAndNotRetried() throws Exception {
        GreenMail auth = new GreenMail(ServerSetupTest.SMTP.dynamicPort()).withConfiguration(
                com.icegreen.greenmail.configuration.GreenMailConfiguration.aConfig().withUser("sender@sms.example", "right"));
        auth.start();
        try (MailNotifier n = new MailNotifier(config(auth.getSmtp().getPort(), Map.of("SMTP_USER", "sender@sms.example",
                "SMTP_PASSWORD", "wrong", "SMTP_RETRIES", "5", "SMTP_RETRY_BACKOFF_MS", "120000")))) {
            // a retry would wait two minutes first: an answer within the 30 s below means there was none
            assertThat(n.sendFailed(job(JobStatus.FAILED, "x"), "a@uni.example", Locale.ENGLISH).get(30, TimeUnit.SECONDS)).isFalse();
        } finally {
            auth.stop();
        }
    }

    @Test
    void theJobRecordsWhetherItsNotificationWasSent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MailNotifier down = new MailNotifier(config(port, Map.of("SMTP_RETRIES", "1", "SMTP_RETRY_BACKOFF_MS", "10")));
                MailNotifier up = notifier(Map.of())) {
            ExportEvent.NotificationReport report = (sent, error) -> reports.add(sent + ":" + error.orElse(""));
            down.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, null)).locale(Locale.ENGLISH).report(report).build());
            up.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, null)).locale(Locale.ENGLISH).report(report).build());
        }
        assertThat(reports).hasSize(2).anyMatch(r -> r.startsWith("true:")).anyMatch(r -> r.startsWith("false:") && r.length() > 6);
    }

    @Test
    void registersItselfForBothClassPathAndModulePath() {
        ServiceRegistrations.assertConsistent(MailNotifier.class);
    }
}
