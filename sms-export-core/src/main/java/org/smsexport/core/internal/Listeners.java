package org.smsexport.core.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.ExportMetrics;
import org.smsexport.JobStatus;
import org.smsexport.AuditEvent;
import org.smsexport.core.DownloadLinks;
import org.smsexport.core.ExportAudit;
import org.smsexport.spi.ExportEvent;
import org.smsexport.spi.MetricsSink;
import org.smsexport.spi.Notifier;

/**
 * Who hears about jobs: the metrics sinks (a job started, a job ended) and the notifiers (a job ended, with its
 * signed download link when there is one). A listener that throws is logged and counted, never fatal to the job.
 * Thread-safe.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final Registry registry;
    private final Jobs jobs;
    private final ExportAudit audit;
    /** Jobs whose cancel someone asked for (and the audit trail recorded then), not yet finished. */
    private final java.util.Set<org.smsexport.JobId> cancelRequested = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong notifierFailures = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private volatile DownloadLinks links;
    private volatile DownloadLinks.Url linkUrl;

    Listeners(Registry registry, Jobs jobs, java.nio.file.Path outputDirectory, java.util.Optional<javax.sql.DataSource> database,
            String tablePrefix, ExportAudit audit) {
        this.registry = registry;
        this.jobs = jobs;
        this.audit = audit;
        Notifier.Context context = new Notifier.Context() {
            @Override
            public void recordResult(org.smsexport.JobId job, boolean sent, Optional<String> error) {
                recordNotification(job, sent, error);
            }

            @Override
            public java.nio.file.Path outputDirectory() {
                return outputDirectory;
            }

            @Override
            public Optional<javax.sql.DataSource> database() {
                return database;
            }

            @Override
            public String tablePrefix() {
                return tablePrefix;
            }
        };
        for (Notifier n : registry.notifiers()) {
            try {
                n.start(context);
            } catch (RuntimeException e) {
                notifierFailures.incrementAndGet();
                LOG.warn("Notifier {} failed when it was started: {}", n.getClass().getName(), e.toString());
            }
        }
    }

    void links(DownloadLinks signer, DownloadLinks.Url url) {
        this.linkUrl = url;
        this.links = signer;
    }

    long notifierFailures() {
        return notifierFailures.get();
    }

    long sinkFailures() {
        return sinkFailures.get();
    }

    ExportAudit audit() {
        return audit;
    }

    /** @param job a job whose cancel {@code actor} asked for */
    void cancelRequested(ExportJob job, String actor) {
        cancelRequested.add(job.id());
        audit.record(AuditEvent.CANCELLED, job, actor);
    }

    /** A job started: the audit trail must record it (or the job fails before it reads a row), then the sinks hear of it. */
    void started(ExportJob job) {
        audit.require(org.smsexport.AuditEntry.of(AuditEvent.STARTED, jobs.clock.instant(), job.owner(), job));
        eachSink(job.id(), "on start of", sink -> sink.started(job));
    }

    private void eachSink(org.smsexport.JobId job, String when, java.util.function.Consumer<MetricsSink> call) {
        for (MetricsSink sink : registry.sinks()) {
            try {
                call.accept(sink);
            } catch (RuntimeException e) {
                sinkFailures.incrementAndGet();
                LOG.warn("Metrics sink {} failed {} job {}: {}", sink.getClass().getSimpleName(), when, job, reason(e));
            }
        }
    }

    /** A job ended: its metrics are recorded, then the notifiers hear of it (with a link when it completed). */
    void finished(ExportJob job, Optional<Path> file, Locale locale, java.time.ZoneId zone, boolean encrypted) {
        boolean asked = cancelRequested.remove(job.id());
        // a completion was recorded before its file was kept (JobRun): unrecorded, there would be no file
        if (job.status() == JobStatus.FAILED) {
            audit.record(AuditEvent.FAILED, job, job.owner());
        } else if (job.status() == JobStatus.CANCELLED && !asked) {
            // cancelled by the service itself (its shutdown), not by anyone's request
            audit.record(AuditEvent.CANCELLED, job, "system");
        }
        recordMetrics(job);
        ExportEvent.Builder b = ExportEvent.builder(job).locale(locale).zone(zone).encrypted(encrypted)
                .report((sent, error) -> recordNotification(job.id(), sent, error));
        file.ifPresent(b::file);
        DownloadLinks signer = links;
        if (signer != null && job.status() == JobStatus.COMPLETED) {
            String token = signer.token(job.id(), job.owner());
            String url = linkUrl.of(job, token);
            signer.expiry(token).ifPresentOrElse(at -> b.downloadUrl(url, at), () -> b.downloadUrl(url));
        }
        ExportEvent event = b.build();
        for (Notifier n : registry.notifiers()) {
            try {
                n.jobFinished(event);
            } catch (RuntimeException e) {
                notifierFailures.incrementAndGet();
                LOG.warn("Notifier {} failed for job {}: {}", n.getClass().getSimpleName(), job.id(), reason(e));
            }
        }
    }

    void recordMetrics(ExportJob job) {
        record(ExportMetrics.of(job));
    }

    void record(ExportMetrics m) {
        eachSink(m.exportId(), "for", sink -> sink.record(m));
    }

    private void recordNotification(org.smsexport.JobId job, boolean sent, Optional<String> error) {
        try {
            ExportJob after = jobs.mutate(job, cur -> cur.toBuilder().notificationSent(cur.notificationSent() || sent)
                    .notificationError(sent ? null : error.orElse("not delivered")).build());
            if (sent) {
                audit.record(org.smsexport.AuditEntry.of(AuditEvent.NOTIFIED, jobs.clock.instant(), "system", after)
                        .withRecipients(after.notificationEmail().map(List::of).orElse(List.of())));
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not record the notification outcome of job {}: {}", job, e.toString());
        }
    }

    /** Closes every notifier and sink, logging (not throwing) what fails. */
    void close() {
        for (Notifier n : registry.notifiers()) {
            closeQuietly(n);
        }
        for (MetricsSink s : registry.sinks()) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", c.getClass().getName(), e.toString());
        }
    }

    /** What went wrong, in words: the message and its cause's, without class names. */
    private static String reason(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable c = e.getCause();
        return c != null && c.getMessage() != null && !m.contains(c.getMessage()) ? m + ": " + c.getMessage() : m;
    }
}
