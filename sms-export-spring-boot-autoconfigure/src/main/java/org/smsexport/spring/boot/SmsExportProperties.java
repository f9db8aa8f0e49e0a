package org.smsexport.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sms.export.*}: one property per setting of the README's configuration table, bound with Boot's relaxed
 * rules (so {@code SMS_EXPORT_MAX_RECORDS} works from the environment). A property left unset falls back to the
 * original system's variable ({@code EXPORT_MAX_RECORDS}, {@code ENABLE_SCHEDULER}, {@code SMTP_HOST}, …), then to
 * the library's default.
 */
@ConfigurationProperties(prefix = "sms.export")
public class SmsExportProperties {

    /** Where files are published (EXPORT_OUTPUT_DIR; default data/exports). */
    private Path outputDir;
    /** Most records one export may hold, 0 for no limit (EXPORT_MAX_RECORDS; default 100000). */
    private Long maxRecords;
    /** fail or truncate above max-records (EXPORT_OVER_LIMIT; default fail). */
    private String overLimit;
    /** Exports running at once on this node (EXPORT_WORKERS; default 2). */
    private Integer workers;
    /** Jobs waiting for a worker before a submit is refused with 429 (EXPORT_QUEUE_CAPACITY; default 100). */
    private Integer queueCapacity;
    /** How long one export may run (EXPORT_JOB_TIMEOUT_SECONDS; default 1h). */
    private Duration jobTimeout;
    /** Whether files are forced to disk before they are published (EXPORT_FSYNC; default true). */
    private Boolean fsync;
    /** Age in days after which the retention cleanup removes exports (EXPORT_RETENTION_DAYS; default 30). */
    private Integer retentionDays;
    /** Age in days after which audit records are removed, 0 for never (EXPORT_AUDIT_RETENTION_DAYS; default 0). */
    private Integer auditRetentionDays;
    /** Where archived exports go (EXPORT_ARCHIVE_PATH; default data/exports/archive). */
    private Path archivePath;
    /** The JSONL metrics file; empty for none (EXPORT_METRICS_FILE; default metrics.jsonl in the output directory). */
    private String metricsFile;
    /** hourly, daily or weekly: when the scheduled retention cleanup runs (EXPORT_CLEANUP_SCHEDULE; default daily). */
    private String cleanupSchedule;
    /** The public base URL download links start with; default http://localhost:${server.port}. */
    private String publicUrl;
    /** Where finished files live: local (the output directory) or s3, with sms-export-s3 (EXPORT_STORAGE; default local). */
    private String storage;
    /** This node's name in the shared queue (EXPORT_NODE_NAME; default host:pid). */
    private String nodeName;
    /** How long a silent replica keeps its unfinished jobs before another takes them (EXPORT_RECOVERY_GRACE_SECONDS; default 60s). */
    private Duration recoveryGrace;
    /** How often running jobs renew their lease and the replica reports itself; shorter than the grace (EXPORT_HEARTBEAT_SECONDS; default a third of the grace, at most 10s). */
    private Duration heartbeat;
    /** The prefix of every table the library creates in the host's database; a table of such a name that is not sms-export's is never altered (EXPORT_TABLE_PREFIX; default sms_export_). */
    private String tablePrefix;
    /** The zone of dates and times in files and mail when an export names none, e.g. Europe/Athens (EXPORT_TIME_ZONE; default the JVM's). */
    private String timeZone;
    /**
     * A properties file naming the host's SMS tables and columns where they differ from the original's
     * (students.table = pupils, students.first_name = given_name); EXPORT_SCHEMA_MAP. The JDBC source finds known
     * alternatives (attendances) and absent optional columns by itself.
     */
    private String schemaMap;

    private final Links links = new Links();
    private final Jdbc jdbc = new Jdbc();
    private final Scheduler scheduler = new Scheduler();
    private final Mail mail = new Mail();
    private final Web web = new Web();
    private final S3 s3 = new S3();

    /** Signed download links. */
    public static class Links {
        /** Days a download link works (EXPORT_LINK_EXPIRES_DAYS; default 7). */
        private Integer expiresDays;
        /** The links' secret, base64 of 32 bytes or more, the same on every replica (EXPORT_LINK_SECRET; default a file in the output directory). */
        private String secret;

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public Integer getExpiresDays() {
            return expiresDays;
        }

        public void setExpiresDays(Integer expiresDays) {
            this.expiresDays = expiresDays;
        }
    }

    /** The host's DataSource as the SMS source and the job store. */
    public static class Jdbc {
        /** Whether jobs are kept in the host's database (table sms_export_jobs: every table has the prefix sms.export.table-prefix); default true. */
        private boolean jobStore = true;
        /** The host's table names by the SMS schema's: students, courses, grades, course_enrollments, attendance. */
        private Map<String, String> tables = new LinkedHashMap<>();

