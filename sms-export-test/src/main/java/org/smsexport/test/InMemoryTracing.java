package org.smsexport.test;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * Tracing for tests: an OpenTelemetry SDK whose spans end in memory, a Micrometer {@link Tracer} over it, and an
 * {@link ObservationRegistry} that makes a span of every observation — what a host with the OpenTelemetry bridge has.
 * Needs micrometer-tracing-bridge-otel and opentelemetry-sdk-testing (optional dependencies of the test kit).
 */
@SuppressWarnings("exports") // its dependencies are optional: a test that uses it has them
public final class InMemoryTracing implements AutoCloseable {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final Tracer tracer;
    private final ObservationRegistry registry = ObservationRegistry.create();

    /** Starts the SDK. */
    public InMemoryTracing() {
        OtelCurrentTraceContext context = new OtelCurrentTraceContext();
        this.tracer = new OtelTracer(provider.get("sms-export-test"), context, event -> { },
                new OtelBaggageManager(context, List.of(), List.of()));
        registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    }

    /** @return the tracer */
    public Tracer tracer() {
        return tracer;
    }

    /** @return the registry whose observations are spans */
    public ObservationRegistry registry() {
        return registry;
    }

    /** @return the spans that ended so far */
    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    /**
     * @param name a span's name
     * @return the ended spans of that name
     */
    public List<SpanData> spans(String name) {
        return spans().stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Override
    public void close() {
        provider.close();
    }
}
