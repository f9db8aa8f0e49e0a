package org.smsexport.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.spring.boot.SmsExportAutoConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The starter on Spring Boot 3.5 as a host has it: the shared auto-configuration over Boot 3's {@code DataSource}, the
 * {@code smsExport} health component on Boot 3's health API, the REST controller in a servlet application, and an
 * export that runs.
 */
class Boot3StarterTest {

    @TempDir
    Path dir;

    private AutoConfigurations configurations() {
        return AutoConfigurations.of(DataSourceAutoConfiguration.class, SmsExportAutoConfiguration.class,
                SmsExportHealthAutoConfiguration.class);
    }

    private String[] properties() {
        return new String[] {"sms.export.output-dir=" + dir.resolve("out"),
            "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "spring.datasource.username=sa"};
    }

    @Test
    void theServiceItsStoresTheSchedulerAndTheHealthComponentOnBoot3() {
        new ApplicationContextRunner().withConfiguration(configurations()).withPropertyValues(properties()).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(ExportService.class).hasSingleBean(JdbcDataSource.class)
                    .hasSingleBean(JdbcJobStore.class).hasSingleBean(ExportScheduler.class).hasBean("smsExportHealthIndicator");
            HealthIndicator health = ctx.getBean("smsExportHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsKeys("running", "queued", "capacity", "scheduler", "outputWritable")
                    .containsEntry("scheduler", "running");

            SampleData.load(ctx.getBean(javax.sql.DataSource.class), SmsSchema.standard(), 25);
            ExportOutcome o = ctx.getBean(ExportService.class).run(ExportRequest.builder().type("students").format("csv").build());
            assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(Files.readAllLines(((ExportOutcome.Completed) o).file())).hasSize(26);
        });
    }

    @Test
    void aServletApplicationGetsTheRestApi() {
        new WebApplicationContextRunner().withConfiguration(configurations()).withPropertyValues(properties()).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(org.smsexport.spring.boot.SmsExportController.class);
        });
    }
}