        public boolean isJobStore() {
            return jobStore;
        }

        public void setJobStore(boolean jobStore) {
            this.jobStore = jobStore;
        }

        public Map<String, String> getTables() {
            return tables;
        }

        public void setTables(Map<String, String> tables) {
            this.tables = tables;
        }
    }

    /** Scheduled exports. */
    public static class Scheduler {
        /** Whether this node runs due schedules (ENABLE_SCHEDULER; default true). */
        private Boolean enabled;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The S3 storage (sms.export.storage=s3); unset values fall back to EXPORT_S3_*. Credentials: the SDK's default chain. */
    public static class S3 {
        /** The bucket (EXPORT_S3_BUCKET; required with s3). */
        private String bucket;
        /** Another S3 service, e.g. http://minio:9000 (EXPORT_S3_ENDPOINT; default AWS). */
        private String endpoint;
        /** The bucket's region (EXPORT_S3_REGION; default us-east-1). */
        private String region;
        /** Where in the bucket files go (EXPORT_S3_PREFIX; default exports/). */
        private String prefix;
        /** host/bucket/key URLs, for MinIO and s3proxy (EXPORT_S3_PATH_STYLE; default false). */
        private Boolean pathStyle;
        /** Server-side encryption: none, AES256 or aws:kms (EXPORT_S3_SSE; default none). */
        private String sse;
        /** The KMS key for aws:kms (EXPORT_S3_KMS_KEY_ID; default the bucket's). */
        private String kmsKeyId;
        /** redirect (a 302 to a presigned GET) or stream through this node (EXPORT_S3_DOWNLOAD; default redirect). */
        private String download;

        /** @return the bucket */
        public String getBucket() {
            return bucket;
        }

        /** @param bucket the bucket */
        public void setBucket(String bucket) {
            this.bucket = bucket;
        }

        /** @return the endpoint */
        public String getEndpoint() {
            return endpoint;
        }

        /** @param endpoint the endpoint */
        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        /** @return the region */
        public String getRegion() {
            return region;
        }

        /** @param region the region */
        public void setRegion(String region) {
            this.region = region;
        }

        /** @return the prefix */
        public String getPrefix() {
            return prefix;
        }

        /** @param prefix the prefix */
        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        /** @return whether URLs are path-style */
        public Boolean getPathStyle() {
            return pathStyle;
        }

        /** @param pathStyle whether URLs are path-style */
        public void setPathStyle(Boolean pathStyle) {
            this.pathStyle = pathStyle;
        }

        /** @return the server-side encryption */
        public String getSse() {
            return sse;
        }

        /** @param sse the server-side encryption */
        public void setSse(String sse) {
            this.sse = sse;
        }

        /** @return the KMS key id */
        public String getKmsKeyId() {
            return kmsKeyId;
        }

        /** @param kmsKeyId the KMS key id */
        public void setKmsKeyId(String kmsKeyId) {
            this.kmsKeyId = kmsKeyId;
        }

        /** @return redirect or stream */
        public String getDownload() {
            return download;
        }

        /** @param download redirect or stream */
        public void setDownload(String download) {
            this.download = download;
        }
    }

    /** Mail notifications; unset values fall back to spring.mail.*, then to SMTP_*. */
    public static class Mail {
        /** Whether finished exports are mailed (ENABLE_EMAIL_NOTIFICATIONS; default false). */
        private Boolean enabled;
        /** SMTP host (spring.mail.host, SMTP_HOST). */
        private String host;
        /** SMTP port (spring.mail.port, SMTP_PORT; default 587). */
        private Integer port;
        /** SMTP user (spring.mail.username, SMTP_USER). */
        private String username;
        /** SMTP password (spring.mail.password, SMTP_PASSWORD). */
        private String password;
        /** The sender address (SMTP_FROM_ADDRESS). */
        private String from;
        /** Whether STARTTLS is required (SMTP_USE_TLS; default true). */
        private Boolean startTls;
        /** How long a message waits in the outbox for delivery, in hours (SMTP_RETRY_FOR_HOURS; default 24). */
        private Integer retryForHours;

        public Integer getRetryForHours() {
            return retryForHours;
        }

        public void setRetryForHours(Integer retryForHours) {
            this.retryForHours = retryForHours;
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public Boolean getStartTls() {
            return startTls;
        }

        public void setStartTls(Boolean startTls) {
            this.startTls = startTls;
        }
    }

