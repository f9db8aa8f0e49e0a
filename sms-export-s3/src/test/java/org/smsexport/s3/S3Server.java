package org.smsexport.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A real S3 endpoint for tests: s3proxy over an in-memory jclouds blob store, on a free port, with one bucket. */
final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret-key";
    static final String BUCKET = "sms-exports";

    final BlobStoreContext context;
    final BlobStore blobs;
    private final S3Proxy proxy;

    S3Server() throws Exception {
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long until = System.nanoTime() + 20_000_000_000L;
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** @return a storage on this server's bucket */
    S3Storage.Builder storage() {
        return S3Storage.builder().bucket(BUCKET).endpoint(endpoint()).pathStyle(true).credentials(credentials());
    }

    /** @return every key in the bucket, archive and unfinished uploads' parts included */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        String marker = null;
        do {
            ListContainerOptions o = ListContainerOptions.Builder.recursive();
            if (marker != null) {
                o.afterMarker(marker);
            }
            var page = blobs.list(BUCKET, o);
            for (StorageMetadata m : page) {
                out.add(m.getName());
            }
            marker = page.getNextMarker();
        } while (marker != null);
        return out;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        } finally {
            context.close();
        }
    }
}
