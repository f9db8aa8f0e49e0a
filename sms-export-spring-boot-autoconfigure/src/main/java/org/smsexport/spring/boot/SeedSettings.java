package org.smsexport.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.smsexport.core.ExportConfig;
import org.springframework.core.env.Environment;

/**
 * The settings in the original system's names, as the library reads them ({@link ExportConfig#from},
 * {@code MailConfig.from}): the seed's variables where the environment has them, overridden by
 * {@code sms.export.*} (and, for mail, by {@code spring.mail.*} first). One map, so Boot and the CLI read
 * configuration the same way and report bad values the same way.
 */
final class SeedSettings {

    /**
     * The names the library reads its settings under — {@code EXPORT_*} (core, links, S3), {@code SMTP_*} and
     * {@code MAIL_*} (mail), {@code ENABLE_*} (the seed's switches) — taken as they are from every property source, so a
     * key added to a module reaches Boot without a list here to forget it in; the modules' own parsers read them, and
     * {@link ExportConfig#from} names unknown ones.
     */
    private static final java.util.regex.Pattern SEED_NAME = java.util.regex.Pattern.compile("(EXPORT|SMTP|MAIL|ENABLE)_[A-Z0-9_]+");

    private SeedSettings() {
    }

    static Map<String, String> of(SmsExportProperties p, Environment env) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : seedNames(env)) {
            put(m, key, env.getProperty(key));
        }
        put(m, "SMTP_HOST", env.getProperty("spring.mail.host"));
        put(m, "SMTP_PORT", env.getProperty("spring.mail.port"));
        put(m, "SMTP_USER", env.getProperty("spring.mail.username"));
        put(m, "SMTP_PASSWORD", env.getProperty("spring.mail.password"));
        put(m, "EXPORT_OUTPUT_DIR", text(p::getOutputDir));
        put(m, "EXPORT_MAX_RECORDS", text(p::getMaxRecords));
        put(m, "EXPORT_OVER_LIMIT", p.getOverLimit());
        put(m, "EXPORT_WORKERS", text(p::getWorkers));
        put(m, "EXPORT_QUEUE_CAPACITY", text(p::getQueueCapacity));
        put(m, "EXPORT_JOB_TIMEOUT_SECONDS", p.getJobTimeout() == null ? null : Long.toString(p.getJobTimeout().toSeconds()));
        put(m, "EXPORT_FSYNC", text(p::getFsync));
        put(m, "EXPORT_RETENTION_DAYS", text(p::getRetentionDays));
        put(m, "EXPORT_AUDIT_RETENTION_DAYS", text(p::getAuditRetentionDays));
        put(m, "EXPORT_ARCHIVE_PATH", text(p::getArchivePath));
        if (p.getMetricsFile() != null) {
            m.put("EXPORT_METRICS_FILE", p.getMetricsFile()); // empty switches the file off
        }
        put(m, "EXPORT_CLEANUP_SCHEDULE", p.getCleanupSchedule());
        put(m, "EXPORT_LINK_EXPIRES_DAYS", text(p.getLinks()::getExpiresDays));
        put(m, "EXPORT_LINK_SECRET", p.getLinks().getSecret());
        put(m, "EXPORT_RECOVERY_GRACE_SECONDS", p.getRecoveryGrace() == null ? null : Long.toString(p.getRecoveryGrace().toSeconds()));
        put(m, "EXPORT_HEARTBEAT_SECONDS", p.getHeartbeat() == null ? null : Long.toString(Math.max(1, p.getHeartbeat().toSeconds())));
        // replicas share the host's job store: one starting in a rolling deploy must not take the live one's jobs
        m.putIfAbsent("EXPORT_RECOVERY_GRACE_SECONDS", Long.toString(ExportConfig.SHARED_STORE_RECOVERY_GRACE.toSeconds()));
        put(m, "ENABLE_SCHEDULER", text(p.getScheduler()::getEnabled));
        put(m, "EXPORT_STORAGE", p.getStorage());
        put(m, "EXPORT_NODE_NAME", p.getNodeName());
        put(m, "EXPORT_TABLE_PREFIX", p.getTablePrefix());
        put(m, "EXPORT_TIME_ZONE", p.getTimeZone());
        SmsExportProperties.S3 s3 = p.getS3();
        put(m, "EXPORT_S3_BUCKET", s3.getBucket());
        put(m, "EXPORT_S3_ENDPOINT", s3.getEndpoint());
        put(m, "EXPORT_S3_REGION", s3.getRegion());
        put(m, "EXPORT_S3_PREFIX", s3.getPrefix());
        put(m, "EXPORT_S3_PATH_STYLE", text(s3::getPathStyle));
        put(m, "EXPORT_S3_SSE", s3.getSse());
        put(m, "EXPORT_S3_KMS_KEY_ID", s3.getKmsKeyId());
        put(m, "EXPORT_S3_DOWNLOAD", s3.getDownload());
        SmsExportProperties.Mail mail = p.getMail();
        put(m, "ENABLE_EMAIL_NOTIFICATIONS", text(mail::getEnabled));
        put(m, "SMTP_HOST", mail.getHost());
        put(m, "SMTP_PORT", text(mail::getPort));
        put(m, "SMTP_USER", mail.getUsername());
        put(m, "SMTP_PASSWORD", mail.getPassword());
        put(m, "SMTP_FROM_ADDRESS", mail.getFrom());
        put(m, "SMTP_USE_TLS", text(mail::getStartTls));
        put(m, "SMTP_RETRY_FOR_HOURS", text(mail::getRetryForHours));
        return m;
    }

    /** @return every property name in the environment's sources that is one of the library's settings */
    private static java.util.Set<String> seedNames(Environment env) {
        java.util.Set<String> names = new java.util.TreeSet<>(ExportConfig.KEYS);
        if (env instanceof org.springframework.core.env.ConfigurableEnvironment c) {
            for (org.springframework.core.env.PropertySource<?> source : c.getPropertySources()) {
                if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> e) {
                    for (String name : e.getPropertyNames()) {
                        if (SEED_NAME.matcher(name).matches()) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }

    /** @return whether this node runs due schedules: sms.export.scheduler.enabled, else ENABLE_SCHEDULER, else true */
    static boolean schedulerEnabled(Map<String, String> settings) {
        return !"false".equalsIgnoreCase(settings.getOrDefault("ENABLE_SCHEDULER", "true").strip());
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value);
        }
    }

    private static String text(Supplier<?> value) {
        Object v = value.get();
        return v == null ? null : v.toString();
    }
}
