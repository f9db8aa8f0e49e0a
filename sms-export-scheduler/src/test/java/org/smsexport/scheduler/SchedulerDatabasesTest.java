package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.test.MariaDbServer;
import org.smsexport.test.MutableClock;

/**
 * Schedules on SQLite and MariaDB as on H2: db-scheduler's table, the schedules and the run ledger in the database's
 * types; a schedule fires at its time by the clock, once, and is run now, paused and deleted.
 */
class SchedulerDatabasesTest {

    private static final AtomicInteger DB = new AtomicInteger();

    @TempDir
    Path dir;

    private Node node;

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private DataSource database(String kind) throws Exception {
        switch (kind) {
            case "sqlite":
                return JdbcDataSource.driverManager("jdbc:sqlite:" + dir.resolve("schedules.db"), null, null);
            case "mariadb":
                return JdbcDataSource.driverManager(MariaDbServer.get().freshDatabase(), "root", "");
            default:
                return JdbcDataSource.driverManager("jdbc:h2:mem:scheddb" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite", "mariadb"})
    void aScheduleFiresOnceAtItsTimeAndRunsNow(String kind) throws Exception {
        MutableClock clock = MutableClock.ticking(Instant.parse("2026-03-02T10:30:00Z"));
        node = new Node(database(kind), clock, dir.resolve("out"), "n1");
        String id = node.scheduler.schedule(ScheduleRequest.builder("alice", "courses", "csv").frequency("cron 0 11 * * *").build());
        assertThat(node.scheduler.get(id).orElseThrow().nextFire()).contains(Instant.parse("2026-03-02T11:00:00Z"));
        node.scheduler.start();
        clock.advance(Duration.ofMinutes(31));
        Node.await("the 11:00 run", () -> finished(id).size() == 1, () -> node.scheduler.runs(id, 10).toString());
        ScheduleRun run = finished(id).get(0);
        assertThat(run.slot()).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        // db-scheduler moves the execution time when execute() has returned, just after the ledger says COMPLETED
        Node.await("the next fire time to move to the next day",
                () -> node.scheduler.get(id).orElseThrow().nextFire().equals(Optional.of(Instant.parse("2026-03-03T11:00:00Z"))),
                () -> node.scheduler.get(id).orElseThrow().nextFire().toString());

        node.scheduler.runNow(id);
        Node.await("the run now", () -> finished(id).size() == 2, () -> node.scheduler.runs(id, 10).toString());
        node.scheduler.pause(id);
        assertThat(node.scheduler.get(id).orElseThrow().paused()).isTrue();
        assertThat(node.scheduler.cancel(id)).isTrue();
        assertThat(node.scheduler.get(id)).isEmpty();
    }

    private List<ScheduleRun> finished(String id) {
        return node.scheduler.runs(id, 100).stream().filter(r -> r.status() != RunStatus.RUNNING).collect(Collectors.toList());
    }
}
