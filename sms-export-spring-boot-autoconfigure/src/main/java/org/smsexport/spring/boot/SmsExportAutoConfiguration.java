package org.smsexport.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.mail.MailConfig;
import org.smsexport.mail.MailNotifier;
import org.smsexport.micrometer.MicrometerMetricsSink;
import org.smsexport.rest.ExportApi;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.MetricsSink;
import org.smsexport.spi.Notifier;
import org.smsexport.web.WebUi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires sms-export into a Spring Boot application: {@link ExportService} always; over the host's
 * {@code javax.sql.DataSource} a {@link JdbcDataSource}, a {@link JdbcJobStore} and an {@link ExportScheduler}
 * (started unless {@code sms.export.scheduler.enabled=false}); with the mail module a
 * {@link MailNotifier}; with a {@code MeterRegistry} a {@link MicrometerMetricsSink}; with Actuator the
 * {@code smsExport} health component; with Spring MVC the REST API. Every bean is {@code @ConditionalOnMissingBean}:
 * a host replaces any of them by declaring its own.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(SmsExportProperties.class)
public class SmsExportAutoConfiguration {

    /** The settings in the seed's names, from {@code sms.export.*}, {@code spring.mail.*} and the seed's variables. */
    static final String SETTINGS = "smsExportSettings";

