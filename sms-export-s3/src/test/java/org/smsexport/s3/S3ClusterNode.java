package org.smsexport.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.smsexport.ExportType;
import org.smsexport.core.DownloadLinks;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.rest.ApiUser;
import org.smsexport.rest.Exchange;
import org.smsexport.rest.ExportApi;
import org.smsexport.test.SlowDataSource;

/**
 * One node of {@link S3ClusterTest}, in a JVM of its own: runs queued jobs from the shared PostgreSQL, keeps files in
 * the S3 bucket its environment names ({@code EXPORT_STORAGE=s3}, {@code EXPORT_S3_*}, {@code AWS_*}), and serves
 * signed downloads over the JDK's HTTP server until it is killed. Prints {@code READY <port>}.
 */
public final class S3ClusterNode {

    private S3ClusterNode() {
    }

    /** @param args JDBC URL, node name, link secret (hex) */
    public static void main(String[] args) throws Exception {
        javax.sql.DataSource db = JdbcDataSource.driverManager(args[0], "postgres", "");
        DownloadLinks links = new DownloadLinks(HexFormat.of().parseHex(args[2]), Duration.ofDays(1), Clock.systemUTC());
        try (ExportService node = ExportService.builder().config(System.getenv()).dataSource(SlowDataSource.of(ExportType.STUDENTS,
                ExportType.STUDENTS, 100, Duration.ofMillis(2))).jobStore(JdbcJobStore.create(db)).workers(2).nodeName(args[1])
                .queuePoll(Duration.ofMillis(100)).heartbeatInterval(Duration.ofMillis(300)).recoveryGrace(Duration.ofSeconds(3))
                .downloadLinks("http://127.0.0.1", links).build()) {
            ExportApi api = new ExportApi(node, null, ex -> Optional.<ApiUser>empty(), () -> "http://127.0.0.1");
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            http.createContext("/", h -> {
                try (h) {
                    api.handle(new JdkExchange(h));
                }
            });
            http.start();
            System.out.println("READY " + http.getAddress().getPort());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The REST API's exchange over the JDK's own HTTP server. */
    private static final class JdkExchange implements Exchange {
        private final HttpExchange h;

        JdkExchange(HttpExchange h) {
            this.h = h;
        }

        @Override
        public String method() {
            return h.getRequestMethod();
        }

        @Override
        public String path() {
            return h.getRequestURI().getPath();
        }

        @Override
        public String rawQuery() {
            return h.getRequestURI().getRawQuery();
        }

        @Override
        public String header(String name) {
            return h.getRequestHeaders().getFirst(name);
        }

        @Override
        public byte[] body() throws IOException {
            return h.getRequestBody().readAllBytes();
        }

        @Override
        public void setHeader(String name, String value) {
            h.getResponseHeaders().set(name, value);
        }

        @Override
        public void send(int status, String contentType, byte[] body) throws IOException {
            h.getResponseHeaders().set("Content-Type", contentType);
            h.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = h.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void sendFile(int status, String contentType, Path file) throws IOException {
            sendStream(status, contentType, Files.size(file), Files.newInputStream(file));
        }

        @Override
        public void sendStream(int status, String contentType, long length, InputStream content) throws IOException {
            h.getResponseHeaders().set("Content-Type", contentType);
            h.sendResponseHeaders(status, length == 0 ? -1 : length);
            try (content; OutputStream out = h.getResponseBody()) {
                content.transferTo(out);
            }
        }
    }
}
