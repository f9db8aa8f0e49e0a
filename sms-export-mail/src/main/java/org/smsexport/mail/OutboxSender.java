package org.smsexport.mail;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.JobId;
import org.smsexport.support.ExportThreads;
import org.smsexport.spi.Notifier;

/**
 * Delivers what waits in a {@link MailOutbox}: one poller thread claims due messages one at a time, tries each
 * once, and records the outcome before it claims the next, so a message is sent by one node and, short of a crash
 * between the server's "250 OK" and that record, once (a repeat after such a crash carries the same
 * {@code Message-ID}). Failures are retried with a jittered, doubling wait from {@code SMTP_RETRY_BACKOFF_MS}, at
 * most {@link #MAX_WAIT} apart, until {@code SMTP_RETRY_FOR_HOURS} after the message was queued; a permanent
 * refusal (5xx, refused credentials) ends it at once.
 */
final class OutboxSender {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);

    /** Builds and sends one message with the given {@code Message-ID}. */
    @FunctionalInterface
    interface Transmit {
        void send(MailOutbox.Message m) throws MessagingException, IOException;
    }

    /** What became of a message, for whoever waits for it in this process. */
    record Delivery(boolean sent, boolean pending, Optional<String> error) {
        static final Delivery SENT = new Delivery(true, false, Optional.empty());

        static Delivery failed(String why) {
            return new Delivery(false, false, Optional.of(why));
        }
    }

    private final MailOutbox outbox;
    private final MailConfig config;
    private final Transmit transmit;
    private final AtomicLong failed;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(ExportThreads.factory("mail-outbox"));
    private final String node = "mail-" + UUID.randomUUID();
    /** Messages queued by this process, and who waits for them. */
    private final Map<String, CompletableFuture<Delivery>> waiting = new ConcurrentHashMap<>();
    private final Duration lease;
    private volatile Notifier.Context context;
    private volatile long lastLook;

    OutboxSender(MailOutbox outbox, MailConfig config, Transmit transmit, AtomicLong failed, Duration poll) {
        this.outbox = outbox;
        this.config = config;
        this.transmit = transmit;
        this.failed = failed;
        // one attempt's worst case, with room: a node that stalls longer may see its message claimed again
        this.lease = config.connectTimeout().plus(config.timeout().multipliedBy(3)).plusSeconds(30);
        poller.scheduleWithFixedDelay(this::drain, 0, Math.max(10, poll.toMillis()), TimeUnit.MILLISECONDS);
    }

    void context(Notifier.Context value) {
        this.context = value;
    }

    /** @return completes once the message is delivered or given up on (by any node), or pending at close */
    CompletableFuture<Delivery> queue(String jobId, String to, String subject, String text, String html, Optional<String> attachment) {
        String id = UUID.randomUUID().toString().replace("-", "");
        CompletableFuture<Delivery> f = new CompletableFuture<>();
        waiting.put(id, f);
        Instant now = Instant.now();
        try {
            outbox.add(new MailOutbox.Message(id, jobId, to, subject, text, html, attachment, now, 0, now, Optional.empty(),
                    MailOutbox.Status.PENDING));
        } catch (RuntimeException e) {
            waiting.remove(id);
            failed.incrementAndGet();
            LOG.warn("Mail for job {} could not be queued: {}", jobId, e.getMessage());
            f.complete(Delivery.failed("The mail outbox could not be written: " + Recipients.oneLine(String.valueOf(e.getMessage()))));
            return f;
        }
        try {
            poller.execute(this::drain); // the first attempt at once, not at the next poll
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the message waits in the outbox for the next start
        }
        return f;
    }

    /** Sends due messages, one claim at a time, until none is due; then looks at what other nodes settled. */
    private synchronized void drain() {
        try {
            List<MailOutbox.Message> claimed;
            while (!(claimed = outbox.claim(node, Instant.now(), lease, 1)).isEmpty()) {
                // the sender serves every job: its lines say which one this is
                org.slf4j.MDC.put("sms.export.job", claimed.get(0).jobId());
                try {
                    attempt(claimed.get(0));
                } finally {
                    org.slf4j.MDC.remove("sms.export.job");
                }
            }
            if (!waiting.isEmpty() && System.nanoTime() - lastLook > TimeUnit.SECONDS.toNanos(2)) {
                lastLook = System.nanoTime();
                for (String id : List.copyOf(waiting.keySet())) {
                    outbox.find(id).filter(m -> m.status() != MailOutbox.Status.PENDING).ifPresent(m -> complete(id, outcome(m)));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The mail outbox could not be read: {}", e.toString());
        }
    }

    private static Delivery outcome(MailOutbox.Message m) {
        return m.status() == MailOutbox.Status.SENT ? Delivery.SENT : Delivery.failed(m.lastError().orElse("not delivered"));
    }

    private void attempt(MailOutbox.Message m) {
        int attempts = m.attempts() + 1;
        try {
            transmit.send(m);
            if (!outbox.sent(m.id(), Instant.now())) {
                // the send outlasted the claim and another node claimed the message: it may be delivered twice, and its
                // record is that node's to write
                LOG.warn("Mail for job {} was delivered after its claim ran out (lease {}); another node holds it now", m.jobId(), lease);
            }
            settle(m, Delivery.SENT);
        } catch (MessagingException e) {
            String why = Recipients.reason(e);
            Instant now = Instant.now();
            if (MailNotifier.permanent(e) || !now.isBefore(m.createdAt().plus(config.retryFor()))) {
                giveUp(m, attempts, why);
            } else {
                Instant next = now.plus(wait(config.backoff(), attempts));
                Notifier.Context c = outbox.retry(m.id(), attempts, next, why) ? context : null;
                if (c != null) {
                    c.recordResult(JobId.of(m.jobId()), false, Optional.of("Pending: attempt " + attempts + " failed (" + why
                            + "); next attempt at " + next));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the attachment is gone, or the message cannot be built: another attempt would not help
            giveUp(m, attempts, Recipients.reason(e));
        }
    }

    /** @return the wait before attempt {@code attempts + 1}: doubling from {@code backoff}, at most {@link #MAX_WAIT}, plus up to a quarter */
    static Duration wait(Duration backoff, int attempts) {
        long base = Math.min(MAX_WAIT.toMillis(), Math.max(1, backoff.toMillis()) << Math.min(attempts - 1, 30));
        return Duration.ofMillis(base + ThreadLocalRandom.current().nextLong(base / 4 + 1));
    }

    private void giveUp(MailOutbox.Message m, int attempts, String why) {
        if (!outbox.givenUp(m.id(), attempts, why)) {
            LOG.warn("Mail for job {}: its claim ran out before it was given up; another node holds it now", m.jobId());
            return;
        }
        failed.incrementAndGet();
        LOG.warn("Mail for job {} given up after {} attempt(s): {}", m.jobId(), attempts, why);
        settle(m, Delivery.failed(why));
    }

    /** Tells whoever waits: this process's caller or, after a restart or for another node's message, the job. */
    private void settle(MailOutbox.Message m, Delivery d) {
        if (complete(m.id(), d)) {
            return;
        }
        Notifier.Context c = context;
        if (c != null) {
            c.recordResult(JobId.of(m.jobId()), d.sent(), d.error());
        }
    }

    private boolean complete(String id, Delivery d) {
        CompletableFuture<Delivery> f = waiting.remove(id);
        return f != null && f.complete(d);
    }

    /** Makes one last round for what is due, then stops; what is still pending waits for the next start. */
    void close() {
        poller.shutdown();
        try {
            if (poller.awaitTermination(config.timeout().toSeconds() + config.connectTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
                lastLook = 0;
                drain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.forEach((id, f) -> f.complete(new Delivery(false, true, Optional.of("Pending in the mail outbox"))));
        waiting.clear();
    }
}
