package org.smsexport.rest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.sample.SmsData;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.test.ExportApiContract;

/** The API's HTTP cases on its Jetty server, with bearer tokens; the Spring Boot sample runs the same cases on Spring MVC. */
class JettyExportApiTest extends ExportApiContract {

    private static final AtomicInteger DB = new AtomicInteger();

    @TempDir
    Path dir;

    private ExportService exports;
    private ExportScheduler scheduler;
    private JettyServer server;

    @BeforeEach
    void start() throws Exception {
        java.util.List<Object[]> students = new java.util.ArrayList<>();
        SmsData.standard().rows(ExportType.STUDENTS, 50).forEachRemaining(students::add);
        exports = ExportService.builder().dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, students).build())
                .outputDirectory(dir).downloadLinks("http://localhost").build();
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:api" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        scheduler = ExportScheduler.create(exports, h2);
        ExportApi api = new ExportApi(exports, scheduler, Authenticator.bearer(Map.of("alice-token", new ApiUser("alice", false),
                "bob-token", new ApiUser("bob", false), "admin-token", new ApiUser("admin", true))), () -> baseUrl().toString());
        server = new JettyServer("127.0.0.1", 0, Duration.ofSeconds(10), ExportApi.MAX_BODY, api::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        scheduler.close();
        exports.close();
    }

    @Override
    protected URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Override
    protected HttpRequest.Builder signedIn(String user, String method, HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + user + "-token");
    }
}