    @Bean(SETTINGS)
    @ConditionalOnMissingBean(name = SETTINGS)
    Map<String, String> smsExportSettings(SmsExportProperties properties, Environment environment) {
        return SeedSettings.of(properties, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    ExportConfig smsExportConfig(@org.springframework.beans.factory.annotation.Qualifier(SETTINGS) Map<String, String> settings) {
        return ExportConfig.from(settings);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ExportService exportService(ExportConfig config, SmsExportProperties properties, Environment environment,
            @org.springframework.beans.factory.annotation.Qualifier(SETTINGS) Map<String, String> settings,
            ObjectProvider<DataSource> sources, ObjectProvider<JobStore> stores, ObjectProvider<Notifier> notifiers,
            ObjectProvider<MetricsSink> sinks, ObjectProvider<org.smsexport.spi.ExportStorage> storages,
            ObjectProvider<ExportServiceCustomizer> customizers, ObjectProvider<io.micrometer.observation.ObservationRegistry> observations) {
        String base = properties.getPublicUrl() != null ? properties.getPublicUrl()
                : "http://localhost:" + environment.getProperty("server.port", "8080");
        // running exports get the phase's time to finish, then are cancelled and recorded
        Duration shutdown = org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).orElse(Duration.ofSeconds(30));
        // the (possibly host's) ExportConfig bean, and the settings for a storage provider's own keys (EXPORT_S3_*)
        ExportService.Builder b = ExportService.builder().settings(settings).config(config).shutdownTimeout(shutdown)
                .downloadLinks(base);
        storages.ifAvailable(b::storage);
        sources.orderedStream().forEach(b::dataSource);
        stores.ifAvailable(b::jobStore);
        notifiers.orderedStream().forEach(b::notifier);
        sinks.orderedStream().forEach(b::metricsSink);
        // each export an observation in the host's registry (a span too, when the host traces)
        observations.ifAvailable(b::observationRegistry);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /** The host's database as the SMS source and the job store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcDataSource.class)
    @ConditionalOnBean(javax.sql.DataSource.class)
    static class Jdbc {
        @Bean
        @ConditionalOnMissingBean(JdbcDataSource.class)
        JdbcDataSource smsJdbcDataSource(javax.sql.DataSource db, SmsExportProperties properties) {
            String map = properties.getSchemaMap();
            if (map != null && !map.isBlank()) {
                // the mapping file names tables and columns; sms.export.jdbc.tables names tables only
                if (!properties.getJdbc().getTables().isEmpty()) {
                    throw new IllegalStateException("Give sms.export.schema-map or sms.export.jdbc.tables, not both: the mapping file "
                            + "names tables too (students.table = pupils).");
                }
                return JdbcDataSource.of(db, SmsSchema.load(java.nio.file.Path.of(map.strip())), 1_000);
            }
            SmsSchema.Builder schema = SmsSchema.builder();
            properties.getJdbc().getTables().forEach(schema::table);
            return JdbcDataSource.of(db, schema.build(), 1_000);
        }

        @Bean
        @ConditionalOnMissingBean(JobStore.class)
        @ConditionalOnProperty(prefix = "sms.export.jdbc", name = "job-store", matchIfMissing = true)
        JdbcJobStore smsJobStore(javax.sql.DataSource db, ExportConfig config) {
            return JdbcJobStore.withPrefix(db, config.tablePrefix());
        }

        /** With jobs in the database, the replicas share its audit table and mail outbox too. */
        @Bean
        ExportServiceCustomizer smsJdbcSharing(ObjectProvider<JobStore> stores) {
            return b -> {
                if (stores.getIfAvailable() instanceof JdbcJobStore jdbc) {
                    b.sharedDatabase(jdbc.dataSource()).auditSink(jdbc.auditSink());
                }
            };
        }
    }

    /** Scheduled exports on the host's database: schedules, the run ledger and db-scheduler's table beside its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ExportScheduler.class)
    @ConditionalOnBean(javax.sql.DataSource.class)
    static class Scheduling {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ExportScheduler exportScheduler(ExportService exports, javax.sql.DataSource db) {
            return ExportScheduler.builder(exports).dataSource(db).build();
        }

        @Bean
        SmartLifecycle smsExportSchedulerLifecycle(ExportScheduler scheduler,
                @org.springframework.beans.factory.annotation.Qualifier(SETTINGS) Map<String, String> settings, ExportConfig config) {
            boolean enabled = SeedSettings.schedulerEnabled(settings);
            return new SmartLifecycle() {
                private volatile boolean running;

                @Override
                public void start() {
                    if (enabled) {
                        if (scheduler.list().stream().noneMatch(i -> i.isMaintenance())) {
                            scheduler.scheduleMaintenance(config.cleanupSchedule());
                        }
                        scheduler.start();
                    }
                    running = true;
                }

                @Override
                public void stop() {
                    scheduler.stop();
                    running = false;
                }

                @Override
                public boolean isRunning() {
                    return running;
                }
            };
        }
    }

    /** Mail notifications. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MailNotifier.class)
    static class Mail {
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean(MailNotifier.class)
        MailNotifier smsMailNotifier(@org.springframework.beans.factory.annotation.Qualifier(SETTINGS) Map<String, String> settings) {
            // closed by the ExportService that holds it
            return new MailNotifier(MailConfig.from(settings));
        }
    }

    /** Metrics in the host's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MicrometerMetricsSink.class, MeterRegistry.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean(MicrometerMetricsSink.class)
        MicrometerMetricsSink smsMetricsSink(MeterRegistry registry) {
            return new MicrometerMetricsSink(registry);
        }
    }

    /**
     * What the {@code smsExport} health component reports; each starter shows it through its Boot line's health API
     * ({@code org.smsexport.spring.boot.health} on Boot 4, {@code org.smsexport.spring.boot3} on Boot 3.5).
     */
    @Configuration(proxyBeanMethods = false)
    static class Health {
        @Bean
        @ConditionalOnMissingBean
        SmsExportHealth smsExportHealth(ExportService exports, ObjectProvider<ExportScheduler> scheduler,
                @org.springframework.beans.factory.annotation.Qualifier(SETTINGS) Map<String, String> settings) {
            ExportScheduler s = scheduler.getIfAvailable();
            return new SmsExportHealth(exports, s, s != null && SeedSettings.schedulerEnabled(settings));
        }
    }

    /**
     * The host's tracer: the trace a job is submitted in (the HTTP request's, as Boot's server observation has it) is kept
     * with the job and continued by the node that runs it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
    static class Tracing {
        // no @ConditionalOnBean: Boot's tracing auto-configuration may come after this one; the tracer is looked up when
        // the service is built, after every bean is defined
        @Bean
        ExportServiceCustomizer smsExportTracing(ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
            return b -> tracer.ifAvailable(b::tracer);
        }
    }

    /** The REST API on Spring MVC. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    @ConditionalOnProperty(prefix = "sms.export.web", name = "enabled", matchIfMissing = true)
    static class Web {
        @Bean
        @ConditionalOnMissingBean
        SmsExportController smsExportController(ExportService exports, ObjectProvider<ExportScheduler> scheduler,
                SmsExportProperties properties, Environment environment) {
            String configured = properties.getPublicUrl();
            ExportApi api = new ExportApi(exports, scheduler.getIfAvailable(),
                    SmsExportController.principals(properties.getWeb().getAdminAuthority()),
                    () -> configured != null ? configured : "http://localhost:" + environment.getProperty("local.server.port",
                            environment.getProperty("server.port", "8080")), properties.getWeb().getTrustedOrigins());
            return new SmsExportController(api, properties.getWeb().getUi().isEnabled() ? new WebUi("/sms-export") : null);
        }
    }
}
