package org.smsexport.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.mail.MailNotifier;
import org.smsexport.micrometer.MicrometerMetricsSink;
import org.smsexport.scheduler.ExportScheduler;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each condition of the auto-configuration, in a context of its own. */
class SmsExportAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SmsExportAutoConfiguration.class,
                org.smsexport.spring.boot.health.SmsExportHealthAutoConfiguration.class))
                .withPropertyValues("sms.export.output-dir=" + dir.resolve("out"));
    }

    private ApplicationContextRunner withDatabase() {
        return runner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        "spring.datasource.username=sa");
    }

    @Test
    void withoutADatabaseThereIsAServiceAndNothingJdbc() {
        runner().run(ctx -> {
            assertThat(ctx).hasSingleBean(ExportService.class).doesNotHaveBean(JdbcDataSource.class)
                    .doesNotHaveBean(JdbcJobStore.class).doesNotHaveBean(ExportScheduler.class)
                    .doesNotHaveBean(SmsExportController.class);
            assertThat(ctx.getBean(ExportService.class).config().outputDirectory()).isEqualTo(dir.resolve("out"));
            assertThat(ctx).hasSingleBean(MailNotifier.class).hasBean("smsExportHealthIndicator");
        });
    }

    @Test
    void aDatabaseTheLibraryDoesNotSupportStopsTheStartWithOneMessage() {
        runner().withBean(javax.sql.DataSource.class, () -> org.smsexport.test.UnsupportedDatabase.of("Oracle", "23ai")).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("sms-export does not support Oracle 23ai")
                    .hasMessageContaining("Supported databases:");
        });
    }

    @Test
    void onSqliteTheJobStoreAndTheSchedulerStart() {
        runner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + dir.resolve("app.db")).run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(JdbcJobStore.class).hasSingleBean(ExportScheduler.class);
                    assertThat(ctx.getBean(ExportScheduler.class).list()).anyMatch(i -> i.isMaintenance());
                });
    }

    @Test
    void overTheHostsDataSourceTheSourceTheJobStoreAndTheScheduler() {
        withDatabase().run(ctx -> {
            assertThat(ctx).hasSingleBean(JdbcDataSource.class).hasSingleBean(JdbcJobStore.class).hasSingleBean(ExportScheduler.class);
            assertThat(ctx.getBean(ExportScheduler.class).isAvailable()).as("started").isTrue();
            assertThat(ctx.getBean(ExportScheduler.class).list()).as("the retention cleanup").anyMatch(i -> i.isMaintenance());
        });
        withDatabase().withPropertyValues("sms.export.jdbc.job-store=false", "sms.export.scheduler.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(JdbcJobStore.class).hasSingleBean(JdbcDataSource.class);
            assertThat(ctx.getBean(ExportScheduler.class).isAvailable()).as("not started").isFalse();
        });
        withDatabase().withPropertyValues("ENABLE_SCHEDULER=false").run(ctx ->
                assertThat(ctx.getBean(ExportScheduler.class).isAvailable()).as("the seed's variable").isFalse());
    }

    @Test
    void replicasShareTheLinkSecretAndKeepEachOthersJobsForAGrace() {
        String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        org.smsexport.JobId job = org.smsexport.JobId.random();
        String[] token = new String[1];
        runner().withPropertyValues("sms.export.links.secret=" + secret).run(ctx -> {
            token[0] = ctx.getBean(ExportService.class).downloadLinks().orElseThrow().token(job, "alice");
            assertThat(ctx.getBean(ExportService.class).config().recoveryGrace()).as("a shared store's grace")
                    .isEqualTo(org.smsexport.core.ExportConfig.SHARED_STORE_RECOVERY_GRACE);
        });
        // another replica, another output directory: the link it did not sign opens, as it shares only the secret
        runner().withPropertyValues("sms.export.output-dir=" + dir.resolve("other"), "sms.export.links.secret=" + secret,
                "sms.export.recovery-grace=20s").run(ctx -> {
                    assertThat(ctx.getBean(ExportService.class).downloadLinks().orElseThrow().verify(job, "alice", token[0]))
                            .isEqualTo(org.smsexport.core.DownloadLinks.Verdict.VALID);
                    assertThat(ctx.getBean(ExportService.class).config().recoveryGrace()).hasSeconds(20);
                });
        runner().withPropertyValues("EXPORT_LINK_SECRET=" + secret).run(ctx ->
                assertThat(ctx.getBean(ExportService.class).downloadLinks().orElseThrow().verify(job, "alice", token[0]))
                        .as("the seed's variable").isEqualTo(org.smsexport.core.DownloadLinks.Verdict.VALID));
    }

    @Test
    void bindsEveryPropertyAndFallsBackToTheSeedsVariables() {
        runner().withPropertyValues("sms.export.max-records=5", "sms.export.workers=3", "sms.export.queue-capacity=7",
                "sms.export.job-timeout=90s", "sms.export.over-limit=truncate", "sms.export.fsync=false", "sms.export.retention-days=9",
                "sms.export.archive-path=" + dir.resolve("a"), "sms.export.metrics-file=", "sms.export.cleanup-schedule=weekly",
                "sms.export.audit-retention-days=400")
                .run(ctx -> {
                    var c = ctx.getBean(ExportService.class).config();
                    assertThat(c.maxRecords()).isEqualTo(5);
                    assertThat(c.workers()).isEqualTo(3);
                    assertThat(c.queueCapacity()).isEqualTo(7);
                    assertThat(c.jobTimeout()).hasSeconds(90);
                    assertThat(c.overLimit().name()).isEqualTo("TRUNCATE");
                    assertThat(c.fsync()).isFalse();
                    assertThat(c.retentionDays()).isEqualTo(9);
                    assertThat(c.archivePath()).isEqualTo(dir.resolve("a"));
                    assertThat(c.metricsFile()).isEmpty();
                    assertThat(c.cleanupSchedule()).isEqualTo("weekly");
                    assertThat(c.auditRetentionDays()).isEqualTo(400);
                });
        runner().withPropertyValues("EXPORT_MAX_RECORDS=11", "EXPORT_WORKERS=4").run(ctx -> {
            assertThat(ctx.getBean(ExportService.class).config().maxRecords()).isEqualTo(11);
            assertThat(ctx.getBean(ExportService.class).config().workers()).isEqualTo(4);
        });
        runner().withPropertyValues("EXPORT_MAX_RECORDS=11", "sms.export.max-records=12").run(ctx ->
                assertThat(ctx.getBean(ExportService.class).config().maxRecords()).as("sms.export wins").isEqualTo(12));
        runner().withPropertyValues("sms.export.workers=300").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("workers must be 0..256 (0: accept and serve, run nothing), got 300"));
        runner().withPropertyValues("sms.export.workers=0").run(ctx -> assertThat(ctx.getBean(ExportService.class).config().workers())
                .as("a node that accepts and serves").isZero());
    }

    @Test
    void theStorageAndItsS3SettingsBindWithTheSeedsStyleVariablesAsFallBack() {
        runner().run(ctx -> assertThat(ctx.getBean(ExportService.class).storage().name()).isEqualTo("local"));
        runner().withPropertyValues("sms.export.storage=s3", "sms.export.node-name=app-1", "sms.export.s3.bucket=school-exports",
                "sms.export.s3.endpoint=http://127.0.0.1:9", "sms.export.s3.path-style=true", "sms.export.s3.prefix=sms",
                "sms.export.s3.sse=AES256", "sms.export.s3.download=stream", "AWS_ACCESS_KEY_ID=a", "AWS_SECRET_ACCESS_KEY=b")
                .run(ctx -> {
                    ExportService s = ctx.getBean(ExportService.class);
                    assertThat(s.config().nodeName()).isEqualTo("app-1");
                    assertThat(s.storage()).isInstanceOf(org.smsexport.s3.S3Storage.class);
                    assertThat(((org.smsexport.s3.S3Storage) s.storage()).prefix()).isEqualTo("sms/");
                    assertThat(s.storage().describe("x.csv")).isEqualTo("s3://school-exports/sms/x.csv");
                });
        runner().withPropertyValues("EXPORT_STORAGE=s3", "EXPORT_S3_BUCKET=from-env").run(ctx ->
                assertThat(ctx.getBean(ExportService.class).storage().describe("x.csv")).isEqualTo("s3://from-env/exports/x.csv"));
        runner().withPropertyValues("sms.export.storage=s3", "sms.export.s3.sse=rot13").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("EXPORT_S3_BUCKET is required").hasStackTraceContaining("EXPORT_S3_SSE='rot13'"));
    }

    @Test
    void mailFallsBackToSpringMailThenToTheSeedsVariables() {
        runner().withPropertyValues("spring.mail.host=smtp.school.example", "SMTP_HOST=old.example", "SMTP_FROM_ADDRESS=n@s.example",
                "sms.export.mail.enabled=true").run(ctx -> {
                    MailNotifier n = ctx.getBean(MailNotifier.class);
                    assertThat(n.toString()).contains("smtp.school.example");
                    assertThat(n.isEnabled()).isTrue();
                });
        runner().withPropertyValues("SMTP_HOST=old.example").run(ctx ->
                assertThat(ctx.getBean(MailNotifier.class).toString()).contains("old.example"));
    }

    @Test
    void metricsGoToTheHostsRegistry() {
        runner().withUserConfiguration(Registry.class).run(ctx -> assertThat(ctx).hasSingleBean(MicrometerMetricsSink.class));
        runner().run(ctx -> assertThat(ctx).doesNotHaveBean(MicrometerMetricsSink.class));
    }

    @Test
    void aHostsOwnBeanWins() {
        runner().withUserConfiguration(OwnService.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(ExportService.class);
            assertThat(ctx.getBean(ExportService.class).config().maxRecords()).isEqualTo(42);
        });
    }

    @Test
    void theRestApiIsServedInServletApplicationsUnlessSwitchedOff() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SmsExportAutoConfiguration.class))
                .withPropertyValues("sms.export.output-dir=" + dir.resolve("w")).run(ctx -> assertThat(ctx).hasSingleBean(SmsExportController.class));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SmsExportAutoConfiguration.class))
                .withPropertyValues("sms.export.output-dir=" + dir.resolve("w"), "sms.export.web.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(SmsExportController.class));
    }

    /** The host's ObservationRegistry and Tracer: an export submitted inside a span keeps its trace, and is a span of it. */
    @Test
    void theHostsObservationRegistryAndTracerTraceEachExport() {
        try (org.smsexport.test.InMemoryTracing tracing = new org.smsexport.test.InMemoryTracing()) {
            withDatabase().withBean(io.micrometer.observation.ObservationRegistry.class, tracing::registry)
                    .withBean(io.micrometer.tracing.Tracer.class, tracing::tracer).run(ctx -> {
                        org.smsexport.jdbc.SampleData.load(ctx.getBean(javax.sql.DataSource.class), org.smsexport.jdbc.SmsSchema.standard(), 5);
                        io.micrometer.tracing.Span request = tracing.tracer().nextSpan().name("request").start();
                        io.micrometer.tracing.Tracer.SpanInScope scope = tracing.tracer().withSpan(request);
                        org.smsexport.ExportJob job;
                        try {
                            job = ctx.getBean(ExportService.class).submit(org.smsexport.ExportRequest.builder().type("students")
                                    .format("csv").build());
                        } finally {
                            scope.close();
                            request.end();
                        }
                        assertThat(job.traceId()).contains(request.context().traceId());
                        ctx.getBean(ExportService.class).completion(job.id()).get(30, java.util.concurrent.TimeUnit.SECONDS);
                        org.smsexport.test.Await.until("the export's span", () -> !tracing.spans("sms.export students csv").isEmpty());
                        assertThat(tracing.spans("sms.export students csv").get(0).getParentSpanId()).isEqualTo(request.context().spanId());
                    });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnService {
        @Bean(destroyMethod = "close")
        ExportService exportService() {
            return ExportService.builder().maxRecords(42).outputDirectory(Path.of("target/own-service")).build();
        }
    }
}
