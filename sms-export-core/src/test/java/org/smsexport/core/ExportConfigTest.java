package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smsexport.InvalidRequestException;

class ExportConfigTest {

    @Test
    void theDefaultsAreTheNamedConstants() {
        ExportConfig c = ExportConfig.defaults();
        assertThat(c.outputDirectory()).isEqualTo(ExportConfig.DEFAULT_OUTPUT_DIRECTORY);
        assertThat(c.maxRecords()).isEqualTo(ExportConfig.DEFAULT_MAX_RECORDS);
        assertThat(c.workers()).isEqualTo(ExportConfig.DEFAULT_WORKERS);
        assertThat(c.queueCapacity()).isEqualTo(ExportConfig.DEFAULT_QUEUE_CAPACITY);
        assertThat(c.jobTimeout()).isEqualTo(ExportConfig.DEFAULT_JOB_TIMEOUT);
        assertThat(c.metricsFile()).contains(Path.of("data/exports/metrics.jsonl"));
        assertThat(c.archivePath()).isEqualTo(ExportConfig.DEFAULT_ARCHIVE_PATH);
        assertThat(c.cleanupSchedule()).isEqualTo("daily");
        assertThat(ExportConfig.from(Map.of())).isEqualTo(c);
    }

    @Test
    void valuesThenSettersTheLastCallWins() {
        ExportConfig c = ExportConfig.builder().values(Map.of("EXPORT_WORKERS", "4", "EXPORT_MAX_RECORDS", "1_000",
                "EXPORT_OUTPUT_DIR", "/srv/exports")).workers(8).build();
        assertThat(c.workers()).isEqualTo(8);
        assertThat(c.maxRecords()).isEqualTo(1_000);
        assertThat(c.metricsFile()).as("follows the output directory").contains(Path.of("/srv/exports/metrics.jsonl"));
        ExportConfig moved = c.toBuilder().outputDirectory(Path.of("/var/exports")).build();
        assertThat(moved.metricsFile()).contains(Path.of("/var/exports/metrics.jsonl"));
        assertThat(moved.toBuilder().build()).isEqualTo(moved);
        ExportConfig pinned = ExportConfig.builder().metricsFile(Path.of("/m.jsonl")).outputDirectory(Path.of("/x")).build();
        assertThat(pinned.toBuilder().outputDirectory(Path.of("/y")).build().metricsFile()).contains(Path.of("/m.jsonl"));
        assertThat(ExportConfig.from(Map.of("EXPORT_METRICS_FILE", "")).metricsFile()).as("empty: none").isEqualTo(Optional.empty());
        assertThat(ExportConfig.builder().noMetricsFile().build().metricsFile()).isEmpty();
        assertThat(ExportConfig.builder().jobTimeout(Duration.ofMinutes(5)).metricsRotation(1 << 20, 3).build())
                .satisfies(x -> {
                    assertThat(x.jobTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(x.metricsMaxBytes()).isEqualTo(1 << 20);
                    assertThat(x.metricsKeep()).isEqualTo(3);
                });
    }

    @Test
    void theHeartbeatIsAThirdOfTheGraceUnlessSetAndAlwaysShorterThanIt() {
        assertThat(ExportConfig.defaults().heartbeat()).isEqualTo(ExportConfig.DEFAULT_HEARTBEAT);
        ExportConfig twenty = ExportConfig.from(Map.of("EXPORT_RECOVERY_GRACE_SECONDS", "20"));
        assertThat(twenty.heartbeat()).as("a grace of 20 s works").isEqualTo(Duration.ofNanos(6_666_666_666L));
        assertThat(ExportConfig.from(Map.of("EXPORT_RECOVERY_GRACE_SECONDS", "600")).heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ExportConfig.from(Map.of("EXPORT_RECOVERY_GRACE_SECONDS", "60", "EXPORT_HEARTBEAT_SECONDS", "5")).heartbeat())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(ExportConfig.defaults().toBuilder().recoveryGrace(Duration.ofSeconds(3)).build().heartbeat())
                .as("a derived heartbeat follows a grace changed later").isEqualTo(Duration.ofSeconds(1));
        assertThat(ExportConfig.builder().heartbeat(Duration.ofSeconds(2)).build().toBuilder().recoveryGrace(Duration.ofSeconds(9)).build()
                .heartbeat()).as("a set one stays").isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> ExportConfig.from(Map.of("EXPORT_RECOVERY_GRACE_SECONDS", "20", "EXPORT_HEARTBEAT_SECONDS", "20")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("heartbeat (20 s, EXPORT_HEARTBEAT_SECONDS) must be shorter than the recovery grace (20 s, "
                        + "EXPORT_RECOVERY_GRACE_SECONDS)");
    }

    @Test
    void reportsValuesThatCannotBeReadAndValuesOutOfRangeInOneMessage() {
        assertThatThrownBy(() -> ExportConfig.builder().values(Map.of("EXPORT_MAX_RECORDS", "lots", "EXPORT_FSYNC", "perhaps"))
                .workers(-1).retentionDays(0).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EXPORT_MAX_RECORDS='lots' is not a whole number")
                .hasMessageContaining("EXPORT_FSYNC='perhaps' is not one of [true, false]")
                .hasMessageContaining("workers must be 0..256 (0: accept and serve, run nothing), got -1")
                .hasMessageContaining("retention days must be at least 1, got 0");
        assertThatThrownBy(() -> ExportConfig.from(Map.of("EXPORT_QUEUE_CAPACITY", "-3")))
                .hasMessageContaining("EXPORT_QUEUE_CAPACITY=-3 must not be negative");
    }

    @Test
    void theServiceBuildersSettersWinWhateverTheOrderOfTheCalls() {
        try (ExportService s = ExportService.builder().maxRecords(20).outputDirectory(Path.of("target/config-order"))
                .config(Map.of("EXPORT_MAX_RECORDS", "10", "EXPORT_WORKERS", "3")).dataSource(Fixtures.memory(1)).build()) {
            assertThat(s.config().maxRecords()).isEqualTo(20);
            assertThat(s.config().workers()).isEqualTo(3);
            assertThat(s.config().outputDirectory()).isEqualTo(Path.of("target/config-order"));
        }
    }

    @Test
    void requireEncryptionRefusesExportsWithoutAPasswordAndAnEncryptedCsvIsAZip(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (ExportService s = ExportService.builder().config(Map.of("EXPORT_REQUIRE_ENCRYPTION", "true")).outputDirectory(dir)
                .dataSource(Fixtures.memory(3)).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.submit(org.smsexport.ExportRequest.builder().type("students")
                    .format("csv").build())).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("EXPORT_REQUIRE_ENCRYPTION=true").hasMessageContaining("'password'");
            org.smsexport.ExportOutcome o = s.run(org.smsexport.ExportRequest.builder().type("students").format("csv")
                    .option("password", "s3cret-pass").build());
            assertThat(o).isInstanceOf(org.smsexport.ExportOutcome.Completed.class);
            assertThat(o.job().fileName()).hasValueSatisfying(n -> assertThat(n).endsWith(".csv.zip"));
            assertThat(o.job().toString()).doesNotContain("s3cret-pass");
        }
    }

    @Test
    void theServiceBuilderSettersAreTheConfigurationsOwn() {
        try (ExportService s = ExportService.builder().config(Map.of("EXPORT_WORKERS", "3", "EXPORT_MAX_RECORDS", "10"))
                .maxRecords(20).outputDirectory(Path.of("target/config-test")).dataSource(Fixtures.memory(1)).build()) {
            assertThat(s.config().workers()).isEqualTo(3);
            assertThat(s.config().maxRecords()).isEqualTo(20);
            assertThat(s.config().metricsFile()).contains(Path.of("target/config-test/metrics.jsonl"));
        }
    }
}