    /** The REST API. */
    public static class Web {
        /** Whether the seed's REST API is served by Spring MVC; default true. */
        private boolean enabled = true;
        /** The authority that sees every user's jobs and schedules; default ROLE_ADMIN. */
        private String adminAuthority = "ROLE_ADMIN";
        /** Origins besides this server's own whose pages may change exports (https://sms.school.example); default none. */
        private java.util.List<String> trustedOrigins = new java.util.ArrayList<>();
        private final Ui ui = new Ui();

        /** The exports page at /sms-export/. */
        public static class Ui {
            /** Whether the page is served at /sms-export/ (it calls the API with the browser's login); default true. */
            private boolean enabled = true;

            public boolean isEnabled() {
                return enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }
        }

        public Ui getUi() {
            return ui;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getAdminAuthority() {
            return adminAuthority;
        }

        public java.util.List<String> getTrustedOrigins() {
            return trustedOrigins;
        }

        public void setTrustedOrigins(java.util.List<String> trustedOrigins) {
            this.trustedOrigins = trustedOrigins;
        }

        public void setAdminAuthority(String adminAuthority) {
            this.adminAuthority = adminAuthority;
        }
    }

    public Path getOutputDir() {
        return outputDir;
    }

    public void setOutputDir(Path outputDir) {
        this.outputDir = outputDir;
    }

    public Long getMaxRecords() {
        return maxRecords;
    }

    public void setMaxRecords(Long maxRecords) {
        this.maxRecords = maxRecords;
    }

    public String getOverLimit() {
        return overLimit;
    }

    public void setOverLimit(String overLimit) {
        this.overLimit = overLimit;
    }

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }

    public Integer getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(Integer queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public Duration getJobTimeout() {
        return jobTimeout;
    }

    public void setJobTimeout(Duration jobTimeout) {
        this.jobTimeout = jobTimeout;
    }

    public Boolean getFsync() {
        return fsync;
    }

    public void setFsync(Boolean fsync) {
        this.fsync = fsync;
    }

    public Integer getRetentionDays() {
        return retentionDays;
    }

    public void setRetentionDays(Integer retentionDays) {
        this.retentionDays = retentionDays;
    }

    public Integer getAuditRetentionDays() {
        return auditRetentionDays;
    }

    public void setAuditRetentionDays(Integer auditRetentionDays) {
        this.auditRetentionDays = auditRetentionDays;
    }

    public Path getArchivePath() {
        return archivePath;
    }

    public void setArchivePath(Path archivePath) {
        this.archivePath = archivePath;
    }

    public String getMetricsFile() {
        return metricsFile;
    }

    public void setMetricsFile(String metricsFile) {
        this.metricsFile = metricsFile;
    }

    public String getCleanupSchedule() {
        return cleanupSchedule;
    }

    public void setCleanupSchedule(String cleanupSchedule) {
        this.cleanupSchedule = cleanupSchedule;
    }

    public String getPublicUrl() {
        return publicUrl;
    }

    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    public Links getLinks() {
        return links;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Scheduler getScheduler() {
        return scheduler;
    }

    public Mail getMail() {
        return mail;
    }

    /** @return the S3 storage's settings */
    public S3 getS3() {
        return s3;
    }

    /** @return local or s3 */
    public String getStorage() {
        return storage;
    }

    /** @param storage local or s3 */
    public void setStorage(String storage) {
        this.storage = storage;
    }

    /** @return how often running jobs renew their lease */
    public Duration getHeartbeat() {
        return heartbeat;
    }

    /** @param heartbeat how often running jobs renew their lease */
    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** @return how long a silent replica keeps its unfinished jobs */
    public Duration getRecoveryGrace() {
        return recoveryGrace;
    }

    /** @param recoveryGrace how long a silent replica keeps its unfinished jobs */
    public void setRecoveryGrace(Duration recoveryGrace) {
        this.recoveryGrace = recoveryGrace;
    }

    /** @return the mapping file of the host's table and column names */
    public String getSchemaMap() {
        return schemaMap;
    }

    /** @param schemaMap the mapping file of the host's table and column names */
    public void setSchemaMap(String schemaMap) {
        this.schemaMap = schemaMap;
    }

    /** @return the prefix of the library's tables */
    public String getTablePrefix() {
        return tablePrefix;
    }

    /** @param tablePrefix the prefix of the library's tables */
    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    /** @return the zone of exports that name none */
    public String getTimeZone() {
        return timeZone;
    }

    /** @param timeZone the zone of exports that name none, e.g. Europe/Athens */
    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    /** @return this node's name */
    public String getNodeName() {
        return nodeName;
    }

    /** @param nodeName this node's name */
    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public Web getWeb() {
        return web;
    }
}
