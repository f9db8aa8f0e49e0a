package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.JdbcTemplateStore;
import org.smsexport.rest.HostUsers;
import org.smsexport.rest.JwtAuthenticator;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.test.Await;
import org.smsexport.test.OriginalSms;

/**
 * {@code serve} beside the original SMS: on its database as its migrations leave it, with its users' own HS256 tokens
 * (minted here as its backend mints them: {@code sub} = e-mail, {@code exp}), answering every call of its admin page's
 * hooks ({@code useExportAdmin.ts}) and its backend test's export cases — and leaving its tables as they were.
 */
class AdminPageReplayTest {

    static final byte[] SECRET = "the-sms-SECRET_KEY-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8);
    private static final AtomicInteger DB = new AtomicInteger();
    private static final String API = "/api/v1/import-export";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private DataSource db;
    private Map<String, String> before;
    private ExportService exports;
    private ExportScheduler scheduler;
    private RestServer server;

    @BeforeEach
    void serveBesideTheSms() throws Exception {
        db = JdbcDataSource.driverManager("jdbc:h2:mem:sms" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
        OriginalSms.create(db);
        before = OriginalSms.dump(db);
        JdbcJobStore jobs = JdbcJobStore.create(db);
        exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(jobs).auditSink(jobs.auditSink())
                .templateStore(JdbcTemplateStore.create(db)).outputDirectory(dir).metricsFile(dir.resolve("metrics.jsonl"))
                .downloadLinks("http://localhost").build();
        scheduler = ExportScheduler.create(exports, db);
        server = new RestServer(exports, scheduler, Map.of(), JwtAuthenticator.hmac(SECRET).users(HostUsers.sms(db)).build(), "127.0.0.1", 0,
                null, Duration.ofSeconds(10), List.of());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        scheduler.close();
        exports.close();
        Map<String, String> after = OriginalSms.dump(db);
        for (Map.Entry<String, String> t : before.entrySet()) {
            assertThat(after.get(t.getKey())).as("the host's table " + t.getKey() + " is as it was").isEqualTo(t.getValue());
        }
        assertThat(after.keySet()).filteredOn(t -> !before.containsKey(t)).allSatisfy(t -> assertThat(t).startsWith("sms_export_"));
    }

    /** A token as the SMS's create_access_token makes it: HS256, sub = the user's e-mail, exp. */
    static String smsToken(String email, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(email)
                .expirationTime(Date.from(expires)).build());
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode data(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode envelope = json.readTree(r.body());
        assertThat(envelope.get("success").asBoolean()).isTrue();
        return envelope.get("data");
    }

    private JsonNode done(String token, String id) throws Exception {
        JsonNode[] last = new JsonNode[1];
        Await.until("job " + id + " finishes", () -> {
            last[0] = data(call("GET", API + "/exports/" + id, token, null), 200);
            return List.of("completed", "failed").contains(last[0].get("status").asText());
        });
        return last[0];
    }

    @Test
    void everyCallOfTheAdminPageHooksIsAnswered() throws Exception {
        String admin = smsToken("admin@school.example", Instant.now().plusSeconds(600));
        String teacher = smsToken("teacher@school.example", Instant.now().plusSeconds(600));
        // useCreateExport, then useExportJobProgress until completed
        JsonNode created = data(call("POST", API + "/exports", admin, "{\"export_type\":\"students\",\"export_format\":\"excel\","
                + "\"filters\":{}}"), 202);
        String id = created.get("job_id").asText();
        JsonNode job = done(admin, id);
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("file_path").asText()).endsWith(".xlsx").doesNotContain("/");
        assertThat(job.get("file_size_bytes").asLong()).isPositive();
        assertThat(job.get("record_count").asInt()).isEqualTo(OriginalSms.EXPORTED.get("students"));
        assertThat(job.get("progress_percent").asInt()).isEqualTo(100);
        assertThat(job.get("locale").asText()).isNotBlank();
        assertThat(job.get("updated_at").asText()).isNotBlank();
        assertThat(job.get("warnings").toString()).contains("class_division");
        // useExportJobs
        JsonNode list = data(call("GET", API + "/exports?skip=0&limit=50&sort_by=created_at&sort_order=desc", admin, null), 200);
        assertThat(list.get("items")).hasSize(1);
        assertThat(list.get("total").asInt()).isEqualTo(1);
        // useDownloadExport: the bearer token, the file's bytes
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + API + "/exports/" + id
                + "/download")).header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).hasSize((int) job.get("file_size_bytes").asLong());
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        // the teacher sees neither the admin's job nor its file
        assertThat(call("GET", API + "/exports/" + id + "/download", teacher, null).statusCode()).isEqualTo(404);
        // useRerunExport
        String again = data(call("POST", API + "/exports/" + id + "/rerun", admin, "{}"), 202).get("job_id").asText();
        assertThat(done(admin, again).get("status").asText()).isEqualTo("completed");
        // the backend test's create, and the older client's file_format; every type of the original
        for (String type : List.of("courses", "grades", "attendance", "enrollments")) {
            String j = data(call("POST", API + "/exports", teacher, "{\"export_type\":\"" + type + "\",\"file_format\":\"csv\"}"), 202)
                    .get("job_id").asText();
            JsonNode d = done(teacher, j);
            assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("completed");
            assertThat(d.get("record_count").asInt()).as(type).isEqualTo(OriginalSms.EXPORTED.get(type));
        }
        // the original backend's own test of exports (backend/tests/test_import_export.py): create with file_format, list
        JsonNode backend = data(call("POST", API + "/exports", admin, "{\"export_type\":\"students\",\"file_format\":\"csv\","
                + "\"filters\":{}}"), 202);
        assertThat(backend.get("export_type").asText()).isEqualTo("students");
        assertThat(backend.get("status").asText()).isEqualTo("pending");
        assertThat(data(call("GET", API + "/exports", admin, null), 200).get("exports").isArray()).isTrue();
        done(admin, backend.get("job_id").asText());
        // useDeleteExport
        assertThat(call("DELETE", API + "/exports/" + again, admin, null).statusCode()).isEqualTo(200);

        // useCreateSchedule, useExportSchedules, useExportSchedule, useUpdateSchedule, useToggleSchedule, useDeleteSchedule
        JsonNode schedule = data(call("POST", API + "/schedules", teacher, "{\"name\":\"Weekly grades\",\"export_type\":\"grades\","
                + "\"export_format\":\"csv\",\"frequency\":\"WEEKLY\",\"filters\":{}}"), 201);
        String sid = schedule.get("id").asText();
        assertThat(schedule.get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(schedule.get("is_active").asBoolean()).isTrue();
        assertThat(schedule.get("next_run_at").asText()).isNotBlank();
        JsonNode schedules = data(call("GET", API + "/schedules", teacher, null), 200);
        assertThat(schedules.isArray()).isTrue();
        assertThat(schedules.findValuesAsText("id")).containsExactly(sid);
        assertThat(data(call("GET", API + "/schedules/" + sid, teacher, null), 200).get("export_type").asText()).isEqualTo("grades");
        JsonNode updated = data(call("PUT", API + "/schedules/" + sid, teacher, "{\"frequency\":\"CUSTOM\",\"cron_expression\":\"0 3 * * 1\"}"),
                200);
        assertThat(updated.get("frequency").asText()).isEqualTo("CUSTOM");
        assertThat(updated.get("cron_expression").asText()).isEqualTo("0 3 * * 1");
        sid = updated.get("id").asText();
        assertThat(data(call("GET", API + "/schedules", teacher, null), 200)).hasSize(1);
        assertThat(data(call("PUT", API + "/schedules/" + sid + "/toggle", teacher, "{\"is_active\":false}"), 200).get("is_active")
                .asBoolean()).isFalse();
        assertThat(data(call("PUT", API + "/schedules/" + sid + "/toggle", teacher, "{\"is_active\":true}"), 200).get("is_active")
                .asBoolean()).isTrue();
        assertThat(call("DELETE", API + "/schedules/" + sid, teacher, null).statusCode()).isEqualTo(200);

        // useExportMetrics: the admin all exports, the teacher hers
        JsonNode metrics = data(call("GET", API + "/metrics?days=7", admin, null), 200);
        assertThat(metrics.get("total_exports").asInt()).isEqualTo(7);
        assertThat(metrics.get("successful_exports").asInt()).isEqualTo(7);
        assertThat(metrics.get("failed_exports").asInt()).isZero();
        assertThat(metrics.get("success_rate_percent").asDouble()).isEqualTo(100.0);
        assertThat(metrics.get("by_format").has("excel")).isTrue();
        assertThat(metrics.get("by_entity").get("grades").get("total_records").asInt()).isEqualTo(OriginalSms.EXPORTED.get("grades"));
        assertThat(metrics.get("trend_data")).isNotEmpty();
        assertThat(metrics.get("slowest_exports")).isNotEmpty();
        assertThat(data(call("GET", API + "/metrics?days=7", teacher, null), 200).get("total_exports").asInt()).isEqualTo(4);
        // useExportPerformanceStats, useSlowestExports
        assertThat(data(call("GET", API + "/metrics/performance/stats", teacher, null), 200).get("total_exports").asInt()).isEqualTo(4);
        JsonNode slowest = data(call("GET", API + "/metrics/slowest?limit=3", admin, null), 200);
        assertThat(slowest).hasSize(3);
        assertThat(slowest.get(0).get("export_type").asText()).isNotBlank();
        // useExportSettings, useEmailConfig, useTestEmailConfig
        JsonNode settings = data(call("GET", API + "/settings", admin, null), 200);
        assertThat(settings.get("max_records_per_export").isNumber()).isTrue();
        assertThat(settings.has("retention_days")).isTrue();
        assertThat(call("PUT", API + "/settings", admin, "{\"retention_days\":3}").statusCode()).isEqualTo(405);
        JsonNode email = data(call("GET", API + "/settings/email", admin, null), 200);
        assertThat(email.has("smtp_password")).isFalse();
        assertThat(call("POST", API + "/settings/email/test", teacher, "{\"recipient_email\":\"x@school.example\"}").statusCode())
                .isEqualTo(403);
        assertThat(call("POST", API + "/settings/email/test", admin, "{\"recipient_email\":\"x@school.example\"}").statusCode())
                .isEqualTo(409);
    }

    @Test
    void onlyTheSmsOwnValidTokensOfActiveUsersAreAccepted() throws Exception {
        String path = API + "/exports";
        assertThat(call("GET", path, smsToken("teacher@school.example", Instant.now().plusSeconds(60)), null).statusCode()).isEqualTo(200);
        // expired (beyond the minute of clock skew)
        assertThat(call("GET", path, smsToken("teacher@school.example", Instant.now().minusSeconds(300)), null).statusCode()).isEqualTo(401);
        // an inactive user, a user the SMS does not have
        assertThat(call("GET", path, smsToken("gone@school.example", Instant.now().plusSeconds(60)), null).statusCode()).isEqualTo(401);
        assertThat(call("GET", path, smsToken("stranger@school.example", Instant.now().plusSeconds(60)), null).statusCode()).isEqualTo(401);
        // another key
        SignedJWT other = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("admin@school.example")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
        other.sign(new MACSigner("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)));
        assertThat(call("GET", path, other.serialize(), null).statusCode()).isEqualTo(401);
        // alg: none
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"admin@school.example\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".";
        assertThat(call("GET", path, none, null).statusCode()).isEqualTo(401);
        // an RS256 token where the HMAC secret is configured
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        SignedJWT rs = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("admin@school.example")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
        rs.sign(new RSASSASigner(rsa));
        assertThat(call("GET", path, rs.serialize(), null).statusCode()).isEqualTo(401);
        // no exp at all
        SignedJWT forever = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("admin@school.example").build());
        forever.sign(new MACSigner(SECRET));
        assertThat(call("GET", path, forever.serialize(), null).statusCode()).isEqualTo(401);
        HttpResponse<String> refused = call("GET", path, "not.a.token", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void rs256TokensWithAJwksFileAndAnAudience() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, "{\"keys\":[" + rsa.toPublicJWK().toJSONString() + "]}");
        JwtAuthenticator auth = JwtAuthenticator.jwks(jwks).audience("sms-export").adminClaim("role", "admin").build();
        java.util.function.Function<JWTClaimsSet, String> mint = claims -> {
            try {
                SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
                t.sign(new RSASSASigner(rsa));
                return t.serialize();
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
        };
        Date exp = Date.from(Instant.now().plusSeconds(60));
        assertThat(auth.user(exchange(mint.apply(new JWTClaimsSet.Builder().subject("a@x").audience("sms-export").claim("role", "admin")
                .expirationTime(exp).build())))).hasValueSatisfying(u -> assertThat(u.admin()).isTrue());
        assertThat(auth.user(exchange(mint.apply(new JWTClaimsSet.Builder().subject("a@x").audience("sms-export").expirationTime(exp)
                .build())))).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
        assertThat(auth.user(exchange(mint.apply(new JWTClaimsSet.Builder().subject("a@x").audience("another").expirationTime(exp)
                .build())))).isEmpty();
        // the public key used as an HMAC secret (the HS/RS confusion): refused
        SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("a@x").audience("sms-export")
                .expirationTime(exp).build());
        confused.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        assertThat(auth.user(exchange(confused.serialize()))).isEmpty();
        // not yet valid
        assertThat(auth.user(exchange(mint.apply(new JWTClaimsSet.Builder().subject("a@x").audience("sms-export").expirationTime(exp)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build())))).isEmpty();
    }

    private static org.smsexport.rest.Exchange exchange(String token) {
        return new org.smsexport.rest.Exchange() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/";
            }

            @Override
            public String rawQuery() {
                return null;
            }

            @Override
            public String header(String name) {
                return name.equalsIgnoreCase("Authorization") ? "Bearer " + token : null;
            }

            @Override
            public byte[] body() {
                return new byte[0];
            }

            @Override
            public void setHeader(String name, String value) {
            }

            @Override
            public void send(int status, String contentType, byte[] body) {
            }

            @Override
            public void sendFile(int status, String contentType, Path file) {
            }

            @Override
            public void sendStream(int status, String contentType, long length, java.io.InputStream content) {
            }
        };
    }
}
