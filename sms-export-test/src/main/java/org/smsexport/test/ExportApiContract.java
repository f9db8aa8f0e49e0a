package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The HTTP behaviour of the export API ({@code ExportApi}) under any server that carries it, as an abstract JUnit test:
 * the CLI's Jetty server and the Spring Boot starter's Spring MVC controller both run it, and so can a host's own
 * adapter. Extend it, start the API over a service that has {@code students} rows and the {@code csv} format (and a
 * scheduler), and say how a request is made as each of three users: {@code alice} and {@code bob}, users, and
 * {@code admin}, an administrator. The cases are the original admin page's calls and the seed's: submit (also with
 * {@code file_format}), progress, list, download by bearer and by signed link, run again, delete; schedules created,
 * listed, edited, toggled and deleted; metrics and settings in the page's shapes; who may see what; and every error in
 * the one envelope.
 *
 * <pre>{@code
 * class MyAdapterTest extends ExportApiContract {
 *     protected URI baseUrl() { return URI.create("http://127.0.0.1:" + server.port()); }
 *     protected HttpRequest.Builder signedIn(String user, String method, HttpRequest.Builder request) {
 *         return request.header("Authorization", "Bearer " + user + "-token");
 *     }
 * }
 * }</pre>
 */
public abstract class ExportApiContract {

    private static final String API = "/api/v1/import-export";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The client's cookies (a session, a CSRF cookie), as a browser keeps them. */
    protected final java.net.CookieManager cookies = new java.net.CookieManager();
    /** The client every case calls with. */
    protected final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();

    /** For subclasses. */
    protected ExportApiContract() {
    }

    /** @return where the API is: {@code http://127.0.0.1:PORT}, without a trailing slash (and without the API's own path) */
    protected abstract URI baseUrl();

    /**
     * Makes a request come from a user: a bearer token, HTTP Basic, a session, and for a change whatever the server's
     * cross-site protection asks (a CSRF header).
     *
     * @param user    {@code alice} or {@code bob} (users), or {@code admin} (an administrator)
     * @param method  the request's method
     * @param request the request so far
     * @return the request
     * @throws Exception when the credentials cannot be had
     */
    protected abstract HttpRequest.Builder signedIn(String user, String method, HttpRequest.Builder request) throws Exception;

