package org.smsexport.mail;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobStatus;
import org.smsexport.spi.ExportEvent;
import org.smsexport.mail.OutboxSender.Delivery;
import org.smsexport.spi.Notifier;

/**
 * Mails the outcome of exports that have a notification address: "export completed" with type, format,
 * records, size, duration and the download link (or the file attached, when small enough), or "export
 * failed" with the reason. Every message has an HTML and a plain-text part, all values HTML-escaped, a
 * one-line subject, templates in English and Greek chosen by the request's locale. Sending runs on the
 * notifier's own thread ({@code sms-export-mail-1}) with connect/read/write timeouts and retries with
 * exponential backoff, so it never blocks or fails an export. Found by discovery it reads the environment
 * ({@link MailConfig#fromEnvironment()}) and stays silent unless {@code ENABLE_EMAIL_NOTIFICATIONS=true} and
 * the configuration is complete. Thread-safe.
 */
public final class MailNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(MailNotifier.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    private final MailConfig config;
    private final Session session;
    private final Templates templates;
    private final ThreadPoolExecutor sender;
    private final AtomicLong failed = new AtomicLong();
    private final Duration poll;
    /** The durable outbox, once there is one; until then messages are retried in memory. */
    private volatile OutboxSender outbox;

    /** A notifier configured from the environment (what discovery creates). */
    public MailNotifier() {
        this(MailConfig.fromEnvironment());
    }

    /**
     * @param config the SMTP settings
     */
    public MailNotifier(MailConfig config) {
        this(config, null, Duration.ofMillis(500));
    }

    /**
     * A notifier whose messages wait in a durable outbox until delivered: retried with a jittered backoff (from
     * {@code SMTP_RETRY_BACKOFF_MS}, doubling, at most 10 minutes apart) for {@code SMTP_RETRY_FOR_HOURS}, surviving
     * restarts, sent by one node when several share the outbox, each with one {@code Message-ID} however often tried.
     *
     * @param config the SMTP settings
     * @param outbox where messages wait, e.g. {@link MailOutbox#jdbc} on the job store's database
     */
    public MailNotifier(MailConfig config, MailOutbox outbox) {
        this(config, java.util.Objects.requireNonNull(outbox, "outbox"), Duration.ofMillis(500));
    }

    /** @param poll how often the outbox is looked at for due messages */
    MailNotifier(MailConfig config, MailOutbox outbox, Duration poll) {
        this.config = config;
        this.poll = poll;
        if (outbox != null) {
            this.outbox = new OutboxSender(outbox, config, this::transmit, failed, poll);
        }
        this.session = Session.getInstance(properties(config));
        this.templates = new Templates(config.templateDir());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000),
                org.smsexport.support.ExportThreads.factory("mail"));
        if (config.enabled() && !config.isEnabled()) {
            LOG.warn("Email notifications are enabled but misconfigured, so none will be sent: {}", config.problems());
        }
    }

    private static Properties properties(MailConfig c) {
        Properties p = new Properties();
        String proto = c.ssl() ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", c.host());
        p.put("mail." + proto + ".port", Integer.toString(c.port()));
        p.put("mail." + proto + ".auth", Boolean.toString(!c.user().isEmpty()));
        p.put("mail." + proto + ".connectiontimeout", Long.toString(c.connectTimeout().toMillis()));
        p.put("mail." + proto + ".timeout", Long.toString(c.timeout().toMillis()));
        p.put("mail." + proto + ".writetimeout", Long.toString(c.timeout().toMillis()));
        if (c.startTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (c.ssl()) {
            p.put("mail.smtps.ssl.checkserveridentity", "true");
        }
        return p;
    }

    /** @return whether notifications are on and the configuration is complete */
    public boolean isEnabled() {
        return config.isEnabled();
    }

    /** @throws InvalidRequestException listing every missing or bad setting */
    public void validate() {
        config.validate();
    }

    /** @return messages that could not be delivered after every retry */
    public long failedDeliveries() {
        return failed.get();
    }

    @Override
    public void checkRecipient(String address) {
        Recipients.parse(address);
    }

    @Override
    public void jobFinished(ExportEvent event) {
        ExportJob job = event.job();
        // switched on but misconfigured is reported on the job (below), not skipped in silence
        if (!config.enabled() || job.notificationEmail().isEmpty()) {
            return;
        }
        try {
            CompletableFuture<Delivery> outcome;
            if (job.status() == JobStatus.COMPLETED) {
                outcome = completed(job, job.notificationEmail().get(), event.downloadUrl(), event.file(), event.locale(), event.encrypted());
            } else if (job.status() == JobStatus.FAILED) {
                outcome = failed(job, job.notificationEmail().get(), event.locale(), event.zone());
            } else {
                return;
            }
            // this message's own result, never another job's error; a message left pending has said so already
            outcome.thenAccept(d -> {
                if (!d.pending()) {
                    event.report().notificationResult(d.sent(), d.error());
                }
            });
        } catch (InvalidRequestException e) {
            failed.incrementAndGet();
            LOG.warn("Not mailing job {}: {}", job.id(), e.getMessage());
            event.report().notificationResult(false, Optional.of(e.getMessage()));
        }
    }

    /**
     * Queues an "export completed" message.
     *
     * @param job         the completed job
     * @param to          the recipient
     * @param downloadUrl the signed link, when there is one
     * @param file        the file, attached when it fits {@code MAIL_ATTACH_MAX_BYTES}
     * @param locale      the language of the message
     * @return completes with {@code true} once delivered, {@code false} when every attempt failed
     * @throws InvalidRequestException for a bad recipient address, or a missing or bad mail setting
     */
    public CompletableFuture<Boolean> sendCompleted(ExportJob job, String to, Optional<String> downloadUrl, Optional<Path> file,
            Locale locale) {
        return completed(job, to, downloadUrl, file, locale, false).thenApply(Delivery::sent);
    }

    private CompletableFuture<Delivery> completed(ExportJob job, String to, Optional<String> downloadUrl, Optional<Path> file,
            Locale locale, boolean encrypted) {
        config.validate();
        Recipients.parse(to);
        Map<String, String> v = values(job);
        v.put("records", String.format(Locale.ROOT, "%,d", job.totalRecords()));
        v.put("size", String.format(Locale.ROOT, "%.2f MB", job.fileSizeBytes() / 1048576.0));
        v.put("duration", String.format(Locale.ROOT, "%.1f s", job.duration().map(Duration::toMillis).orElse(0L) / 1000.0));
        Optional<Path> attachment = file.filter(f -> fits(f));
        List<String> lines = new ArrayList<>();
        downloadUrl.ifPresent(url -> lines.add(templates.phrase("link", locale, Map.of("url", url, "days",
                Integer.toString(config.expiresInDays())))));
        if (attachment.isPresent()) {
            lines.add(templates.phrase("attached", locale, Map.of()));
        }
        if (lines.isEmpty()) {
            lines.add(templates.phrase("no_link", locale, Map.of()));
        }
        if (encrypted) {
            // the password never travels with the file's news
            lines.add(templates.phrase("encrypted", locale, Map.of()));
        }
        // what the job warns of (an export with no rows says why) is in the mail too
        for (String w : job.warnings()) {
            lines.add(templates.phrase("note", locale, Map.of("warning", w)));
        }
        v.put("link_text", String.join("\n", lines));
        // the first line is the link when there is one; every further line follows it as text
        StringBuilder linkHtml = new StringBuilder(downloadUrl.map(url -> "<a href=\"" + Templates.escape(url) + "\">"
                + Templates.escape(lines.get(0)) + "</a>").orElse(Templates.escape(lines.get(0))));
        for (String line : lines.subList(1, lines.size())) {
            linkHtml.append("<br>").append(Templates.escape(line));
        }
        String subject = templates.phrase("completed", locale, v);
        String html = templates.html("completed", locale, v, Map.of("link_html", linkHtml.toString()));
        String text = templates.text("completed", locale, v);
        return queue(job.id().value(), to, subject, text, html, attachment);
    }

    /**
     * Queues an "export failed" message.
     *
     * @param job    the failed job
     * @param to     the recipient
     * @param locale the language of the message
     * @return completes with {@code true} once delivered
     * @throws InvalidRequestException for a bad recipient address, or a missing or bad mail setting
     */
    public CompletableFuture<Boolean> sendFailed(ExportJob job, String to, Locale locale) {
        return failed(job, to, locale, ZoneOffset.UTC).thenApply(Delivery::sent);
    }

    private CompletableFuture<Delivery> failed(ExportJob job, String to, Locale locale, java.time.ZoneId zone) {
        config.validate();
        Recipients.parse(to);
        Map<String, String> v = values(job);
        v.put("error", job.errorMessage().orElse("unknown"));
        v.put("time", time(job.completedAt().orElse(Instant.now()), zone));
        return queue(job.id().value(), to, templates.phrase("failed", locale, v), templates.text("failed", locale, v),
                templates.html("failed", locale, v, Map.of()), Optional.empty());
    }

    /** @return the instant in the export's zone, named: {@code 2026-12-07 10:00:00 +02:00 (Europe/Athens)} */
    static String time(Instant t, java.time.ZoneId zone) {
        return TIME.format(t.atZone(zone)) + " (" + (zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : zone.getId()) + ")";
    }

    /**
     * What a bulk notification did.
     *
     * @param sent   messages delivered
     * @param failed recipients that could not be reached, with the reason
     */
    public record BulkResult(int sent, Map<String, String> failed) {
        /** Copies the map. */
        public BulkResult {
            failed = Map.copyOf(failed);
        }
    }

    /**
     * Sends one message per recipient (no recipient sees the others), in the calling thread, with retries.
     *
     * @param subject    the subject (line breaks removed)
     * @param body       the plain-text body (the HTML part is its escaped copy)
     * @param recipients the addresses
     * @return how many were sent and which failed
     */
    public BulkResult sendBulk(String subject, String body, List<String> recipients) {
        config.validate();
        String oneLine = subject.replaceAll("[\\r\\n\\t]+", " ").strip();
        String html = "<!DOCTYPE html><html><body><p>" + Templates.escape(body).replace("\n", "<br>") + "</p></body></html>";
        int sent = 0;
        Map<String, String> failures = new LinkedHashMap<>();
        for (String r : recipients) {
            try {
                Recipients.parse(r);
                deliver("bulk", r, oneLine, body, html, Optional.empty());
                sent++;
            } catch (InvalidRequestException | MessagingException | IOException e) {
                failures.put(r, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(r, "interrupted");
                break;
            }
        }
        return new BulkResult(sent, failures);
    }

    private boolean fits(Path f) {
        try {
            return config.attachMaxBytes() > 0 && Files.size(f) * 4 / 3 <= config.attachMaxBytes();
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, String> values(ExportJob job) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("type", job.type());
        v.put("format", job.format());
        v.put("job_id", job.id().value());
        return v;
    }

    /**
     * Started by a service, a notifier made without an outbox takes one: the table {@code sms_export_notifications} in
     * the job store's database when it has one, otherwise the directory {@code .mail-outbox} in the output directory.
     * Outcomes settled after the event (after a restart, or by another node) are recorded on the job.
     */
    @Override
    public void start(Notifier.Context context) {
        OutboxSender o = outbox;
        if (o == null && config.isEnabled()) {
            try {
                MailOutbox box = context.database().map(db -> MailOutbox.jdbc(db, context.tablePrefix()))
                        .orElseGet(() -> MailOutbox.file(context.outputDirectory().resolve(".mail-outbox")));
                o = new OutboxSender(box, config, this::transmit, failed, poll);
                outbox = o;
            } catch (RuntimeException e) {
                LOG.warn("No durable mail outbox ({}); mails are retried in memory only", e.getMessage());
            }
        }
        if (o != null) {
            o.context(context);
        }
    }

    /** @return completes, always, once the message was delivered or given up on, or is left pending at close */
    private CompletableFuture<Delivery> queue(String id, String to, String subject, String text, String html, Optional<Path> attachment) {
        OutboxSender o = outbox;
        if (o != null) {
            return o.queue(id, to, subject, text, html, attachment.map(Path::toString));
        }
        CompletableFuture<Delivery> result = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                // the mail thread serves every job: its lines say which one this is
                org.slf4j.MDC.put("sms.export.job", id);
                try {
                    deliver(id, to, subject, text, html, attachment);
                    result.complete(Delivery.SENT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.incrementAndGet();
                    result.complete(Delivery.failed("Interrupted while sending (the notifier was closed)"));
                } catch (Exception e) {
                    // checked (SMTP, attachment) or not (a bad SMTP_FROM_ADDRESS, a bug): the future must still complete
                    failed.incrementAndGet();
                    String why = Recipients.reason(e);
                    LOG.warn("Mail for job {} could not be delivered: {}", id, why);
                    result.complete(Delivery.failed(why));
                } catch (Error e) {
                    failed.incrementAndGet();
                    result.complete(Delivery.failed("Sending failed: " + e));
                    throw e;
                } finally {
                    org.slf4j.MDC.remove("sms.export.job");
                }
            });
        } catch (RejectedExecutionException e) {
            failed.incrementAndGet();
            LOG.warn("Mail queue full or closed; mail for job {} dropped", id);
            result.complete(Delivery.failed("The mail queue was full or closed; the message was dropped"));
        }
        return result;
    }

    /** Sends one outbox message, with its own {@code Message-ID} whatever the attempt. */
    private void transmit(MailOutbox.Message m) throws MessagingException, IOException {
        send(message(m.recipient(), m.subject(), m.text(), m.html(), m.attachment().map(Path::of), m.id()));
    }

    private void send(MimeMessage m) throws MessagingException {
        if (config.user().isEmpty()) {
            Transport.send(m);
        } else {
            Transport.send(m, config.user(), config.password());
        }
    }

    private void deliver(String id, String to, String subject, String text, String html, Optional<Path> attachment)
            throws MessagingException, IOException, InterruptedException {
        MessagingException last = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                // jittered, so many processes retrying one server do not knock in step
                Thread.sleep(OutboxSender.wait(config.backoff(), attempt).toMillis());
            }
            try {
                send(message(to, subject, text, html, attachment, null));
                LOG.debug("Mail for job {} delivered (attempt {})", id, attempt + 1);
                return;
            } catch (MessagingException e) {
                if (permanent(e)) {
                    throw e;
                }
                last = e;
                LOG.debug("Mail for job {} attempt {} failed: {}", id, attempt + 1, e.toString());
            }
        }
        throw last;
    }

    /**
     * Permanent failures are not retried: a refused address, refused credentials, or a 5xx reply. Connection
     * failures, timeouts and 4xx replies are transient.
     */
    static boolean permanent(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().strip();
            if (m.matches("(?s)^[45]\\d\\d[ -].*")) {
                return m.charAt(0) == '5';
            }
        }
        return e instanceof SendFailedException || e instanceof jakarta.mail.AuthenticationFailedException;
    }

    private MimeMessage message(String to, String subject, String text, String html, Optional<Path> attachment, String messageId)
            throws MessagingException, IOException {
        // an outbox message keeps one Message-ID however often it is tried, so a receiver can tell a repeat
        MimeMessage m = messageId == null ? new MimeMessage(session) : new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + messageId + "@sms-export>");
            }
        };
        m.setFrom(Recipients.parse(config.from()));
        m.setRecipient(Message.RecipientType.TO, Recipients.parse(to));
        m.setSubject(subject, "UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setContent(html, "text/html; charset=UTF-8");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        if (attachment.isEmpty()) {
            m.setContent(alternative);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            mixed.addBodyPart(body);
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new FileDataSource(attachment.get().toFile())));
            file.setFileName(attachment.get().getFileName().toString());
            mixed.addBodyPart(file);
            m.setContent(mixed);
        }
        m.saveChanges();
        return m;
    }

    /** Delivers what is queued (waiting up to 30 s), then stops the sending thread. */
    @Override
    public void close() {
        OutboxSender o = outbox;
        if (o != null) {
            // what is not delivered yet stays in the outbox, and the next start (or another node) goes on with it
            o.close();
        }
        sender.shutdown();
        try {
            if (!sender.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{} mails still queued at close; dropped", sender.getQueue().size());
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "MailNotifier[" + config + "]";
    }
}
