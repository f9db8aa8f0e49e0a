package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.test.SlowDataSource;

/**
 * Three worker nodes in JVMs of their own on one real PostgreSQL, and a front node that only accepts: every job
 * completes exactly once, and when one node is killed mid-run ({@code destroyForcibly}) its jobs are taken back
 * and complete on the others, with attempts 2.
 */
class ProcessClusterTest {

    @TempDir
    Path dir;

    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void killAll() {
        nodes.forEach(Process::destroyForcibly);
    }

    private Process start(String url, Path out, String name) throws Exception {
        Process p = org.smsexport.test.JvmNode.start(ClusterNode.class, java.util.Map.of(), url, out.toString(), name).process();
        nodes.add(p);
        return p;
    }

    /** PostgreSQL: three nodes, 30 jobs; MariaDB: two workers, 60 jobs; one node killed mid-run either way. */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void everyJobCompletesOnceAndAKilledNodesJobsCompleteElsewhere(String kind) throws Exception {
        String url;
        if (kind.equals("postgresql")) {
            String name = "cluster" + System.nanoTime();
            try (Connection c = Databases.server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            url = Databases.server().getJdbcUrl("postgres", name);
        } else {
            url = org.smsexport.test.MariaDbServer.get().freshDatabase(); // any user: the test server checks no password
        }
        DataSource db = JdbcDataSource.driverManager(url, "postgres", "");
        Path out = dir.resolve("shared");
        Files.createDirectories(out);
        JdbcJobStore store = JdbcJobStore.create(db);
        List<String> names = kind.equals("postgresql") ? List.of("n1", "n2", "n3") : List.of("n1", "n2");
        int jobs = kind.equals("postgresql") ? 30 : 60;
        for (String n : names) {
            start(url, out, n);
        }
        List<JobId> ids = new ArrayList<>();
        try (ExportService front = ExportService.builder().dataSource(SlowDataSource.of(ExportType.STUDENTS, ExportType.STUDENTS, 100,
                Duration.ofMillis(20))).jobStore(store).outputDirectory(out).workers(0).nodeName("front")
                .recoveryGrace(Duration.ofSeconds(3)).build()) {
            for (int i = 0; i < jobs; i++) {
                ids.add(front.submit(ExportRequest.builder().type("students").format("csv").build()).id());
            }
            // kill n1 while it runs jobs
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<JobId> onN1 = List.of();
            while (onN1.isEmpty()) {
                assertThat(System.nanoTime()).as("n1 runs a job within 60 s").isLessThan(until);
                onN1 = store.list(JobFilter.all().withStatuses(JobStatus.RUNNING).withPage(0, 100)).stream()
                        .map(org.smsexport.spi.StoredJob::job).filter(j -> j.node().orElse("").equals("n1")).map(ExportJob::id).toList();
                Thread.sleep(20);
            }
            nodes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            for (JobId id : ids) {
                ExportJob done = front.completion(id).get(120, TimeUnit.SECONDS).job();
                assertThat(done.status()).as(id + ": " + done.errorMessage().orElse("")).isEqualTo(JobStatus.COMPLETED);
                Path file = out.resolve(done.fileName().orElseThrow());
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                        .isEqualTo(done.sha256().orElseThrow());
                assertThat(Files.readAllLines(file)).hasSize(101);
            }
            org.smsexport.test.JvmNode.assertTakenBack(store, onN1, "n1", names.subList(1, names.size()));
            assertThat(store.list(JobFilter.all().withPage(0, 100))).hasSize(jobs).allMatch(j -> j.job().attempts() <= 2);
            try (var files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList())
                        .as("no temporary file left by the killed node").isEmpty();
            }
        }
    }
}