    /**
     * @param user   a user, or {@code null} for none
     * @param method the method
     * @param path   the path from the server's root, with its query
     * @param body   a JSON body, or {@code null}
     * @return the answer
     * @throws Exception when the server cannot be reached
     */
    protected HttpResponse<String> call(String user, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send((user == null ? b : signedIn(user, method, b)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode data(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode envelope = JSON.readTree(r.body());
        assertThat(envelope.get("success").asBoolean()).as(r.body()).isTrue();
        return envelope.get("data");
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode envelope = JSON.readTree(r.body());
        assertThat(envelope.get("success").asBoolean()).isFalse();
        assertThat(envelope.get("error").get("code").asText()).isEqualTo(code);
        assertThat(envelope.get("error").get("message").asText()).isNotBlank();
        return envelope.get("error");
    }

    private String submit(String user, String body) throws Exception {
        JsonNode d = data(call(user, "POST", API + "/exports", body), 202);
        assertThat(d.get("job_id").asText()).isEqualTo(d.get("id").asText());
        return d.get("job_id").asText();
    }

    private JsonNode finished(String user, String id) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until("export " + id + " finishes", () -> {
            last.set(data(call(user, "GET", API + "/exports/" + id, null), 200));
            return List.of("completed", "failed", "cancelled").contains(last.get().get("status").asText());
        });
        return last.get();
    }

    /** Submit, progress, list, the file by bearer and by signed link, run again, delete: the admin page's job calls. */
    @Test
    public void anExportIsSubmittedFollowedDownloadedRunAgainAndDeleted() throws Exception {
        String id = submit("alice", "{\"export_type\":\"students\",\"file_format\":\"csv\",\"filters\":{},\"limit\":20}");
        JsonNode job = finished("alice", id);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("progress_percent").asInt()).isEqualTo(100);
        assertThat(job.get("export_format").asText()).isEqualTo("csv");
        assertThat(job.get("file_path").asText()).endsWith(".csv").doesNotContain("/").doesNotContain("\\");
        long size = job.get("file_size_bytes").asLong();
        assertThat(size).isPositive();
        assertThat(job.get("record_count").asLong()).isBetween(1L, 20L);
        assertThat(job.get("locale").asText()).isNotBlank();
        assertThat(job.get("updated_at").asText()).isNotBlank();

        JsonNode list = data(call("alice", "GET", API + "/exports?skip=0&limit=50&sort_by=created_at&sort_order=desc", null), 200);
        assertThat(list.get("items").findValuesAsText("id")).contains(id);
        assertThat(list.get("total").asInt()).isPositive();

        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(baseUrl() + API + "/exports/" + id + "/download"))
                .timeout(Duration.ofSeconds(30));
        HttpResponse<byte[]> file = http.send(signedIn("alice", "GET", get).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).hasSize((int) size);
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"");
        assertThat(file.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");

        // the signed link works with no credentials at all, on this server whatever host the link names
        URI link = URI.create(job.get("download_url").asText());
        HttpResponse<byte[]> linked = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + link.getRawPath() + "?" + link.getRawQuery()))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(linked.body()).isEqualTo(file.body());
        String tampered = link.getRawQuery().substring(0, link.getRawQuery().length() - 2) + (link.getRawQuery().endsWith("AA") ? "BB" : "AA");
        error(call(null, "GET", link.getRawPath() + "?" + tampered, null), 403, "forbidden");

        JsonNode again = data(call("alice", "POST", API + "/exports/" + id + "/rerun", "{}"), 202);
        String second = again.get("job_id").asText();
        assertThat(second).isNotEqualTo(id);
        assertThat(finished("alice", second).get("status").asText()).isEqualTo("completed");

        assertThat(data(call("alice", "DELETE", API + "/exports/" + second, null), 200).get("deleted").asBoolean()).isTrue();
        error(call("alice", "GET", API + "/exports/" + second, null), 404, "not_found");
    }

    /** A user sees their own jobs only (someone else's is missing, not forbidden); an administrator sees all. */
    @Test
    public void someoneElsesJobIsMissingToAUserAndThereToAnAdmin() throws Exception {
        String id = submit("alice", "{\"export_type\":\"students\",\"export_format\":\"csv\",\"limit\":5}");
        finished("alice", id);
        error(call("bob", "GET", API + "/exports/" + id, null), 404, "not_found");
        error(call("bob", "GET", API + "/exports/" + id + "/download", null), 404, "not_found");
        error(call("bob", "POST", API + "/exports/" + id + "/rerun", "{}"), 404, "not_found");
        error(call("bob", "DELETE", API + "/exports/" + id, null), 404, "not_found");
        assertThat(data(call("bob", "GET", API + "/exports", null), 200).get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(data(call("admin", "GET", API + "/exports/" + id, null), 200).get("owner").asText()).isNotEqualTo("bob");
        assertThat(data(call("admin", "GET", API + "/exports?limit=500", null), 200).get("items").findValuesAsText("id")).contains(id);
    }

    /** Every refusal is the one envelope with the status that says why, and names what was wrong. */
    @Test
    public void everyErrorIsTheEnvelope() throws Exception {
        HttpResponse<String> anonymous = call(null, "GET", API + "/exports", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        JsonNode unknown = error(call("alice", "POST", API + "/exports", "{\"export_type\":\"pupils\",\"export_format\":\"csv\"}"), 400,
                "bad_request");
        assertThat(unknown.get("message").asText()).contains("pupils").contains("students");
        error(call("alice", "POST", API + "/exports", "{\"export_type\":"), 400, "bad_json");
        error(call("alice", "GET", API + "/exports/no-such-job", null), 404, "not_found");
        error(call("alice", "GET", API + "/no-such-resource", null), 404, "not_found");
        HttpResponse<String> wrongMethod = call("alice", "PUT", API + "/exports", "{}");
        error(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.headers().firstValue("Allow").orElse("")).contains("GET").contains("POST");
        error(call("alice", "GET", API + "/exports?limit=0", null), 400, "bad_request");
    }

    /** The admin page's schedules: created, listed as a list, read, edited, paused and resumed, deleted. */
    @Test
    public void schedulesAsTheAdminPageUsesThem() throws Exception {
        JsonNode created = data(call("alice", "POST", API + "/schedules", "{\"name\":\"Weekly students\",\"export_type\":\"students\","
                + "\"export_format\":\"csv\",\"frequency\":\"WEEKLY\",\"filters\":{}}"), 201);
        String id = created.get("id").asText();
        assertThat(created.get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(created.get("is_active").asBoolean()).isTrue();
        assertThat(created.get("next_run_at").asText()).isNotBlank();
        JsonNode list = data(call("alice", "GET", API + "/schedules", null), 200);
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("id")).contains(id);
        assertThat(data(call("bob", "GET", API + "/schedules", null), 200).findValuesAsText("id")).doesNotContain(id);
        error(call("bob", "GET", API + "/schedules/" + id, null), 404, "not_found");
        assertThat(data(call("alice", "GET", API + "/schedules/" + id, null), 200).get("next_fire_times")).hasSize(5);

        JsonNode edited = data(call("alice", "PUT", API + "/schedules/" + id, "{\"frequency\":\"CUSTOM\",\"cron_expression\":\"0 3 * * 1\"}"),
                200);
        assertThat(edited.get("frequency").asText()).isEqualTo("CUSTOM");
        assertThat(edited.get("cron_expression").asText()).isEqualTo("0 3 * * 1");
        String now = edited.get("id").asText();
        List<String> listed = data(call("alice", "GET", API + "/schedules", null), 200).findValuesAsText("id");
        assertThat(listed).contains(now);
        if (!now.equals(id)) {
            assertThat(listed).as("the edited schedule replaced the old one").doesNotContain(id);
        }
        assertThat(data(call("alice", "PUT", API + "/schedules/" + now + "/toggle", "{\"is_active\":false}"), 200).get("is_active")
                .asBoolean()).isFalse();
        assertThat(data(call("alice", "PUT", API + "/schedules/" + now + "/toggle", "{\"is_active\":true}"), 200).get("is_active")
                .asBoolean()).isTrue();
        error(call("alice", "PUT", API + "/schedules/" + now + "/toggle", "{\"is_active\":\"no\"}"), 400, "bad_request");
        error(call("alice", "PUT", API + "/schedules/" + now, "{\"frequency\":\"CUSTOM\"}"), 400, "bad_request");
        assertThat(data(call("alice", "DELETE", API + "/schedules/" + now, null), 200).get("deleted").asBoolean()).isTrue();
        error(call("alice", "GET", API + "/schedules/" + now, null), 404, "not_found");
    }

    /** The page's metrics, statistics, slowest exports and settings, in its shapes; a test mail is for administrators. */
    @Test
    public void metricsAndSettingsInThePagesShapes() throws Exception {
        finished("alice", submit("alice", "{\"export_type\":\"students\",\"export_format\":\"csv\",\"limit\":3}"));
        JsonNode metrics = data(call("alice", "GET", API + "/metrics?days=7", null), 200);
        for (String field : List.of("total_exports", "successful_exports", "failed_exports", "total_records_exported",
                "average_duration_seconds", "success_rate_percent", "by_format", "by_entity", "slowest_exports", "trend_data", "points")) {
            assertThat(metrics.has(field)).as(field).isTrue();
        }
        assertThat(metrics.get("total_exports").asInt()).isPositive();
        assertThat(metrics.get("by_format").has("csv")).isTrue();
        assertThat(data(call("alice", "GET", API + "/metrics/performance/stats", null), 200).get("total_exports").asInt()).isPositive();
        assertThat(data(call("alice", "GET", API + "/metrics/slowest?limit=2", null), 200).size()).isBetween(1, 2);
        JsonNode settings = data(call("alice", "GET", API + "/settings", null), 200);
        for (String field : List.of("retention_days", "cleanup_enabled", "max_concurrent_exports", "export_timeout_seconds",
                "max_records_per_export", "archive_enabled")) {
            assertThat(settings.has(field)).as(field).isTrue();
        }
        error(call("admin", "PUT", API + "/settings", "{\"retention_days\":1}"), 405, "method_not_allowed");
        JsonNode email = data(call("alice", "GET", API + "/settings/email", null), 200);
        assertThat(email.has("smtp_host")).isTrue();
        assertThat(email.has("smtp_password")).isFalse();
        error(call("alice", "POST", API + "/settings/email/test", "{\"recipient_email\":\"office@school.example\"}"), 403, "forbidden");
        error(call("admin", "POST", API + "/settings/email/test", "{}"), 400, "bad_request");
    }

    /** What the page builds its forms from: who the caller is, each format's options and each type's filters, labelled in a language. */
    @Test
    public void thePageLearnsWhoItServesAndWhatEachControlOffers() throws Exception {
        JsonNode me = data(call("alice", "GET", API + "/me", null), 200);
        assertThat(me.get("name").asText()).isEqualTo("alice");
        assertThat(me.get("admin").asBoolean()).isFalse();
        assertThat(me.get("time_zone").asText()).isNotBlank();
        assertThat(data(call("admin", "GET", API + "/me", null), 200).get("admin").asBoolean()).isTrue();
        // nobody: refused (in the host's own words under a host's security, so only the status is the contract's)
        assertThat(call(null, "GET", API + "/me", null).statusCode()).isEqualTo(401);

        JsonNode el = data(call("alice", "GET", API + "/types?locale=el", null), 200);
        JsonNode csv = null;
        for (JsonNode f : el.get("formats")) {
            if (f.get("id").asText().equals("csv")) {
                csv = f;
            }
        }
        assertThat(csv).isNotNull();
        List<String> keys = csv.get("option_specs").findValuesAsText("key");
        assertThat(keys).containsAll(List.of("delimiter", "bom", "formula_guard", "password"));
        for (JsonNode o : csv.get("option_specs")) {
            assertThat(o.get("label").asText()).as(o.toString()).isNotBlank();
            assertThat(List.of("choice", "boolean", "secret", "text")).contains(o.get("type").asText());
            if (o.get("type").asText().equals("choice")) {
                assertThat(o.get("choices").size()).isPositive();
                assertThat(o.get("choice_labels").size()).isEqualTo(o.get("choices").size());
            }
            if (o.get("key").asText().equals("delimiter")) {
                assertThat(o.get("label").asText()).isEqualTo("Διαχωριστικό");
                assertThat(o.get("default").asText()).isEqualTo("comma");
            }
            if (o.get("key").asText().equals("password")) {
                assertThat(o.get("type").asText()).isEqualTo("secret");
                assertThat(o.get("default").isNull()).isTrue();
            }
        }
        JsonNode students = null;
        for (JsonNode t : el.get("types")) {
            if (t.get("name").asText().equals("students")) {
                students = t;
            }
        }
        assertThat(students).isNotNull();
        for (JsonNode f : students.get("filters")) {
            assertThat(f.get("label").asText()).as(f.toString()).isNotBlank();
            if (f.get("key").asText().equals("status")) {
                assertThat(f.get("label").asText()).isEqualTo("Κατάσταση");
                assertThat(f.get("choice_labels").get("active").asText()).isEqualTo("Ενεργός");
            }
        }
    }

    /** A user's metrics count their own exports only; an administrator's everyone's, or one owner's when asked. */
    @Test
    public void everyoneSeesTheirOwnFiguresAndAnAdministratorAnyones() throws Exception {
        finished("alice", submit("alice", "{\"export_type\":\"students\",\"export_format\":\"csv\",\"limit\":2}"));
        finished("bob", submit("bob", "{\"export_type\":\"students\",\"export_format\":\"csv\",\"limit\":2}"));
        int alice = data(call("alice", "GET", API + "/stats?days=7", null), 200).get("total_exports").asInt();
        int bob = data(call("bob", "GET", API + "/stats?days=7", null), 200).get("total_exports").asInt();
        JsonNode all = data(call("admin", "GET", API + "/stats?days=7", null), 200);
        assertThat(alice).isPositive();
        assertThat(bob).isPositive();
        assertThat(all.get("total_exports").asInt()).isGreaterThanOrEqualTo(alice + bob);
        assertThat(all.get("owners").toString()).contains("\"alice\"", "\"bob\"");
        assertThat(data(call("admin", "GET", API + "/stats?days=7&owner=bob", null), 200).get("total_exports").asInt()).isEqualTo(bob);
        // a user asking for someone else's figures gets their own
        assertThat(data(call("bob", "GET", API + "/stats?days=7&owner=alice", null), 200).get("total_exports").asInt()).isEqualTo(bob);
        assertThat(data(call("bob", "GET", API + "/metrics?days=7", null), 200).get("total_exports").asInt()).isEqualTo(bob);
        assertThat(data(call("bob", "GET", API + "/stats?days=7", null), 200).get("slowest").findValuesAsText("owner")).containsOnly("bob");
        assertThat(data(call("bob", "GET", API + "/metrics/performance/stats?days=7", null), 200).get("total_exports").asInt()).isEqualTo(bob);
    }

    /** A job is found by the start of its id or by part of its file name; another user's never. */
    @Test
    public void jobsAreFoundByIdOrFileName() throws Exception {
        String id = submit("alice", "{\"export_type\":\"students\",\"export_format\":\"csv\",\"limit\":1}");
        String file = finished("alice", id).get("file_path").asText();
        assertThat(data(call("alice", "GET", API + "/exports?search=" + id.substring(0, 7).toUpperCase(java.util.Locale.ROOT), null), 200)
                .get("items").findValuesAsText("id")).containsExactly(id);
        assertThat(data(call("alice", "GET", API + "/exports?search=" + file.substring(file.length() - 12), null), 200)
                .get("items").findValuesAsText("id")).containsExactly(id);
        assertThat(data(call("bob", "GET", API + "/exports?search=" + id, null), 200).get("total").asInt()).isZero();
    }
}
