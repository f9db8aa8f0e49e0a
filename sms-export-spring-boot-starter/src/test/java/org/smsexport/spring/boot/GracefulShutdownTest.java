package org.smsexport.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryJobStore;
import org.smsexport.spi.JobStore;
import org.smsexport.test.SlowDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Closing the application: a running export gets the shutdown phase's time, then is cancelled and recorded. */
class GracefulShutdownTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    static class Slow {
        @Bean
        JobStore jobStore() {
            return new InMemoryJobStore();
        }

        /** Students, one row every 10 ms: a long export. */
        @Bean
        SlowDataSource slowStudents() {
            return SlowDataSource.of(ExportType.STUDENTS, ExportType.STUDENTS, 1_000_000, java.time.Duration.ofMillis(10));
        }
    }

    @Test
    void aRunningExportIsCancelledAndRecordedAndLeavesNoTemporaryFile() throws Exception {
        Path out = dir.resolve("out");
        JobStore[] store = new JobStore[1];
        ExportJob[] job = new ExportJob[1];
        long[] closed = new long[1];
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SmsExportAutoConfiguration.class))
                .withUserConfiguration(Slow.class)
                .withPropertyValues("sms.export.output-dir=" + out, "sms.export.max-records=0", "spring.lifecycle.timeout-per-shutdown-phase=1s")
                .run(ctx -> {
                    store[0] = ctx.getBean(JobStore.class);
                    job[0] = ctx.getBean(ExportService.class).submit(ExportRequest.builder().type("students").format("csv").build());
                    assertThat(ctx.getBean(SlowDataSource.class).started().await(30, TimeUnit.SECONDS)).isTrue();
                    closed[0] = System.nanoTime();
                });
        // the context is closed: the export had its second, then was cancelled
        ExportJob after = store[0].find(job[0].id()).orElseThrow().job();
        assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(after.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("shut down"));
        assertThat(after.completedAt()).as("recorded as ended").isPresent();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - closed[0])).as("closing waited the phase, not the export")
                .isLessThan(java.time.Duration.ofSeconds(20));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("metrics.jsonl") && !n.equals("audit.jsonl") && !n.equals(".link-secret")
                    && !n.startsWith(".audit-")))
                    .as("no temporary or partial file").isEmpty();
        }
    }
}
