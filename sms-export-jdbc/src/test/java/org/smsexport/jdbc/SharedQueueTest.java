package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;

/** Several nodes sharing one job store and one output directory: a queued job runs on exactly one of them. */
class SharedQueueTest {

    @TempDir
    Path dir;

    private ExportService node(DataSource db, String name, int workers) {
        return ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(JdbcJobStore.create(db)).outputDirectory(dir)
                .workers(workers).recoveryGrace(Duration.ofSeconds(60)).nodeName(name).queuePoll(Duration.ofMillis(50)).build();
    }

    private static ExportRequest students() {
        return ExportRequest.builder().type("students").format("csv").owner("alice").build();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void aNodeWithoutWorkersAcceptsAndAnotherRunsIt(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        SampleData.load(db, SmsSchema.standard(), 25);
        ExportService back = node(db, "back", 2);
        try (ExportService front = node(db, "front", 0)) {
            assertThat(back.config().workers()).isEqualTo(2);
            ExportJob queued = front.submit(students());
            assertThat(queued.status()).isEqualTo(JobStatus.PENDING);
            assertThat(queued.node()).isEmpty();
            ExportOutcome outcome = front.completion(queued.id()).get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(ExportOutcome.Completed.class);
            assertThat(outcome.job().node()).contains("back");
            assertThat(outcome.job().attempts()).isEqualTo(1);
            assertThat(Files.readAllLines(front.file(queued.id()))).hasSize(26);
            assertThat(front.nodes()).extracting(org.smsexport.ExportNode::name).containsExactly("back", "front");
            assertThat(front.nodes()).filteredOn(n -> n.name().equals("front")).singleElement()
                    .satisfies(n -> assertThat(n.workers()).isZero());
            assertThat(front.nodes().get(0).workers()).isEqualTo(2);
            assertThatThrownBy(() -> front.submit(students().toBuilder().option("password", "s3cret").build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("EXPORT_WORKERS=0");
            assertThat(JdbcJobStore.create(db).find(queued.id()).orElseThrow().request().orElseThrow())
                    .contains("\"type\":\"students\"").doesNotContain("password");
            back.close();
            assertThat(front.nodes()).as("a node that stops leaves the list").extracting(org.smsexport.ExportNode::name)
                    .containsExactly("front");
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void claimsRacingFromManyThreadsHandEachQueuedJobToOneNodeOldestFirst(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        JdbcJobStore store = JdbcJobStore.create(db);
        Instant t0 = Instant.parse("2026-12-01T08:00:00Z");
        List<JobId> queued = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ExportJob j = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING)
                    .createdAt(t0.plusSeconds(i)).updatedAt(t0.plusSeconds(i)).owner("alice").request("{\"type\":\"students\"}").build();
            store.insert(j);
            queued.add(j.id());
        }
        // one without a portable request (a password export) and one a node already has: never handed out
        store.insert(ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING).createdAt(t0)
                .updatedAt(t0).owner("alice").build());
        store.insert(ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING).createdAt(t0)
                .updatedAt(t0).owner("alice").node("other").request("{}").build());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        Map<JobId, String> owners = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger twice = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int n = 0; n < 6; n++) {
                String node = "n" + n;
                all.add(pool.submit(() -> {
                    for (List<ExportJob> got; !(got = store.claim(node, 4, Instant.now())).isEmpty();) {
                        for (ExportJob j : got) {
                            assertThat(j.node()).contains(node);
                            if (owners.putIfAbsent(j.id(), node) != null) {
                                twice.incrementAndGet();
                            }
                        }
                        assertThat(got).isSortedAccordingTo(java.util.Comparator.comparing(ExportJob::createdAt));
                    }
                    return null;
                }));
            }
            for (var f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(twice).as("no job handed to two nodes").hasValue(0);
        assertThat(owners.keySet()).containsExactlyInAnyOrderElementsOf(queued);
        for (JobId id : queued) {
            assertThat(store.find(id).orElseThrow().node()).contains(owners.get(id));
        }
        assertThat(store.claim("late", 10, Instant.now())).isEmpty();
        // the oldest first: a fresh queue gives its first job to the first claim
        DataSource db2 = kind.fresh();
        JdbcJobStore s2 = JdbcJobStore.create(db2);
        for (int i = 3; i > 0; i--) {
            s2.insert(ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING)
                    .createdAt(t0.plusSeconds(i)).updatedAt(t0).owner("alice").request("{}").build());
        }
        assertThat(s2.claim("a", 1, Instant.now())).singleElement().satisfies(j -> assertThat(j.createdAt()).isEqualTo(t0.plusSeconds(1)));
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void twoWorkingNodesRunEveryQueuedJobExactlyOnce(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        SampleData.load(db, SmsSchema.standard(), 10);
        List<JobId> ids = new ArrayList<>();
        try (ExportService front = node(db, "front", 0); ExportService b = node(db, "b", 2); ExportService c = node(db, "c", 2)) {
            assertThat(List.of(b.config().nodeName(), c.config().nodeName())).containsExactly("b", "c");
            for (int i = 0; i < 40; i++) {
                ids.add(front.submit(students()).id());
            }
            Map<String, Integer> byNode = new HashMap<>();
            for (JobId id : ids) {
                ExportOutcome o = front.completion(id).get(60, TimeUnit.SECONDS);
                assertThat(o.job().status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(o.job().attempts()).isEqualTo(1);
                byNode.merge(o.job().node().orElseThrow(), 1, Integer::sum);
            }
            assertThat(byNode.keySet()).isSubsetOf("b", "c");
            assertThat(byNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
        }
        // the audit trail, shared too, saw each job start once
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT job_id, COUNT(*) FROM export_audit WHERE event = 'started' GROUP BY job_id"); ResultSet rs = ps.executeQuery()) {
            int jobs = 0;
            while (rs.next()) {
                assertThat(rs.getLong(2)).as("starts of " + rs.getString(1)).isEqualTo(1);
                jobs++;
            }
            assertThat(jobs).isEqualTo(40);
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void aJobOfAStoppedNodeIsTakenBackUntilItsAttemptsRunOut(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        SampleData.load(db, SmsSchema.standard(), 10);
        JdbcJobStore store = JdbcJobStore.create(db);
        JobId again;
        JobId spent;
        try (ExportService front = node(db, "front", 0)) {
            again = front.submit(students()).id();
            spent = front.submit(students()).id();
        }
        // a node that died while running them: its heartbeat stopped five minutes ago
        Instant stale = Instant.now().minus(Duration.ofMinutes(5));
        for (JobId id : List.of(again, spent)) {
            ExportJob j = store.find(id).orElseThrow();
            store.update(j, j.toBuilder().status(JobStatus.RUNNING).node("dead").instanceId("deadnode0001").startedAt(stale)
                    .updatedAt(stale).attempts(id.equals(again) ? 1 : 2).build()).orElseThrow();
        }
        try (ExportService back = node(db, "back", 2)) {
            ExportOutcome o = back.completion(again).get(30, TimeUnit.SECONDS);
            assertThat(o.job().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(o.job().attempts()).isEqualTo(2);
            assertThat(o.job().node()).contains("back");
            ExportJob failed = back.job(spent).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("Interrupted").contains("attempt 2 of 2"));
        }
    }
}
