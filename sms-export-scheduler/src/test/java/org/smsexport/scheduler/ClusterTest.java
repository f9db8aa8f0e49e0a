package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smsexport.scheduler.internal.ScheduleStore;
import org.smsexport.test.MutableClock;

/** Several scheduler nodes on one real PostgreSQL server (started by the test): every slot runs exactly once. */
class ClusterTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    private static DataSource freshDatabase() throws SQLException {
        String name = "cluster" + DB.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    @Test
    void theLedgerLetsExactlyOneNodeClaimASlot() throws Exception {
        ScheduleStore store = new ScheduleStore(freshDatabase());
        store.createTables();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int slot = 0; slot < 30; slot++) {
                Instant t = Instant.parse("2026-03-02T11:00:00Z").plusSeconds(slot);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int node = 0; node < 3; node++) {
                    String name = "node" + node;
                    claims.add(pool.submit(() -> {
                        go.await();
                        return store.claim("export_students_csv_alice_1", t, "scheduled", name, RunStatus.RUNNING, null, t);
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get() ? 1 : 0;
                }
                assertThat(won).as("claims won for slot %s", t).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {2, 3})
    void everySlotRunsExactlyOnceAcrossNodes(int nodeCount) throws Exception {
        DataSource db = freshDatabase();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new Node(db, Clock.systemUTC(), dir.resolve("n" + i), "node-" + i));
        }
        List<String> ids = List.of(
                nodes.get(0).scheduler.schedule(ScheduleRequest.builder("alice", "students", "csv").frequency("cron * * * * * *").build()),
                nodes.get(0).scheduler.schedule(ScheduleRequest.builder("bob", "courses", "csv").frequency("cron */2 * * * * *").build()));
        try {
            nodes.forEach(n -> n.scheduler.start());
            for (String id : ids) {
                org.smsexport.test.Await.until("two completed runs of " + id, () -> nodes.get(0).scheduler.runs(id, 1000).stream()
                        .filter(r -> r.status() == RunStatus.COMPLETED).count() >= 2, java.time.Duration.ofSeconds(90));
            }
        } finally {
            nodes.forEach(Node::close);
        }
        int exports = nodes.stream().mapToInt(n -> n.source.opens.get()).sum();
        int completed = 0;
        for (String id : ids) {
            List<ScheduleRun> runs = nodes.get(0).scheduler.runs(id, 1000);
            assertThat(runs).extracting(ScheduleRun::slot).doesNotHaveDuplicates();
            assertThat(runs).allSatisfy(r -> assertThat(r.status()).isIn(RunStatus.COMPLETED, RunStatus.SKIPPED));
            completed += (int) runs.stream().filter(r -> r.status() == RunStatus.COMPLETED).count();
            assertThat(runs.stream().filter(r -> r.status() == RunStatus.COMPLETED).count()).as("runs of %s", id).isGreaterThanOrEqualTo(2);
        }
        assertThat(exports).as("exports started on all nodes together = slots completed in the ledger").isEqualTo(completed);
    }

    @Test
    void aSlotHandedToASecondNodeAfterALostHeartbeatStillRunsOnce() throws Exception {
        DataSource db = freshDatabase();
        MutableClock clock = MutableClock.ticking(Instant.parse("2026-03-02T10:30:00Z"));
        Node a = new Node(db, clock, dir.resolve("a"), "node-a");
        Node b = new Node(db, clock, dir.resolve("b"), "node-b");
        try {
            String id = a.scheduler.schedule(ScheduleRequest.builder("alice", "students", "csv").frequency("hourly").build());
            CountDownLatch gate = new CountDownLatch(1);
            a.source.gate = gate;
            a.scheduler.start();
            clock.set(Instant.parse("2026-03-02T11:00:01Z"));
            Node.await("node a to run the 11:00 slot", () -> a.source.running.get() == 1);
            // what db-scheduler's issues #365 and #402 describe: the execution is released while node a still runs it
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + ScheduleStore.TASK_TABLE + " SET picked = false, picked_by = NULL, last_heartbeat = NULL");
            }
            b.scheduler.start();
            Node.await("node b to pick the same slot and move on", () -> b.scheduler.get(id).orElseThrow().nextFire().orElseThrow()
                    .equals(Instant.parse("2026-03-02T12:00:00Z")));
            gate.countDown();
            Node.await("node a to finish", () -> a.scheduler.runs(id, 10).get(0).status() == RunStatus.COMPLETED);
            assertThat(a.source.opens.get() + b.source.opens.get()).as("exports of the 11:00 slot").isEqualTo(1);
            assertThat(a.scheduler.runs(id, 10)).singleElement().satisfies(r -> assertThat(r.node()).isEqualTo("node-a"));
        } finally {
            a.close();
            b.close();
        }
    }
}
