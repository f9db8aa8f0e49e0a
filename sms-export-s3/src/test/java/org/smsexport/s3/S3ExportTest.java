package org.smsexport.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.AuditQuery;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobStatus;
import org.smsexport.StorageException;
import org.smsexport.core.DownloadLinks;
import org.smsexport.core.ExportMaintenance;
import org.smsexport.core.ExportService;
import org.smsexport.rest.ApiUser;
import org.smsexport.rest.Exchange;
import org.smsexport.rest.ExportApi;
import org.smsexport.test.MutableClock;
import org.smsexport.test.SlowDataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Exports into a real S3 endpoint (s3proxy): the file lives in the bucket only, with the job's SHA-256; downloads
 * redirect to a presigned GET or stream; retention, archive and delete work in the bucket; and every way an upload
 * fails — missing bucket, refused credentials, endpoint down, connection cut mid-way through a multipart upload —
 * is a FAILED job with a clear message and nothing left on disk or in the bucket.
 */
class S3ExportTest {

    private static S3Server server;
    private static int prefixes;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = new S3Server();
        // what the SDK's default credentials chain reads, as a deployment's AWS_ACCESS_KEY_ID would be
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        server.close();
    }

    private String prefix;

    private Map<String, String> settings(String... more) {
        prefix = "e" + prefixes++ + "/";
        Map<String, String> m = new HashMap<>(Map.of("EXPORT_STORAGE", "s3", "EXPORT_S3_BUCKET", S3Server.BUCKET,
                "EXPORT_S3_ENDPOINT", server.endpoint(), "EXPORT_S3_PATH_STYLE", "true", "EXPORT_S3_PREFIX", prefix,
                "EXPORT_OUTPUT_DIR", dir.toString(), "EXPORT_DISCOVERY", "true"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private ExportService.Builder service(Map<String, String> settings, long rows) {
        return ExportService.builder().config(settings).dataSource(SlowDataSource.of(ExportType.STUDENTS, ExportType.STUDENTS, rows,
                Duration.ZERO)).downloadLinks("https://sms.example", new DownloadLinks(new byte[32], Duration.ofDays(7),
                        java.time.Clock.systemUTC()));
    }

    private static ExportRequest students() {
        return ExportRequest.builder().type("students").format("csv").owner("alice").build();
    }

    private List<String> keys() {
        return server.keys().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    private byte[] object(String key) throws IOException {
        Blob b = server.blobs.getBlob(S3Server.BUCKET, key);
        assertThat(b).as(key).isNotNull();
        try (InputStream in = b.getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Export files and temporary files in the output directory: none, with S3. */
    private List<String> localFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.endsWith(".csv")).toList();
        }
    }

    @Test
    void theFileLivesInTheBucketWithTheJobsHashAndDownloadsRedirectToAPresignedGet() throws Exception {
        try (ExportService exports = service(settings(), 300).build()) {
            assertThat(exports.storage().name()).isEqualTo("s3");
            ExportOutcome o = exports.run(students());
            assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
            ExportJob job = o.job();
            String key = prefix + job.fileName().orElseThrow();
            assertThat(keys()).containsExactly(key);
            byte[] stored = object(key);
            assertThat(sha256(stored)).isEqualTo(job.sha256().orElseThrow());
            assertThat(new String(stored, java.nio.charset.StandardCharsets.UTF_8).lines()).hasSize(301);
            assertThat(localFiles()).as("nothing of the export is left on this node's disk").isEmpty();
            try (var c = exports.content(job.id())) {
                assertThat(c.size()).isEqualTo(stored.length);
                assertThat(c.stream().readAllBytes()).isEqualTo(stored);
            }
            assertThatThrownBy(() -> exports.file(job.id())).isInstanceOf(StorageException.class)
                    .hasMessageContaining("s3://" + S3Server.BUCKET + "/" + key).hasMessageContaining("open(id)");

            Recorded r = download(exports, job);
            assertThat(r.status).isEqualTo(302);
            URI presigned = URI.create(r.headers.get("Location"));
            assertThat(presigned.toString()).startsWith(server.endpoint()).contains("X-Amz-Signature").contains("X-Amz-Expires");
            HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(presigned).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(stored);
            assertThat(exports.audit().list(AuditQuery.latest())).anySatisfy(a -> assertThat(a.entry().route().orElse(""))
                    .contains("redirected to the s3 storage"));
        }
    }

    @Test
    void withStreamDownloadsTheNodeStreamsTheFile() throws Exception {
        try (ExportService exports = service(settings("EXPORT_S3_DOWNLOAD", "stream"), 50).build()) {
            ExportJob job = exports.run(students()).job();
            Recorded r = download(exports, job);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.headers.get("Content-Disposition")).contains(job.fileName().orElseThrow());
            assertThat(r.body).isEqualTo(object(prefix + job.fileName().orElseThrow()));
            assertThat(r.length).isEqualTo(r.body.length);
        }
    }

    @Test
    void retentionArchiveAndDeleteWorkInTheBucket() throws Exception {
        MutableClock clock = MutableClock.ticking(Instant.now());
        try (ExportService exports = service(settings(), 10).clock(clock).build()) {
            ExportJob kept = exports.run(students()).job();
            ExportJob archived = exports.run(students()).job();
            ExportJob deleted = exports.run(students()).job();
            assertThat(exports.delete(deleted.id())).isTrue();
            assertThat(keys()).hasSize(2).noneMatch(k -> k.endsWith(deleted.fileName().orElseThrow()));

            clock.advance(Duration.ofDays(40));
            ExportMaintenance.ArchiveResult a = exports.maintenance().cleanupAndArchiveOldExports(30, dir.resolve("archive"), false);
            assertThat(a.errors()).isEmpty();
            assertThat(a.archivedFiles()).isEqualTo(2);
            String archivedKey = prefix + "archive/" + archived.fileName().orElseThrow();
            assertThat(keys()).contains(archivedKey).noneMatch(k -> !k.startsWith(prefix + "archive/"));
            assertThat(exports.job(archived.id()).orElseThrow().status()).isEqualTo(JobStatus.ARCHIVED);
            assertThat(exports.job(archived.id()).orElseThrow().archivePath()).contains("s3://" + S3Server.BUCKET + "/" + archivedKey);
            assertThat(sha256(object(archivedKey))).isEqualTo(archived.sha256().orElseThrow());
            assertThat(a.toMap().get("archive_path")).isEqualTo(S3Server.BUCKET + "/" + prefix + "archive");
            assertThat(kept.id()).isNotNull();
        }
        try (ExportService exports = service(settings(), 10).clock(clock).build()) {
            ExportJob old = exports.run(students()).job();
            clock.advance(Duration.ofDays(40));
            ExportMaintenance.CleanupResult c = exports.maintenance().cleanupOldExports(30, true, false);
            assertThat(c.errors()).isEmpty();
            assertThat(c.deletedFiles()).isEqualTo(1);
            assertThat(keys()).isEmpty();
            assertThat(exports.job(old.id())).isEmpty();
        }
    }

    @Test
    void aMissingBucketFailsTheJobAndSaysSo() throws Exception {
        failsCleanly(settings("EXPORT_S3_BUCKET", "no-such-bucket"), UnaryOperator.identity(), 20,
                "the bucket 'no-such-bucket' does not exist (EXPORT_S3_BUCKET)");
    }

    @Test
    void refusedCredentialsFailTheJobAndSaySo() throws Exception {
        StaticCredentialsProvider wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, "wrong"));
        failsCleanly(settings(), b -> b.storage(server.storage().prefix(prefix).credentials(wrong).build()), 20,
                "S3 refused the credentials");
    }

    @Test
    void anEndpointThatIsDownFailsTheJobAndSaysSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        failsCleanly(settings("EXPORT_S3_ENDPOINT", "http://127.0.0.1:" + port), UnaryOperator.identity(), 20,
                "the S3 endpoint could not be reached");
    }

    @Test
    void anUploadCutMidWayFailsTheJobAndAbortsTheMultipartUpload() throws Exception {
        Map<String, String> s = settings();
        try (CuttingProxy proxy = new CuttingProxy(Integer.parseInt(server.endpoint().replaceFirst(".*:", "")), 7L * 1024 * 1024)) {
            // 60,000 students are about 8 MB: two 5 MiB parts, the second cut off
            failsCleanly(s, b -> b.storage(server.storage().endpoint(proxy.endpoint()).prefix(prefix).partSize(5L * 1024 * 1024)
                    .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)).build()), 60_000, "Uploading");
        }
    }

    @Test
    void anUploadWhoseEndpointStaysGoneIsAbortedWhenItIsBack() throws Exception {
        Map<String, String> s = settings();
        try (CuttingProxy proxy = new CuttingProxy(Integer.parseInt(server.endpoint().replaceFirst(".*:", "")), 7L * 1024 * 1024)) {
            proxy.dropAfterCut();
            S3Storage storage = server.storage().endpoint(proxy.endpoint()).prefix(prefix).partSize(5L * 1024 * 1024)
                    .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)).build();
            String id;
            try (ExportService exports = service(s, 60_000).storage(storage).build()) {
                ExportOutcome o = exports.run(students());
                assertThat(o.job().status()).isEqualTo(JobStatus.FAILED);
                id = o.job().id().value();
                assertThat(storage.pendingAborts()).as("the abort could not reach the endpoint").isEqualTo(1);
                assertThat(server.keys()).as("its parts wait in the bucket").anyMatch(k -> k.contains(id));
                proxy.heal();
            }
            // closing the service asked again, the endpoint answering
            assertThat(storage.pendingAborts()).isZero();
            assertThat(server.keys()).as("nothing left in the bucket").noneMatch(k -> k.contains(id));
        }
    }

    @Test
    void objectsAndRedirectedDownloadsKeepTheirContentType() throws Exception {
        try (ExportService exports = service(settings(), 20).build()) {
            ExportJob job = exports.run(students()).job();
            Blob b = server.blobs.getBlob(S3Server.BUCKET, prefix + job.fileName().orElseThrow());
            assertThat(b.getMetadata().getContentMetadata().getContentType()).isEqualTo("text/csv; charset=utf-8");
            Recorded r = download(exports, job);
            HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(r.headers.get("Location"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
        }
        assertThat(S3Storage.contentType("a.xlsx")).isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(S3Storage.contentType("a.csv.zip")).isEqualTo("application/zip");
    }

    private void failsCleanly(Map<String, String> settings, UnaryOperator<ExportService.Builder> more, long rows, String message)
            throws Exception {
        try (ExportService exports = more.apply(service(settings, rows)).build()) {
            ExportOutcome o = exports.run(students());
            assertThat(o).isInstanceOf(ExportOutcome.Failed.class);
            assertThat(o.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(o.job().errorMessage().orElseThrow()).startsWith("Publishing the export file to the s3 storage failed")
                    .contains(message);
            assertThat(localFiles()).as("no temporary file left").isEmpty();
            // an unfinished multipart upload keeps its parts under .mpus-…/<key>: none may be left either
            assertThat(server.keys()).as("nothing left in the bucket").noneMatch(k -> k.contains(o.job().id().value()));
        }
    }

    @Test
    void unfinishedUploadsAKilledNodeLeftAreAbortedWhenAStorageStarts() {
        settings();
        try (software.amazon.awssdk.services.s3.S3Client s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(S3Server.credentials()).forcePathStyle(true).build()) {
            // what a node killed mid-upload leaves: a multipart upload begun, never completed or aborted
            s3.createMultipartUpload(r -> r.bucket(S3Server.BUCKET).key(prefix + "students_20261201_000000_aaaaaaaaaaaaaaaaaaaa.csv"));
            java.util.function.Supplier<List<String>> open = () -> s3.listMultipartUploads(r -> r.bucket(S3Server.BUCKET).prefix(prefix))
                    .uploads().stream().map(u -> u.key()).toList();
            assertThat(open.get()).hasSize(1);
            // a storage starting now leaves a fresh one alone (it may be another node's upload in progress); one starting
            // two days later aborts it (older than the default day; s3proxy reports every upload as begun when listed)
            server.storage().prefix(prefix).build().close();
            assertThat(open.get()).hasSize(1);
            try (S3Storage later = server.storage().prefix(prefix).clock(java.time.Clock.offset(java.time.Clock.systemUTC(),
                    Duration.ofDays(2))).build()) {
                assertThat(open.get()).isEmpty();
                assertThat(later.abortStaleUploads(Duration.ofDays(1))).isZero();
            }
        }
    }

    @Test
    void badStorageSettingsNameTheValueAndTheChoices() {
        assertThatThrownBy(() -> service(Map.of("EXPORT_STORAGE", "s3", "EXPORT_OUTPUT_DIR", dir.toString(), "EXPORT_S3_SSE", "des"),
                1).build()).isInstanceOf(InvalidRequestException.class).hasMessageContaining("EXPORT_S3_BUCKET is required")
                .hasMessageContaining("EXPORT_S3_SSE='des'");
        assertThatThrownBy(() -> service(Map.of("EXPORT_STORAGE", "ftp", "EXPORT_OUTPUT_DIR", dir.toString()), 1).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("EXPORT_STORAGE='ftp'")
                .hasMessageContaining("[local, s3]");
    }

    private static Recorded download(ExportService exports, ExportJob job) throws IOException {
        ExportApi api = new ExportApi(exports, null, ex -> Optional.<ApiUser>empty(), () -> "https://sms.example");
        String token = exports.downloadLinks().orElseThrow().token(job.id(), job.owner());
        Recorded r = new Recorded("/api/v1/export-jobs/" + job.id() + "/download", "token=" + token);
        api.handle(r);
        return r;
    }

    /** A request to the REST API and what it answered, without an HTTP server. */
    private static final class Recorded implements Exchange {
        final String path;
        final String query;
        final Map<String, String> headers = new HashMap<>();
        int status;
        long length = -1;
        byte[] body;

        Recorded(String path, String query) {
            this.path = path;
            this.query = query;
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String rawQuery() {
            return query;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public byte[] body() {
            return new byte[0];
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void send(int s, String contentType, byte[] b) {
            status = s;
            body = b;
        }

        @Override
        public void sendFile(int s, String contentType, Path file) throws IOException {
            status = s;
            body = Files.readAllBytes(file);
        }

        @Override
        public void sendStream(int s, String contentType, long len, InputStream content) throws IOException {
            status = s;
            length = len;
            try (content) {
                body = content.readAllBytes();
            }
        }
    }
}
