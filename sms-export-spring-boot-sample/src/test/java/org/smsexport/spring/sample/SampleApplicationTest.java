package org.smsexport.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample as its users meet it: a real server on a random port, HTTP Basic users, a real HTTP client; on
 * embedded H2 here, on a real PostgreSQL server in {@link SampleApplicationPostgresqlTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        r.add("sms.export.output-dir", () -> dir.resolve("exports").toString());
    }

    @LocalServerPort
    int port;

    private final java.net.CookieManager cookies = new java.net.CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
    private final ObjectMapper json = new ObjectMapper();

    /** A call as the exports page makes it: JSON, and for a change the CSRF cookie's token sent back as a header. */
    private HttpResponse<String> call(String user, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = request(user, method, path, body, "application/json");
        if (!method.equals("GET")) {
            b.header("X-XSRF-TOKEN", xsrf());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String user, String method, String path, String body, String type) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", type);
        if (user != null) {
            b.header("Authorization", SampleUsers.basic(user));
        }
        return b;
    }

    private String xsrf() throws Exception {
        return SampleUsers.xsrf(http, cookies, "http://localhost:" + port);
    }

    private JsonNode data(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body()).get("data");
    }

    @Test
    void exportsDownloadsAndKeepsEachUsersJobsToThemselves() throws Exception {
        assertThat(call(null, "GET", "/api/v1/import-export/exports", null).statusCode()).isEqualTo(401);
        HttpResponse<String> created = call("alice", "POST", "/api/v1/import-export/exports",
                "{\"export_type\":\"students\",\"export_format\":\"csv\",\"filters\":{\"search\":\"ελενη\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = data(created).get("id").asText();
        JsonNode job = null;
        for (int i = 0; i < 300; i++) {
            job = data(call("alice", "GET", "/api/v1/import-export/exports/" + id, null));
            if (job.get("status").asText().equals("completed")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("total_records").asLong()).as("accent-insensitive search on H2").isPositive();
        String url = job.get("download_url").asText();
        assertThat(url).startsWith("http://localhost:" + port + "/api/v1/export-jobs/" + id + "/download?token=");
        HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).startsWith("\uFEFFID,Student ID").contains("Ελένη");
        assertThat(file.body().lines().count()).isEqualTo(job.get("total_records").asLong() + 1);
        HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(url + "x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(json.readTree(tampered.body()).get("error").get("code").asText()).isEqualTo("forbidden");

        assertThat(call("bob", "GET", "/api/v1/import-export/exports/" + id, null).statusCode()).as("someone else's job").isEqualTo(404);
        assertThat(data(call("bob", "GET", "/api/v1/import-export/exports", null)).get("total").asLong()).isZero();
        assertThat(call("admin", "GET", "/api/v1/import-export/exports/" + id, null).statusCode()).as("admin sees all").isEqualTo(200);
        HttpResponse<String> bad = call("alice", "POST", "/api/v1/import-export/exports", "{\"export_type\":\"studnets\",\"export_format\":\"csv\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("error").get("message").asText()).contains("'studnets'");
    }

    @Test
    void schedulesHealthAndMetrics() throws Exception {
        HttpResponse<String> s = call("alice", "POST", "/api/v1/import-export/schedules",
                "{\"export_type\":\"courses\",\"export_format\":\"pdf\",\"frequency\":\"daily\",\"zone\":\"Europe/Athens\"}");
        assertThat(s.statusCode()).as(s.body()).isEqualTo(201);
        String id = data(s).get("id").asText();
        JsonNode list = data(call("alice", "GET", "/api/v1/import-export/schedules", null));
        assertThat(list.findValuesAsText("id")).contains(id);
        assertThat(data(call("bob", "GET", "/api/v1/import-export/schedules", null)).size()).isZero();

        HttpResponse<String> page = call("alice", "GET", "/sms-export/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"sign-in\"", "ui/app.js");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'self'");
        assertThat(call("alice", "GET", "/sms-export/ui/uplot.js", null).statusCode()).isEqualTo(200);
        assertThat(call(null, "GET", "/sms-export/", null).statusCode()).as("behind the host's login").isEqualTo(401);
        JsonNode health = json.readTree(call(null, "GET", "/actuator/health", null).body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").get("smsExport").get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").get("smsExport").has("details")).as("anonymous health shows no details").isFalse();
        assertThat(health.toString()).doesNotContain(dir.toString());
        JsonNode adminHealth = json.readTree(call("admin", "GET", "/actuator/health", null).body());
        assertThat(adminHealth.get("components").get("smsExport").get("details").get("scheduler").asText()).isEqualTo("running");
        assertThat(call("alice", "GET", "/actuator/metrics", null).statusCode()).as("meters are for administrators").isEqualTo(403);

        HttpResponse<String> done = call("alice", "POST", "/api/v1/import-export/exports", "{\"export_type\":\"courses\",\"export_format\":\"xlsx\"}");
        String job = data(done).get("id").asText();
        for (int i = 0; i < 300 && !data(call("alice", "GET", "/api/v1/import-export/exports/" + job, null)).get("status").asText()
                .equals("completed"); i++) {
            Thread.sleep(50);
        }
        HttpResponse<String> metrics = call("admin", "GET", "/actuator/metrics/sms.export.duration", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(json.readTree(metrics.body()).get("measurements").get(0).get("value").asDouble()).isPositive();
    }

    @Test
    void refusesWhatAPageOfAnotherSiteMakesABrowserSend() throws Exception {
        String path = "/api/v1/import-export/exports";
        String body = "{\"export_type\":\"students\",\"export_format\":\"csv\",\"notify_email\":\"attacker@evil.example\"}";
        long jobsBefore = data(call("alice", "GET", path, null)).get("total").asLong();
        int schedulesBefore = data(call("alice", "GET", "/api/v1/import-export/schedules", null)).size();
        // <form enctype="text/plain"> and a form-encoded one, with the victim's cached Basic credentials and no CSRF token
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded"}) {
            HttpResponse<String> r = http.send(request("alice", "POST", path, body, type).header("Origin", "http://evil.example")
                    .header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString());
            // Spring Security's CSRF refusal (a 403 that its Basic entry point may turn into a 401)
            assertThat(r.statusCode()).as(type).isIn(401, 403);
        }
        HttpResponse<String> planted = http.send(request("alice", "POST", "/api/v1/import-export/schedules",
                "{\"export_type\":\"grades\",\"export_format\":\"csv\",\"frequency\":\"hourly\"}", "text/plain")
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(planted.statusCode()).isIn(401, 403);
        // even with a valid CSRF token, the API itself refuses a foreign Origin and a body that is not JSON
        HttpResponse<String> foreign = http.send(request("alice", "POST", path, body, "application/json").header("X-XSRF-TOKEN", xsrf())
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(json.readTree(foreign.body()).get("error").get("code").asText()).isEqualTo("cross_site");
        HttpResponse<String> plain = http.send(request("alice", "POST", path, body, "text/plain").header("X-XSRF-TOKEN", xsrf()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(data(call("alice", "GET", path, null)).get("total").asLong()).as("no job was made").isEqualTo(jobsBefore);
        assertThat(data(call("alice", "GET", "/api/v1/import-export/schedules", null)).size()).isEqualTo(schedulesBefore);
        // the page's own call, from its own origin, goes through
        HttpResponse<String> own = http.send(request("alice", "POST", path, "{\"export_type\":\"courses\",\"export_format\":\"csv\"}",
                "application/json").header("X-XSRF-TOKEN", xsrf()).header("Origin", "http://localhost:" + port)
                .header("Sec-Fetch-Site", "same-origin").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
    }
}
