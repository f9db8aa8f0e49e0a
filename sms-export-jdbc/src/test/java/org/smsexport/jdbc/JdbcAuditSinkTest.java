package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.core.ExportAudit;
import org.smsexport.core.ExportService;

/** The audit trail in {@code sms_export_audit}, on every database: a service's events, two nodes, tampering. */
class JdbcAuditSinkTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void aServiceWithAJdbcJobStoreKeepsItsTrailInTheTableWithColumnsNamedAsTheFields(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        SampleData.load(db, SmsSchema.standard(), 30);
        JobId id;
        JdbcJobStore jobs = JdbcJobStore.create(db);
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(jobs).auditSink(jobs.auditSink())
                .outputDirectory(dir).build()) {
            id = exports.run(ExportRequest.builder().type("students").format("csv").owner("alice").clientAddress("198.51.100.4")
                    .build()).job().id();
            assertThat(exports.audit().sink()).isInstanceOf(JdbcAuditSink.class);
            exports.delete(id, "admin");
        }
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT seq, event, at, actor, job_id, export_type, export_format, filters, " + org.smsexport.support.SqlDialect.of(db)
                        .quote("rows") + ", sha256, file_key, recipients, "
                        + "client_address, route, prev_hash, hash FROM sms_export_audit ORDER BY seq")) {
            while (rs.next()) {
                rows.add(rs.getLong("seq") + ":" + rs.getString("event") + ":" + rs.getString("actor") + ":" + rs.getString("client_address"));
                assertThat(rs.getString("job_id")).isEqualTo(id.value());
                assertThat(rs.getString("hash")).hasSize(64);
            }
        }
        assertThat(rows).containsExactly("1:created:alice:198.51.100.4", "2:started:alice:null", "3:completed:alice:null",
                "4:deleted:admin:null");
        assertThat(java.nio.file.Files.exists(dir.resolve("audit.jsonl"))).as("no second trail beside the table").isFalse();

        // rows deleted from the table are found by the anchor the service kept beside its exports
        ExportAudit anchored = ExportAudit.of(JdbcAuditSink.create(db), dir);
        assertThat(anchored.verify().message()).contains("whole: 4 record(s)").contains("anchored head, record 4");
        // one from the middle, then put back
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit_copy AS SELECT * FROM sms_export_audit");
            s.executeUpdate("DELETE FROM sms_export_audit WHERE seq = 2");
        }
        assertThat(anchored.verify().firstBroken()).contains(3L);
        assertThat(anchored.verify().message()).contains("follows record 1");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO sms_export_audit SELECT * FROM audit_copy WHERE seq = 2");
        }
        assertThat(anchored.verify().firstBroken()).isEmpty();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM sms_export_audit WHERE seq = 4");
        }
        assertThat(anchored.verify().firstBroken()).contains(4L);
        assertThat(anchored.verify().message()).contains("Records 4 to 4 are missing").contains("ends at record 3");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM sms_export_audit WHERE seq = 1");
        }
        assertThat(anchored.verify().message()).contains("record(s) 1 to 1 before it are missing");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM sms_export_audit");
        }
        assertThat(anchored.verify().message()).contains("Records 1 to 4 are missing: the trail is empty");
    }

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void twoNodesAppendingAtOnceMakeOneChainAndVerifyNamesTheRowChangedBehindItsBack(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        ExportAudit a = ExportAudit.of(JdbcAuditSink.create(db));
        ExportAudit b = ExportAudit.of(JdbcAuditSink.create(db));
        org.smsexport.ExportJob job = org.smsexport.ExportJob.builder().id(JobId.random()).type("grades").format("pdf")
                .status(org.smsexport.JobStatus.PENDING).createdAt(java.time.Instant.now()).updatedAt(java.time.Instant.now())
                .owner("alice").filters(java.util.Map.of("course_id", "7")).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            ExportAudit node = t % 2 == 0 ? a : b;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 15; i++) {
                    node.record(AuditEvent.CREATED, job, "alice");
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(a.failures() + b.failures()).isZero();
        assertThat(a.verify().message()).isEqualTo("The audit trail is whole: 60 record(s).");
        List<AuditRecord> mine = b.list(new AuditQuery(Optional.of(job.id()), Optional.of("alice"), Optional.empty(), Optional.empty(), 5));
        assertThat(mine).hasSize(5).first().satisfies(r -> assertThat(r.seq()).isEqualTo(60));
        assertThat(mine.get(0).entry().filters()).containsEntry("course_id", "7");

        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sms_export_audit SET actor = 'mallory' WHERE seq = 17");
        }
        assertThat(a.verify().firstBroken()).contains(17L);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sms_export_audit SET actor = 'alice' WHERE seq = 17");
            s.executeUpdate("DELETE FROM sms_export_audit WHERE seq = 40");
        }
        assertThat(a.verify().message()).startsWith("Record 41").contains("follows record 39");
    }
}
