package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.test.Await;
import org.smsexport.test.InMemoryTracing;

/**
 * A request's trace follows its export to the node that runs it: {@code serve} on one node (no workers) continues the
 * caller's {@code traceparent}, the job keeps the trace, and a worker node that claims it from the shared queue makes the
 * export's span a child of the request's span, in the same trace.
 */
class TracingAcrossNodesTest {

    @TempDir
    Path dir;

    private static ExportService.Builder node(DataSource db, Path out, String name, int workers) {
        return ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(JdbcJobStore.create(db)).outputDirectory(out)
                .workers(workers).nodeName(name).recoveryGrace(Duration.ofMinutes(1)).downloadLinks("http://localhost");
    }

    @Test
    void aRequestsTraceIdFollowsItsExportToTheNodeThatRunsIt() throws Exception {
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:traced;DB_CLOSE_DELAY=-1", "sa", "");
        SampleData.load(db, SmsSchema.standard(), 30);
        Map<String, RestServer.User> tokens = new HashMap<>();
        RestServer.parseToken("alice:alice-secret:user", tokens);
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        try (InMemoryTracing tracing = new InMemoryTracing()) {
            Telemetry telemetry = Telemetry.of(tracing.tracer(), tracing.registry());
            try (ExportService front = telemetry.apply(node(db, dir.resolve("front"), "front", 0)).build();
                    ExportService back = telemetry.apply(node(db, dir.resolve("back"), "back", 1)).build();
                    RestServer server = new RestServer(front, null, tokens, null, "127.0.0.1", 0, null, Duration.ofSeconds(30), List.of(),
                            telemetry)) {
                server.start();
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/import-export/exports")).header("Authorization", "Bearer alice-secret")
                        .header("Content-Type", "application/json").header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"export_type\":\"students\",\"export_format\":\"csv\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                String id = new ObjectMapper().readTree(submitted.body()).get("data").get("job_id").asText();

                JsonNode[] job = new JsonNode[1];
                Await.until("the job done on the other node", () -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/api/v1/import-export/exports/" + id)).header("Authorization", "Bearer alice-secret").build(),
                            HttpResponse.BodyHandlers.ofString());
                    job[0] = new ObjectMapper().readTree(r.body()).get("data");
                    return "completed".equals(job[0].path("status").asText());
                });
                assertThat(job[0].get("node").asText()).isEqualTo("back");
                assertThat(back.job(org.smsexport.JobId.of(id)).orElseThrow().traceId()).contains(traceId);
                assertThat(job[0].get("trace_id").asText()).as("the caller's trace").isEqualTo(traceId);

                Await.until("the export's span", () -> !tracing.spans("sms.export students csv").isEmpty());
                SpanData request = tracing.spans().stream().filter(s -> s.getName().equals("HTTP POST")).findFirst().orElseThrow();
                SpanData export = tracing.spans("sms.export students csv").get(0);
                assertThat(request.getTraceId()).isEqualTo(traceId);
                assertThat(request.getParentSpanId()).as("the request continues the caller's span").isEqualTo(callerSpan);
                assertThat(export.getTraceId()).isEqualTo(traceId);
                assertThat(export.getParentSpanId()).as("the export is a child of the request").isEqualTo(request.getSpanId());
                assertThat(export.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("completed");
            }
        }
    }

    @Test
    void theOtelVariablesMakeTheSdkAndWithoutThemThereIsNone() {
        assertThat(Telemetry.fromEnvironment(Map.of("PATH", "/usr/bin"))).isSameAs(Telemetry.NONE);
        assertThat(Telemetry.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_SDK_DISABLED", "true"))).isSameAs(Telemetry.NONE);
        try (Telemetry t = Telemetry.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_SERVICE_NAME", "sms-export-test"))) {
            assertThat(t).isNotSameAs(Telemetry.NONE);
            ExportService.Builder b = ExportService.builder();
            assertThat(t.apply(b)).isSameAs(b);
        }
    }
}
