package org.smsexport.s3;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.smsexport.spi.ExportStorage;
import org.smsexport.test.ExportStorageContract;

/** The S3 storage passes the storage contract against a real S3 endpoint (s3proxy); a dead endpoint cannot publish. */
class S3StorageTest extends ExportStorageContract {

    private static S3Server server;
    private static int prefixes;

    @BeforeAll
    static void start() throws Exception {
        server = new S3Server();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected ExportStorage newStorage(Path outputDirectory) {
        // each test its own prefix, so listings see only their own files; 5 MiB parts so the 17 MiB file goes up in four
        return server.storage().prefix("t" + prefixes++ + "/exports/").partSize(5L * 1024 * 1024).build();
    }

    @Override
    protected ExportStorage unreachableStorage(Path outputDirectory) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return S3Storage.builder().bucket(S3Server.BUCKET).endpoint("http://127.0.0.1:" + port).pathStyle(true)
                .credentials(S3Server.credentials()).timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).build();
    }
}
