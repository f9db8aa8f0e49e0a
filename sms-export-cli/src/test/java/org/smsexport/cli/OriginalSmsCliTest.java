package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.test.Await;
import org.smsexport.test.OriginalSms;

/**
 * Every command on the original SMS's database, with no mapping file: each one leaves the host's tables exactly as they
 * were (a dump of their definitions and rows before and after), and every table it makes carries the prefix.
 */
class OriginalSmsCliTest {

    @TempDir
    Path dir;

    @AfterEach
    void realEnvironment() {
        DatabaseOptions.environment = System.getenv();
    }

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    /** On the original's database as H2, SQLite (its default) and MariaDB hold it. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite", "mariadb"})
    void everyCommandLeavesTheHostsTablesAsTheyWere(String kind) throws Exception {
        String url = switch (kind) {
            case "sqlite" -> "jdbc:sqlite:" + dir.resolve("sms.db").toAbsolutePath();
            case "mariadb" -> org.smsexport.test.MariaDbServer.get().freshDatabase();
            default -> "jdbc:h2:file:" + dir.resolve("sms").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        };
        String user = kind.equals("mariadb") ? "root" : kind.equals("h2") ? "sa" : "";
        DataSource db = JdbcDataSource.driverManager(url, user, "");
        OriginalSms.create(db);
        Map<String, String> before = OriginalSms.dump(db);
        String[] conn = {"--db", url, "--user", user, "--password", ""};
        String out = dir.resolve("exports").toString();

        Cli.Run check = run(concat(new String[] {"schema", "check"}, conn));
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).contains("attendance: ok, from table attendances", "missing: class_division", "Every type can export.");
        JsonNode checked = new ObjectMapper().readTree(run(concat(new String[] {"schema", "check", "--json"}, conn)).out());
        assertThat(checked.get("exportable").asBoolean()).isTrue();
        assertThat(checked.get("types").get(0).get("delta").asBoolean()).isFalse();
        assertThat(run("schema", "--print-ddl").out()).contains("CREATE TABLE IF NOT EXISTS sms_export_jobs (",
                "CREATE TABLE IF NOT EXISTS sms_export_audit (", "CREATE TABLE IF NOT EXISTS sms_export_schedules (")
                .doesNotContain("CREATE TABLE IF NOT EXISTS export_jobs");

        for (Map.Entry<String, Integer> type : OriginalSms.EXPORTED.entrySet()) {
            Cli.Run export = run(concat(new String[] {"export", "--type", type.getKey(), "--format", "csv", "--out", out, "--json"}, conn));
            assertThat(export.code()).as(export.err()).isZero();
            JsonNode r = new ObjectMapper().readTree(export.out());
            assertThat(r.get("rows").asInt()).as(type.getKey()).isEqualTo(type.getValue());
        }
        Cli.Run delta = run(concat(new String[] {"export", "--type", "grades", "--format", "csv", "--changed-since", "2025-01-01",
            "--out", out}, conn));
        assertThat(delta.code()).isEqualTo(2);
        assertThat(delta.err()).contains("created_at", "updated_at");

        assertThat(run(concat(new String[] {"template", "add", "weekly-grades", "--type", "grades", "--format", "xlsx"}, conn)).code())
                .isZero();
        assertThat(run(concat(new String[] {"export", "--template", "weekly-grades", "--out", out}, conn)).code()).isZero();
        Cli.Run added = run(concat(new String[] {"schedule", "add", "--type", "courses", "--format", "pdf", "--frequency", "daily",
            "--zone", "Europe/Athens"}, conn));
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(run(concat(new String[] {"schedule", "list"}, conn)).out()).contains("courses");
        Cli.Run audit = run(concat(new String[] {"audit", "--verify"}, conn));
        assertThat(audit.code()).as(audit.out() + audit.err()).isZero();

        // a worker, and serve with the SMS's own tokens: started, used, stopped
        Thread worker = new Thread(() -> run(concat(new String[] {"worker", "--node", "w1", "--workers", "1", "--out", out}, conn)));
        worker.start();
        Await.until("the worker reports itself", () -> {
            try (var c = db.getConnection(); var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM sms_export_nodes "
                    + "WHERE name = 'w1'")) {
                return rs.next() && rs.getInt(1) == 1;
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        worker.interrupt();
        worker.join(30_000);
        assertThat(worker.isAlive()).isFalse();

        Path secret = dir.resolve("jwt-secret");
        Files.writeString(secret, new String(AdminPageReplayTest.SECRET, java.nio.charset.StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Thread serve = new Thread(() -> run(concat(new String[] {"serve", "--port", String.valueOf(port), "--jwt-secret-file", secret.toString(),
            "--run-schedules", "false", "--out", out}, conn)));
        serve.start();
        HttpClient http = HttpClient.newHttpClient();
        String token = AdminPageReplayTest.smsToken("teacher@school.example", Instant.now().plusSeconds(300));
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> answer = new java.util.concurrent.atomic.AtomicReference<>();
        Await.until("serve answers the SMS's token", () -> {
            try {
                answer.set(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/import-export/exports"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        serve.interrupt();
        serve.join(30_000);
        assertThat(serve.isAlive()).isFalse();

        Map<String, String> after = OriginalSms.dump(db);
        for (Map.Entry<String, String> t : before.entrySet()) {
            assertThat(after.get(t.getKey())).as("the host's table " + t.getKey() + " is as it was").isEqualTo(t.getValue());
        }
        List<String> ours = after.keySet().stream().filter(t -> !before.containsKey(t)).toList();
        assertThat(ours).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("sms_export_"));
    }

    @Test
    void aMappingFileOnTheCommandLineOrInTheEnvironment() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("mapped").toAbsolutePath();
        DataSource db = JdbcDataSource.driverManager(url, "sa", "");
        OriginalSms.create(db);
        try (var c = db.getConnection(); var s = c.createStatement()) {
            s.execute("ALTER TABLE attendances RENAME TO presence");
        }
        String[] conn = {"--db", url, "--user", "sa", "--password", ""};
        Cli.Run lacking = run(concat(new String[] {"schema", "check"}, conn));
        assertThat(lacking.code()).isEqualTo(1);
        assertThat(lacking.out()).contains("attendance: CANNOT EXPORT", "no table attendance or attendances", "attendance.table = NAME");
        Path map = dir.resolve("map.properties");
        Files.writeString(map, "attendance.table = presence\n");
        assertThat(run(concat(new String[] {"schema", "check", "--schema-map", map.toString()}, conn)).code()).isZero();
        DatabaseOptions.environment = Map.of("EXPORT_SCHEMA_MAP", map.toString());
        Cli.Run export = run(concat(new String[] {"export", "--type", "attendance", "--format", "csv", "--out", dir.resolve("o").toString(),
            "--json"}, conn));
        assertThat(export.code()).as(export.err()).isZero();
        Files.writeString(map, "attendance.tabel = presence\n");
        Cli.Run bad = run(concat(new String[] {"schema", "check"}, conn));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("attendance has no column 'tabel'");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
