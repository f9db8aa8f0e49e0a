package org.smsexport.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.test.GatedDataSource;
import org.smsexport.test.SlowDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two instances of the application on one PostgreSQL, as in a rolling deploy: the second starts while the first runs a
 * long export, which still completes on the first with attempts 1 (the starter's grace keeps a starting replica off a
 * live one's jobs); and a download link the first signed works on the second, which shares only
 * {@code sms.export.links.secret} (and the file, as shared storage would).
 */
class TwoInstancesTest {

    private static final String SECRET = Base64.getEncoder().encodeToString("a secret shared by every replica!".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    /** The first instance's slow export, held mid-way until the second has started. */
    static volatile GatedDataSource gate;

    @Configuration(proxyBeanMethods = false)
    static class Held {
        @Bean
        org.smsexport.spi.DataSource heldStudents() {
            return gate;
        }
    }

    @AfterEach
    void stopAll() {
        running.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext start(String node, String url, Path out, Class<?>... extra) {
        List<Class<?>> sources = new ArrayList<>(List.of(SampleApplication.class));
        sources.addAll(List.of(extra));
        // arguments, as a deployment passes them: they win over the sample's application.yml
        ConfigurableApplicationContext c = new SpringApplicationBuilder(sources.toArray(new Class<?>[0])).run("--server.port=0",
                "--spring.datasource.url=" + url, "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--sms.export.output-dir=" + out, "--sms.export.node-name=" + node, "--sms.export.links.secret=" + SECRET);
        running.add(c);
        return c;
    }

    private static int port(ConfigurableApplicationContext c) {
        return Integer.parseInt(c.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void aSecondInstanceLeavesTheFirstsExportAloneAndHonoursItsLinks() throws Exception {
        String name = "replicas" + System.nanoTime();
        try (Connection c = SampleApplicationPostgresqlTest.server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = SampleApplicationPostgresqlTest.server().getJdbcUrl("postgres", name);
        gate = GatedDataSource.before(SlowDataSource.students("held_students", 300, Duration.ZERO), 150);
        Path outA = dir.resolve("a");
        Path outB = dir.resolve("b");
        ConfigurableApplicationContext a = start("a", url, outA, Held.class);
        ExportService exportsA = a.getBean(ExportService.class);
        ExportJob job = exportsA.submit(ExportRequest.builder().type("held_students").format("csv").owner("alice").build());
        assertThat(gate.awaitReached(Duration.ofSeconds(60))).as("the export is half-way").isTrue();

        ConfigurableApplicationContext b = start("b", url, outB);
        ExportService exportsB = b.getBean(ExportService.class);
        ExportJob seen = exportsB.job(job.id()).orElseThrow();
        assertThat(seen.status()).as("the second instance leaves the running job alone").isEqualTo(JobStatus.RUNNING);
        assertThat(seen.node()).contains("a");
        assertThat(exportsB.nodes()).extracting(org.smsexport.ExportNode::name).contains("a", "b");

        gate.open();
        ExportJob done = exportsA.completion(job.id()).get(60, TimeUnit.SECONDS).job();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.node()).contains("a");
        assertThat(done.attempts()).isEqualTo(1);

        // a link the first instance signed, followed on the second
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port(a)
                + "/api/v1/import-export/exports/" + job.id())).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        String link = new ObjectMapper().readTree(status.body()).get("data").get("download_url").asText();
        assertThat(link).startsWith("http://localhost:" + port(a) + "/");
        Path file = exportsA.file(job.id());
        assertThat(file).isEqualTo(outA.resolve(done.fileName().orElseThrow()));
        assertThat(outB.resolve(".link-secret")).as("the second signs with the configured secret, not one of its own").doesNotExist();
        Files.copy(file, outB.resolve(file.getFileName())); // where shared storage would have it
        String onB = link.replace("localhost:" + port(a), "localhost:" + port(b));
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(onB)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(Files.readAllBytes(file));
        HttpResponse<byte[]> forged = http.send(HttpRequest.newBuilder(URI.create(onB.substring(0, onB.length() - 4) + "AAAA")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(forged.statusCode()).as("a changed token").isEqualTo(403);
    }
}
