package org.smsexport.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.sample.SmsData;
import org.smsexport.test.ServiceRegistrations;

class MicrometerMetricsSinkTest {

    @TempDir
    Path dir;

    @Test
    void recordsATimerPerTypeFormatAndStatusAndCountsRecordsAndBytes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(ExportType.COURSES, 30).forEachRemaining(rows::add);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).discovery(false)
                .exporter(new org.smsexport.csv.CsvExporter()).metricsSink(new MicrometerMetricsSink(registry))
                .dataSource(InMemoryDataSource.builder().rows(ExportType.COURSES, rows).build()).maxRecords(20)
                .overLimit(org.smsexport.core.OverLimitPolicy.FAIL).build()) {
            ExportOutcome ok = exports.run(ExportRequest.builder().type("courses").format("csv").limit(10).build());
            ExportOutcome failed = exports.run(ExportRequest.builder().type("courses").format("csv").build());
            assertThat(failed).isInstanceOf(ExportOutcome.Failed.class);

            assertThat(registry.get("sms.export.duration").tags("type", "courses", "format", "csv", "status", "completed").timer()
                    .count()).isEqualTo(1);
            assertThat(registry.get("sms.export.duration").tags("status", "failed").timer().count()).isEqualTo(1);
            assertThat(registry.get("sms.export.records").tags("type", "courses", "format", "csv").counter().count()).isEqualTo(10);
            assertThat(registry.get("sms.export.bytes").counter().count()).isEqualTo(ok.job().fileSizeBytes());
            assertThat(registry.get("sms.export.running").gauge().value()).isZero();
        }
    }

    @Test
    void countsRunningExports() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetricsSink sink = new MicrometerMetricsSink(registry);
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        ExportJob job = ExportJob.builder().id(JobId.random()).type("students").format("xlsx").status(JobStatus.RUNNING)
                .createdAt(t).startedAt(t).updatedAt(t).owner("a").build();
        sink.started(job);
        sink.started(job);
        assertThat(registry.get("sms.export.running").gauge().value()).isEqualTo(1);
        sink.record(org.smsexport.ExportMetrics.of(job.toBuilder().status(JobStatus.COMPLETED).completedAt(t.plusSeconds(2)).build()));
        assertThat(registry.get("sms.export.running").gauge().value()).isZero();
        assertThat(registry.get("sms.export.duration").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2.0);
    }

    @Test
    void registersItselfForBothClassPathAndModulePath() {
        ServiceRegistrations.assertConsistent(MicrometerMetricsSink.class);
    }

    /**
     * The host's sink (a Boot application's registry) and discovery on: the discovered sink of the same class is never
     * made, so nothing is registered twice in the global registry, which Boot's registry also feeds.
     */
    @Test
    void aDiscoveredSinkOfTheHostsClassIsNeverMade() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(ExportType.COURSES, 5).forEachRemaining(rows::add);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).metricsSink(new MicrometerMetricsSink(registry))
                .dataSource(InMemoryDataSource.builder().rows(ExportType.COURSES, rows).build()).build()) {
            exports.run(ExportRequest.builder().type("courses").format("csv").build());
            assertThat(registry.get("sms.export.duration").timer().count()).isEqualTo(1);
            // the discovered one would have registered its gauge in the global registry as it was made
            assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.find("sms.export.running").gauge()).isNull();
        }
    }
}
