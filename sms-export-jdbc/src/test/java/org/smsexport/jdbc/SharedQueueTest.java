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
        return ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(JdbcJobStore.create(db)).sharedDatabase(db)
                .auditSink(JdbcAuditSink.create(db)).outputDirectory(dir).workers(workers).recoveryGrace(Duration.ofSeconds(60)).nodeName(name).queuePoll(Duration.ofMillis(50)).build();
    }

    private static ExportRequest students() {
        return ExportRequest.builder().type("students").format("csv").owner("alice").build();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void aNodeWithoutWorkersAcceptsAndAnotherRunsIt(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
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
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void twoWorkingNodesRunEveryQueuedJobExactlyOnce(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
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
                "SELECT job_id, COUNT(*) FROM sms_export_audit WHERE event = 'started' GROUP BY job_id"); ResultSet rs = ps.executeQuery()) {
            int jobs = 0;
            while (rs.next()) {
                assertThat(rs.getLong(2)).as("starts of " + rs.getString(1)).isEqualTo(1);
                jobs++;
            }
            assertThat(jobs).isEqualTo(40);
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void aJobOfAStoppedNodeIsTakenBackUntilItsAttemptsRunOut(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
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
            org.smsexport.spi.StoredJob j = store.find(id).orElseThrow();
            store.update(j, j.with(j.job().toBuilder().status(JobStatus.RUNNING).node("dead").startedAt(stale)
                    .updatedAt(stale).attempts(id.equals(again) ? 1 : 2).build()).withInstanceId("deadnode0001")).orElseThrow();
            Databases.ageLease(db, id, Duration.ofMinutes(5));
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
