package org.smsexport.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.smsexport.InvalidRequestException;
import org.smsexport.spi.ExportStorage;
import org.smsexport.support.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Export files in an S3 bucket (AWS S3, MinIO, Ceph, s3proxy), so every node of a cluster serves every file. The
 * service writes and hashes a file locally, then this storage uploads it under {@code prefix + name} — in one PUT up
 * to the multipart threshold (16 MiB, the part size), else in parts read straight from the file, the upload aborted on any
 * failure so nothing is left in the bucket — and deletes the local file. Downloads redirect to a presigned GET that
 * expires with the service's link ({@code redirect}), or stream through the node ({@code stream}). Archiving copies
 * within the bucket to {@code prefix + "archive/"}. Credentials come from the SDK's default chain
 * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, instance roles) unless given, or unless the
 * settings map itself holds {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}.
 *
 * <table>
 * <caption>Settings (EXPORT_STORAGE=s3)</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code EXPORT_S3_BUCKET}</td><td>required</td><td>the bucket</td></tr>
 * <tr><td>{@code EXPORT_S3_ENDPOINT}</td><td>AWS</td><td>another S3 service, e.g. {@code http://minio:9000}</td></tr>
 * <tr><td>{@code EXPORT_S3_REGION}</td><td>{@code us-east-1}</td><td>the bucket's region</td></tr>
 * <tr><td>{@code EXPORT_S3_PREFIX}</td><td>{@code exports/}</td><td>where in the bucket files go</td></tr>
 * <tr><td>{@code EXPORT_S3_PATH_STYLE}</td><td>{@code false}</td><td>{@code host/bucket/key} URLs (MinIO, s3proxy)</td></tr>
 * <tr><td>{@code EXPORT_S3_SSE}</td><td>{@code none}</td><td>server-side encryption: {@code none}, {@code AES256},
 * {@code aws:kms}</td></tr>
 * <tr><td>{@code EXPORT_S3_KMS_KEY_ID}</td><td>the bucket's</td><td>the KMS key, with {@code aws:kms}</td></tr>
 * <tr><td>{@code EXPORT_S3_DOWNLOAD}</td><td>{@code redirect}</td><td>{@code redirect}: download links answer with a
 * 302 to a presigned GET; {@code stream}: the node streams the file</td></tr>
 * </table>
 * Thread-safe.
 */
public final class S3Storage implements ExportStorage {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(S3Storage.class);

    /** Files above this go up in parts. */
    public static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    /** S3's smallest part but the last. */
    static final long MIN_PART = 5L * 1024 * 1024;
    /** The longest a SigV4 presigned URL can live. */
    static final Duration MAX_PRESIGN = Duration.ofDays(7);

    private final S3Client client;
    private final S3Presigner presigner;
    private final java.util.concurrent.ConcurrentHashMap<String, String> pendingAborts = new java.util.concurrent.ConcurrentHashMap<>();
    private final String bucket;
    private final String prefix;
    private final Optional<ServerSideEncryption> sse;
    private final Optional<String> kmsKeyId;
    private final boolean redirect;
    private final long partSize;
    private final Clock clock;

    private S3Storage(Builder b) {
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.sse = b.sse;
        this.kmsKeyId = b.kmsKeyId;
        this.redirect = b.redirect;
        this.partSize = b.partSize;
        this.clock = b.clock;
        Region region = Region.of(b.region);
        AwsCredentialsProvider credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
        S3Configuration s3 = S3Configuration.builder().pathStyleAccessEnabled(b.pathStyle).build();
        var cb = S3Client.builder().region(region).credentialsProvider(credentials).serviceConfiguration(s3)
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(b.connectTimeout).socketTimeout(b.socketTimeout))
                // S3-compatible stores do not all take the SDK's newer default checksums; our SHA-256 travels as metadata
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        var pb = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(s3);
        if (b.endpoint != null) {
            cb.endpointOverride(b.endpoint);
            pb.endpointOverride(b.endpoint);
        }
        this.client = cb.build();
        this.presigner = pb.build();
        if (b.abortUploadsOlderThan != null) {
            abortStaleUploads(b.abortUploadsOlderThan);
        }
    }

    /**
     * Aborts the unfinished multipart uploads under the prefix begun longer ago than {@code age}: what a node killed
     * in the middle of an upload leaves behind (stored and billed, never visible). Never fails the start: a store
     * that cannot list uploads is logged and left as it is.
     *
     * @return how many were aborted
     */
    int abortStaleUploads(Duration age) {
        Instant before = clock.instant().minus(age);
        int n = 0;
        try {
            for (var u : client.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix)).uploads()) {
                if (u.initiated() != null && u.initiated().isBefore(before)) {
                    client.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                    n++;
                }
            }
            if (n > 0) {
                LOG.info("Aborted {} unfinished multipart upload(s) older than {} under s3://{}/{}", n, age, bucket, prefix);
            }
        } catch (SdkException e) {
            LOG.warn("Unfinished multipart uploads under s3://{}/{} could not be listed: {}", bucket, prefix, e.toString());
        }
        return n;
    }

    /** @return a builder; {@link Builder#bucket} is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param settings the {@code EXPORT_S3_*} keys
     * @return the storage they describe
     * @throws InvalidRequestException naming every bad or missing setting
     */
    public static S3Storage from(Map<String, String> settings) {
        Settings s = Settings.of(settings);
        Builder b = builder();
        String bucket = s.text("EXPORT_S3_BUCKET", null);
        String endpoint = s.text("EXPORT_S3_ENDPOINT", null);
        String region = s.text("EXPORT_S3_REGION", "us-east-1");
        String prefix = s.text("EXPORT_S3_PREFIX", "exports/");
        boolean pathStyle = s.bool("EXPORT_S3_PATH_STYLE", false);
        String sse = s.choice("EXPORT_S3_SSE", "none", "none", "aes256", "aws:kms");
        String download = s.choice("EXPORT_S3_DOWNLOAD", "redirect", "redirect", "stream");
        List<String> problems = new ArrayList<>(s.problems());
        if (bucket == null) {
            problems.add("EXPORT_S3_BUCKET is required with EXPORT_STORAGE=s3");
        }
        try {
            b.bucket(bucket == null ? "missing" : bucket).region(region).prefix(prefix).pathStyle(pathStyle).sse(sse)
                    .redirectDownloads(download.equals("redirect"));
            Optional.ofNullable(s.text("EXPORT_S3_KMS_KEY_ID", null)).ifPresent(b::kmsKeyId);
            if (endpoint != null) {
                b.endpoint(endpoint);
            }
            // keys in the settings themselves (a host's map rather than the environment) win over the default chain
            String id = s.text("AWS_ACCESS_KEY_ID", null);
            String secret = s.text("AWS_SECRET_ACCESS_KEY", null);
            if (id != null && secret != null) {
                String token = s.text("AWS_SESSION_TOKEN", null);
                b.credentials(StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret)
                        : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(id, secret, token)));
            }
        } catch (InvalidRequestException e) {
            problems.add(e.getMessage().replaceFirst("\\.$", ""));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("Invalid S3 storage settings: " + String.join("; ", problems) + ".");
        }
        return b.build();
    }

    @Override
    public String name() {
        return "s3";
    }

    /** @return the bucket */
    public String bucket() {
        return bucket;
    }

    /** @return the key prefix, e.g. {@code exports/} */
    public String prefix() {
        return prefix;
    }

    private String key(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new org.smsexport.StorageException("Job file name '" + name + "' is not a plain file name; refusing to touch it.");
        }
        return prefix + name;
    }

    /**
     * @param name a published file's name
     * @return its media type, from its extension: what the object and a redirected download are served as
     */
    static String contentType(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        }
        if (n.endsWith(".xlsx")) {
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        }
        if (n.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (n.endsWith(".zip")) {
            return "application/zip";
        }
        if (n.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    @Override
    public void publish(Path temp, String name, String sha256) throws IOException {
        String key = key(name);
        long size = Files.size(temp);
        abortPending();
        try {
            if (size <= partSize) {
                client.putObject(r -> {
                    r.bucket(bucket).key(key).contentLength(size).contentType(contentType(name)).metadata(Map.of("sha256", sha256));
                    sse.ifPresent(r::serverSideEncryption);
                    kmsKeyId.ifPresent(r::ssekmsKeyId);
                }, RequestBody.fromFile(temp));
            } else {
                multipart(temp, key, size, sha256);
            }
        } catch (SdkException | UncheckedIOException e) {
            throw failure("Uploading " + name + " (" + size + " bytes) to " + describe(name), e);
        }
        Files.delete(temp);
    }

    private void multipart(Path temp, String key, long size, String sha256) {
        String upload = client.createMultipartUpload(r -> {
            r.bucket(bucket).key(key).contentType(contentType(key)).metadata(Map.of("sha256", sha256));
            sse.ifPresent(r::serverSideEncryption);
            kmsKeyId.ifPresent(r::ssekmsKeyId);
        }).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long from = offset;
                long length = Math.min(partSize, size - offset);
                int n = number;
                // each attempt (the SDK retries) reads the part afresh from the file: nothing is held in memory
                String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload).partNumber(n).contentLength(length),
                        RequestBody.fromContentProvider(() -> slice(temp, from, length), length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (RuntimeException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload));
            } catch (RuntimeException abort) {
                // the endpoint is gone: its parts (student data) must not wait for the next start; asked again at the
                // next publish and at close
                pendingAborts.put(upload, key);
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** Aborts the multipart uploads whose abort failed before; those that fail again stay pending. */
    private void abortPending() {
        for (Map.Entry<String, String> u : pendingAborts.entrySet()) {
            try {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(u.getValue()).uploadId(u.getKey()));
                pendingAborts.remove(u.getKey());
                LOG.info("Aborted the unfinished multipart upload of {}", u.getValue());
            } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException gone) {
                pendingAborts.remove(u.getKey());
            } catch (RuntimeException e) {
                LOG.debug("The unfinished multipart upload of {} could not be aborted yet: {}", u.getValue(), e.toString());
            }
        }
    }

    /** @return how many multipart uploads wait for their abort (an endpoint that was unreachable when they failed) */
    int pendingAborts() {
        return pendingAborts.size();
    }

    /** A stream of {@code length} bytes of a file from {@code offset}. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read(buf, off, (int) Math.min(len, left));
                    if (r > 0) {
                        left -= r;
                    }
                    return r;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long size(String name) throws IOException {
        try {
            return client.headObject(r -> r.bucket(bucket).key(key(name))).contentLength();
        } catch (SdkException e) {
            throw failure("Looking up " + describe(name), e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return client.getObject(r -> r.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw failure("Reading " + describe(name), e);
        }
    }

    @Override
    public Optional<URI> downloadUrl(String name, Instant expires) {
        if (!redirect) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), expires);
        if (left.isNegative() || left.isZero()) {
            return Optional.empty();
        }
        Duration valid = left.compareTo(MAX_PRESIGN) > 0 ? MAX_PRESIGN : left;
        String fileName = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(valid).getObjectRequest(g -> g.bucket(bucket)
                    .key(key(name)).responseContentDisposition("attachment; filename=\"" + fileName + "\"")
                    .responseContentType(contentType(name))
                    .responseCacheControl("private, no-store"))).url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("The SDK presigned an invalid URL", e);
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        try {
            size(name);
        } catch (NoSuchFileException e) {
            return false;
        }
        try {
            client.deleteObject(r -> r.bucket(bucket).key(key(name)));
            return true;
        } catch (SdkException e) {
            throw failure("Deleting " + describe(name), e);
        }
    }

    @Override
    public String archive(String name, Path archiveDirectory, Optional<String> sha256) throws IOException {
        String source = key(name);
        String target = prefix + "archive/" + name;
        long size = size(name);
        try {
            client.headObject(r -> r.bucket(bucket).key(target));
            throw new FileAlreadyExistsException("s3://" + bucket + "/" + target, null,
                    "an archived file of that name exists; not overwritten");
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("Looking up s3://" + bucket + "/" + target, e);
            }
        } catch (SdkException e) {
            throw failure("Looking up s3://" + bucket + "/" + target, e);
        }
        try {
            client.copyObject(r -> {
                r.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(target);
                sse.ifPresent(r::serverSideEncryption);
                kmsKeyId.ifPresent(r::ssekmsKeyId);
            });
            long copied = client.headObject(r -> r.bucket(bucket).key(target)).contentLength();
            if (copied != size) {
                client.deleteObject(r -> r.bucket(bucket).key(target));
                throw new IOException("the copy in the archive has " + copied + " bytes, not " + size + "; source kept");
            }
            client.deleteObject(r -> r.bucket(bucket).key(source));
        } catch (SdkException e) {
            throw failure("Archiving " + describe(name), e);
        }
        return "s3://" + bucket + "/" + target;
    }

    @Override
    public String archiveLocation(Path archiveDirectory) {
        return "s3://" + bucket + "/" + prefix + "archive";
    }

    @Override
    public List<StoredFile> list() throws IOException {
        List<StoredFile> out = new ArrayList<>();
        try {
            // the delimiter keeps archive/ (and anything else below the prefix) out
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                    .delimiter("/").build()).contents()) {
                out.add(new StoredFile(o.key().substring(prefix.length()), o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw failure("Listing s3://" + bucket + "/" + prefix, e);
        }
        return out;
    }

    @Override
    public String describe(String name) {
        return "s3://" + bucket + "/" + prefix + name;
    }

    /** A failure of the SDK as an IOException a user can act on: missing bucket, refused credentials, no endpoint. */
    private IOException failure(String action, Exception e) {
        if (e instanceof S3Exception) {
            S3Exception s3 = (S3Exception) e;
            String code = s3.awsErrorDetails() == null ? "" : Objects.toString(s3.awsErrorDetails().errorCode(), "");
            if (s3.statusCode() == 404 && !code.equals("NoSuchBucket")) {
                return new NoSuchFileException(action.replaceFirst("^\\S+ ", ""), null, "not in the bucket");
            }
            switch (code) {
                case "NoSuchBucket":
                    return new IOException(action + " failed: the bucket '" + bucket + "' does not exist (EXPORT_S3_BUCKET). Create "
                            + "it, or point EXPORT_S3_BUCKET at an existing one.", e);
                case "InvalidAccessKeyId":
                case "SignatureDoesNotMatch":
                case "AccessDenied":
                case "InvalidToken":
                case "ExpiredToken":
                    return new IOException(action + " failed: S3 refused the credentials (" + code + "). Check AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY (or the profile or role) and the bucket's policy.", e);
                default:
                    return new IOException(action + " failed: S3 answered " + s3.statusCode() + (code.isEmpty() ? "" : " " + code)
                            + ": " + s3.awsErrorDetails().errorMessage(), e);
            }
        }
        if (e instanceof SdkClientException) {
            return new IOException(action + " failed: the S3 endpoint could not be reached or broke off: " + e.getMessage()
                    + " (EXPORT_S3_ENDPOINT, EXPORT_S3_REGION).", e);
        }
        return new IOException(action + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        abortPending();
        if (!pendingAborts.isEmpty()) {
            LOG.warn("{} unfinished multipart upload(s) under s3://{}/{} could not be aborted; the next start aborts those older than "
                    + "a day", pendingAborts.size(), bucket, prefix);
        }
        presigner.close();
        client.close();
    }

    @Override
    public String toString() {
        return "S3Storage[s3://" + bucket + "/" + prefix + "]";
    }

    /** Settings of an {@link S3Storage}; see the class documentation for their meaning and defaults. */
    public static final class Builder {
        private String bucket;
        private URI endpoint;
        private String region = "us-east-1";
        private String prefix = "exports/";
        private boolean pathStyle;
        private Optional<ServerSideEncryption> sse = Optional.empty();
        private Optional<String> kmsKeyId = Optional.empty();
        private boolean redirect = true;
        private long partSize = MULTIPART_THRESHOLD;
        private AwsCredentialsProvider credentials;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration socketTimeout = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Duration abortUploadsOlderThan = Duration.ofDays(1);

        private Builder() {
        }

        /**
         * @param value abort, when the storage starts, unfinished multipart uploads under the prefix older than this
         *              (default one day: a node killed mid-upload leaves one behind); {@code null} leaves them alone
         * @return this builder
         */
        public Builder abortUploadsOlderThan(Duration value) {
            this.abortUploadsOlderThan = value;
            return this;
        }

        /** @param value the bucket (3 to 63 lower-case letters, digits, dots and dashes) @return this builder */
        public Builder bucket(String value) {
            if (value == null || !value.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new InvalidRequestException("EXPORT_S3_BUCKET='" + value + "' is not a bucket name (3 to 63 lower-case "
                        + "letters, digits, dots and dashes).");
            }
            this.bucket = value;
            return this;
        }

        /** @param value another S3 service's URL, e.g. {@code http://localhost:9000} @return this builder */
        public Builder endpoint(String value) {
            try {
                URI u = new URI(value);
                if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
                    throw new java.net.URISyntaxException(value, "not an http(s) URL with a host");
                }
                this.endpoint = u;
            } catch (java.net.URISyntaxException e) {
                throw new InvalidRequestException("EXPORT_S3_ENDPOINT='" + value + "' is not an http(s) URL with a host, e.g. "
                        + "http://minio:9000.");
            }
            return this;
        }

        /** @param value the region, default {@code us-east-1} @return this builder */
        public Builder region(String value) {
            this.region = Objects.requireNonNull(value, "region");
            return this;
        }

        /** @param value where in the bucket files go, default {@code exports/}; a missing final slash is added @return this builder */
        public Builder prefix(String value) {
            String p = value == null ? "" : value.strip();
            if (p.startsWith("/")) {
                throw new InvalidRequestException("EXPORT_S3_PREFIX='" + value + "' must not start with '/'.");
            }
            this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
            return this;
        }

        /** @param value path-style URLs ({@code host/bucket/key}), for MinIO and s3proxy @return this builder */
        public Builder pathStyle(boolean value) {
            this.pathStyle = value;
            return this;
        }

        /** @param value {@code none}, {@code AES256} or {@code aws:kms}, in any case @return this builder */
        public Builder sse(String value) {
            switch (value == null ? "none" : value.toLowerCase(java.util.Locale.ROOT)) {
                case "none":
                    this.sse = Optional.empty();
                    break;
                case "aes256":
                    this.sse = Optional.of(ServerSideEncryption.AES256);
                    break;
                case "aws:kms":
                    this.sse = Optional.of(ServerSideEncryption.AWS_KMS);
                    break;
                default:
                    throw new InvalidRequestException("EXPORT_S3_SSE='" + value + "' is not one of none, AES256, aws:kms.");
            }
            return this;
        }

        /** @param value the KMS key id for {@code aws:kms} @return this builder */
        public Builder kmsKeyId(String value) {
            this.kmsKeyId = Optional.of(value);
            return this;
        }

        /** @param value {@code true} (default): downloads redirect to a presigned GET; {@code false}: streamed @return this builder */
        public Builder redirectDownloads(boolean value) {
            this.redirect = value;
            return this;
        }

        /**
         * @param value bytes per multipart part, at least 5 MiB; files above it go up in parts. Default 16 MiB
         * @return this builder
         */
        public Builder partSize(long value) {
            if (value < MIN_PART) {
                throw new InvalidRequestException("The S3 part size must be at least 5 MiB, got " + value + " bytes.");
            }
            this.partSize = value;
            return this;
        }

        /** @param value credentials instead of the SDK's default chain @return this builder */
        public Builder credentials(AwsCredentialsProvider value) {
            this.credentials = value;
            return this;
        }

        /** @param connect how long to wait for a connection @param socket how long a read may stall @return this builder */
        public Builder timeouts(Duration connect, Duration socket) {
            this.connectTimeout = connect;
            this.socketTimeout = socket;
            return this;
        }

        /** @param value the clock presigned URLs are timed by @return this builder */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** @return the storage @throws InvalidRequestException when the bucket is missing */
        public S3Storage build() {
            if (bucket == null) {
                throw new InvalidRequestException("An S3 storage needs a bucket (EXPORT_S3_BUCKET).");
            }
            return new S3Storage(this);
        }
    }

    /** Makes the storage {@code EXPORT_STORAGE=s3} selects. */
    public static final class Provider implements org.smsexport.spi.StorageProvider {
        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return "s3";
        }

        @Override
        public ExportStorage create(Map<String, String> settings, Path outputDirectory) {
            return from(settings);
        }
    }
}
