package org.smsexport.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.smsexport.ExportJob;
import org.smsexport.ExportMetrics;
import org.smsexport.JobId;
import org.smsexport.spi.MetricsSink;

/**
 * Records every finished export into a Micrometer {@link MeterRegistry}:
 * <ul>
 * <li>{@code sms.export.duration} — a timer tagged {@code type}, {@code format}, {@code status};</li>
 * <li>{@code sms.export.records} and {@code sms.export.bytes} — counters tagged {@code type}, {@code format};</li>
 * <li>{@code sms.export.running} — a gauge of the exports running now.</li>
 * </ul>
 * Register it with {@code ExportService.builder().metricsSink(new MicrometerMetricsSink(registry))}; found by
 * discovery it records into {@link Metrics#globalRegistry}. Thread-safe.
 */
public final class MicrometerMetricsSink implements MetricsSink {

    private final MeterRegistry registry;
    private final AtomicInteger running = new AtomicInteger();
    private final Set<JobId> started = ConcurrentHashMap.newKeySet();

    /** A sink into Micrometer's global registry (what discovery creates). */
    public MicrometerMetricsSink() {
        this(Metrics.globalRegistry);
    }

    /**
     * @param registry the host's registry
     */
    public MicrometerMetricsSink(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("sms.export.running", running, AtomicInteger::get).description("Exports running now").register(registry);
    }

    @Override
    public void started(ExportJob job) {
        if (started.add(job.id())) {
            running.incrementAndGet();
        }
    }

    @Override
    public void record(ExportMetrics m) {
        if (started.remove(m.exportId())) {
            running.decrementAndGet();
        }
        Timer.builder("sms.export.duration").description("Time to produce an export")
                .tags("type", m.exportType(), "format", m.exportFormat(), "status", m.status().id())
                .register(registry).record(m.duration());
        Counter.builder("sms.export.records").description("Records exported").baseUnit("records")
                .tags("type", m.exportType(), "format", m.exportFormat()).register(registry).increment(m.totalRecords());
        Counter.builder("sms.export.bytes").description("Bytes of export files").baseUnit("bytes")
                .tags("type", m.exportType(), "format", m.exportFormat()).register(registry).increment(m.fileSizeBytes());
    }
}
