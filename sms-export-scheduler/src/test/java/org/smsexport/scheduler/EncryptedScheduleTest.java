package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportTemplate;
import org.smsexport.JobId;
import org.smsexport.core.ExportConfig;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;

/**
 * Under {@code EXPORT_REQUIRE_ENCRYPTION} a template without a password is saved (the export that uses it gives one), and
 * a schedule keeps its file password sealed under a key outside the database: the table holds ciphertext, the run's file
 * opens with the password, and a node with another key fails the run saying why.
 */
class EncryptedScheduleTest {

    @TempDir
    Path dir;

    private ExportService service(Path out, Map<String, String> settings) {
        return ExportService.builder().config(ExportConfig.builder().outputDirectory(out).requireEncryption(true).build())
                .settings(settings).dataSource(new Node.Source()).noMetricsFile().build();
    }

    @Test
    void templatesWithoutPasswordsAndSchedulesWithSealedOnesWorkWhenEveryExportIsEncrypted() throws Exception {
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:encrypted;DB_CLOSE_DELAY=-1", "sa", "");
        Path out = dir.resolve("out");
        try (ExportService exports = service(out, Map.of());
                ExportScheduler s = ExportScheduler.builder(exports).dataSource(db).build()) {
            Instant now = Instant.now();
            exports.templates().save(new ExportTemplate("office", "alice", "students", "csv", Map.of(), Map.of(), Optional.empty(),
                    Optional.empty(), now, now));
            ExportTemplate office = exports.templates().find("alice", "office").orElseThrow();
            // the export made from it gives the password
            ExportOutcome o = exports.run(ExportRequest.builder().template(office).owner("alice").option("password", "Οικία-2026")
                    .build());
            assertThat(o).isInstanceOf(ExportOutcome.Completed.class);

            String id = s.schedule(ScheduleRequest.builder("alice", "students", "csv").option("password", "Οικία-2026").build());
            try (Connection c = db.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT options FROM sms_export_schedules")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the database never holds the password").contains("sealed:v1:")
                        .doesNotContain("Οικία");
            }
            JobId job = s.runNow(id);
            ExportOutcome run = exports.completion(job).get(60, TimeUnit.SECONDS);
            assertThat(run).isInstanceOf(ExportOutcome.Completed.class);
            Path zip = ((ExportOutcome.Completed) run).file();
            assertThat(zip.getFileName().toString()).endsWith(".csv.zip");
            try (net.lingala.zip4j.ZipFile file = new net.lingala.zip4j.ZipFile(zip.toFile(), "Οικία-2026".toCharArray())) {
                assertThat(file.isEncrypted()).isTrue();
                net.lingala.zip4j.model.FileHeader entry = file.getFileHeaders().get(0);
                try (var in = file.getInputStream(entry)) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()).as("the header and 20 students").hasSize(21);
                }
            }
        }
        // another node whose key differs cannot open the password: the run fails saying so
        Path elsewhere = dir.resolve("elsewhere");
        byte[] other = new byte[32];
        new java.security.SecureRandom().nextBytes(other);
        try (ExportService exports = service(elsewhere, Map.of("EXPORT_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(other)));
                ExportScheduler s = ExportScheduler.builder(exports).dataSource(db).build()) {
            String id = s.list().get(0).id();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.runNow(id)).hasMessageContaining("cannot be opened with this "
                    + "node's key").hasMessageContaining("EXPORT_SECRET_KEY");
        }
        assertThat(Files.list(elsewhere).filter(f -> f.toString().endsWith(".zip"))).isEmpty();
    }
}
