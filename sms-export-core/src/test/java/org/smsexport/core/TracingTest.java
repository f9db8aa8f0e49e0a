package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.InMemoryTracing;

/**
 * Each export is an observation {@code sms.export}: a child of the span current at submit, keyed by type, format and
 * outcome, with the trace id on the job; and the threads that work for it (worker, reader, helpers) log its id.
 */
class TracingTest {

    @TempDir
    Path dir;

    /** The MDC of each thread that asked for rows (opened on the worker, counted on a reader thread, perhaps read ahead). */
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    /** Students, read ahead on a thread of their own, noting who reads. */
    private DataSource recording() {
        InMemoryDataSource rows = Fixtures.memory(40);
        return new DataSource() {
            @Override
            public List<ExportType> types() {
                return rows.types();
            }

            @Override
            public boolean readAhead() {
                return true;
            }

            @Override
            public OptionalLong count(ExportQuery query) {
                seen.put("count:" + Thread.currentThread().getName(), String.valueOf(MDC.get("sms.export.job")));
                return rows.count(query);
            }

            @Override
            public RowCursor open(ExportQuery query) {
                seen.put("open:" + Thread.currentThread().getName(), String.valueOf(MDC.get("sms.export.job")));
                RowCursor c = rows.open(query);
                return new RowCursor() {
                    @Override
                    public boolean next() {
                        seen.put("next:" + Thread.currentThread().getName(), String.valueOf(MDC.get("sms.export.job")));
                        return c.next();
                    }

                    @Override
                    public Object get(int column) {
                        return c.get(column);
                    }

                    @Override
                    public void close() {
                        c.close();
                    }
                };
            }
        };
    }

    @Test
    void anExportIsASpanOfTheTraceItWasSubmittedInAndItsThreadsLogItsId() throws Exception {
        try (InMemoryTracing tracing = new InMemoryTracing();
                ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(recording())
                        .observationRegistry(tracing.registry()).tracer(tracing.tracer()).build()) {
            Tracer tracer = tracing.tracer();
            Span request = tracer.nextSpan().name("POST /exports").start();
            ExportJob job;
            Tracer.SpanInScope scope = tracer.withSpan(request);
            try {
                job = exports.submit(ExportRequest.builder().type("students").format("csv").build());
            } finally {
                scope.close();
                request.end();
            }
            ExportOutcome o = exports.completion(job.id()).get(30, TimeUnit.SECONDS);
            assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(job.traceId()).contains(request.context().traceId());
            assertThat(exports.job(job.id()).orElseThrow().traceId()).as("kept with the job").contains(request.context().traceId());

            org.smsexport.test.Await.until("the export's span", () -> !tracing.spans("sms.export students csv").isEmpty());
            SpanData export = tracing.spans("sms.export students csv").get(0);
            assertThat(export.getTraceId()).isEqualTo(request.context().traceId());
            assertThat(export.getParentSpanId()).as("a child of the request's span").isEqualTo(request.context().spanId());
            assertThat(export.getAttributes().get(AttributeKey.stringKey("type"))).isEqualTo("students");
            assertThat(export.getAttributes().get(AttributeKey.stringKey("format"))).isEqualTo("csv");
            assertThat(export.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("completed");

            assertThat(seen).as("the worker that opened and the reader that counted").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy((thread, id) -> assertThat(id).as(thread).isEqualTo(job.id().value()));
            assertThat(seen.keySet()).anyMatch(k -> k.startsWith("open:sms-export-worker")).anyMatch(k -> k.startsWith("count:sms-export-reader"));

            // outside a trace: no trace id, and the export starts a trace of its own
            ExportJob alone = exports.submit(ExportRequest.builder().type("students").format("csv").build());
            exports.completion(alone.id()).get(30, TimeUnit.SECONDS);
            assertThat(alone.traceId()).isEmpty();
            org.smsexport.test.Await.until("its span", () -> tracing.spans("sms.export students csv").size() == 2);
            SpanData root = tracing.spans("sms.export students csv").get(1);
            assertThat(root.getParentSpanContext().isValid()).as("a root span").isFalse();
            assertThat(root.getTraceId()).isNotEqualTo(request.context().traceId());
        }
    }

    @Test
    void helperThreadsAndPoolTasksCarryTheMdcOfWhoStartedThem() throws Exception {
        MDC.put("sms.export.job", "abc123");
        try {
            String[] inHelper = new String[1];
            org.smsexport.support.ExportThreads.start("test-helper", () -> inHelper[0] = MDC.get("sms.export.job")).join();
            assertThat(inHelper[0]).isEqualTo("abc123");
            java.util.concurrent.ExecutorService pool = org.smsexport.core.internal.JobTracing.withMdc(
                    java.util.concurrent.Executors.newSingleThreadExecutor());
            try {
                assertThat(pool.submit(() -> MDC.get("sms.export.job")).get(10, TimeUnit.SECONDS)).isEqualTo("abc123");
                MDC.remove("sms.export.job");
                assertThat(pool.submit(() -> MDC.get("sms.export.job")).get(10, TimeUnit.SECONDS)).as("not the last task's").isNull();
            } finally {
                pool.shutdown();
            }
        } finally {
            MDC.remove("sms.export.job");
        }
    }
}
