package org.smsexport.spring.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.test.ExportApiContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API's HTTP cases on Spring MVC through the starter, as the sample serves it: HTTP Basic users, Spring Security's
 * CSRF protection, a real server on a random port. The API's own module runs the same cases on Jetty.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringMvcExportApiTest extends ExportApiContract {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        r.add("sms.export.output-dir", () -> dir.resolve("exports").toString());
    }

    @LocalServerPort
    int port;

    @Override
    protected URI baseUrl() {
        return URI.create("http://localhost:" + port);
    }

    @Override
    protected HttpRequest.Builder signedIn(String user, String method, HttpRequest.Builder request) throws Exception {
        request.header("Authorization", SampleUsers.basic(user));
        return method.equals("GET") ? request : request.header("X-XSRF-TOKEN", SampleUsers.xsrf(http, cookies, baseUrl().toString()));
    }
}
