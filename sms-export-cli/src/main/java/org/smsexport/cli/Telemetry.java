package org.smsexport.cli;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.smsexport.core.ExportService;
import org.smsexport.core.TraceParents;
import org.smsexport.rest.Exchange;
import org.smsexport.rest.JettyServer;

/**
 * Traces of {@code serve} and {@code worker}: with the standard {@code OTEL_*} variables set (an exporter, an endpoint, a
 * service name), the OpenTelemetry SDK as its autoconfigure module builds it, a Micrometer tracer over it, and each HTTP
 * request and each export a span — a request's {@code traceparent} header its parent. Without them nothing is made, and
 * nothing is slower.
 */
final class Telemetry implements AutoCloseable {

    /** No traces. */
    static final Telemetry NONE = new Telemetry(ObservationRegistry.NOOP, null, null);

    private final ObservationRegistry registry;
    private final Tracer tracer;
    private final OpenTelemetrySdk sdk;

    Telemetry(ObservationRegistry registry, Tracer tracer, OpenTelemetrySdk sdk) {
        this.registry = registry;
        this.tracer = tracer;
        this.sdk = sdk;
    }

    /**
     * @param environment the process's variables
     * @return the SDK the {@code OTEL_*} variables describe (traces only unless they ask for more), or {@link #NONE}
     *         when none is set or {@code OTEL_SDK_DISABLED=true}
     */
    static Telemetry fromEnvironment(Map<String, String> environment) {
        boolean configured = environment.keySet().stream().anyMatch(k -> k.startsWith("OTEL_"))
                && !"true".equalsIgnoreCase(environment.getOrDefault("OTEL_SDK_DISABLED", "").strip());
        if (!configured) {
            return NONE;
        }
        // spans are what this is for; the variables may still ask for metrics and logs
        Map<String, String> properties = new java.util.HashMap<>(Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                "otel.service.name", "sms-export"));
        // the variables as given (the process's own, or a test's), which the SDK reads from the process too
        environment.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                properties.put(k.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
            }
        });
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> properties).build()
                .getOpenTelemetrySdk();
        OtelCurrentTraceContext context = new OtelCurrentTraceContext();
        return of(new OtelTracer(sdk.getTracer("sms-export"), context, event -> { }, new OtelBaggageManager(context, List.of(), List.of())),
                sdk);
    }

    /**
     * @param tracer a tracer (a test's)
     * @param sdk    what to close with it, or {@code null}
     * @return spans for every observation, made by that tracer
     */
    static Telemetry of(Tracer tracer, OpenTelemetrySdk sdk) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        return new Telemetry(registry, tracer, sdk);
    }

    /**
     * @param tracer   a tracer
     * @param registry observations whose handlers make its spans
     * @return telemetry of those
     */
    static Telemetry of(Tracer tracer, ObservationRegistry registry) {
        return new Telemetry(registry, tracer, null);
    }

    /**
     * @param builder a service being built
     * @return it, with this registry and tracer
     */
    ExportService.Builder apply(ExportService.Builder builder) {
        if (tracer != null) {
            builder.observationRegistry(registry).tracer(tracer);
        }
        return builder;
    }

    /**
     * @param routes a server's routes
     * @return them, each request a span ({@code HTTP GET}, …) that continues the caller's {@code traceparent}
     */
    JettyServer.Routes traced(JettyServer.Routes routes) {
        if (tracer == null) {
            return routes;
        }
        return ex -> {
            Observation request = Observation.createNotStarted("http.server.requests", registry).contextualName("HTTP " + ex.method())
                    .lowCardinalityKeyValue("method", ex.method());
            start(request, ex);
            Observation.Scope scope = request.openScope();
            try {
                routes.handle(ex);
            } catch (IOException | RuntimeException | Error e) {
                request.error(e);
                throw e;
            } finally {
                scope.close();
                request.stop();
            }
        };
    }

    private void start(Observation request, Exchange ex) {
        String header = ex.header("traceparent");
        Runnable remote = TraceParents.valid(header) ? TraceParents.continueTrace(tracer, header) : null;
        try {
            request.start();
        } finally {
            if (remote != null) {
                remote.run();
            }
        }
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
