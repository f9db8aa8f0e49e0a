package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.AuditEntry;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.AuditVerification;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.test.MutableClock;

/** The audit trail of a service, in its JSONL file: every event, who and from where, chained, and tamper-evident. */
class ExportAuditTest {

    @TempDir
    Path dir;

    private static List<String> events(List<AuditRecord> newestFirst) {
        List<String> out = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            AuditRecord r = newestFirst.get(i);
            out.add(r.entry().event().id() + ":" + r.entry().actor());
        }
        return out;
    }

    @Test
    void recordsEveryEventOfAJobWithWhoAndFromWhereAndNeverARow() throws Exception {
        Path file;
        JobId done;
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(50)).build()) {
            done = exports.run(ExportRequest.builder().type("students").format("csv").owner("alice").filter("status", "active")
                    .clientAddress("192.0.2.7").build()).job().id();
            ExportJob job = exports.job(done).orElseThrow();
            exports.audit().downloaded(job, "alice", Optional.of("192.0.2.8"), "host open");
            assertThat(exports.delete(done, "admin")).isTrue();
            file = ((JsonlAuditSink) exports.audit().sink()).file();

            List<AuditRecord> trail = exports.audit().list(new AuditQuery(Optional.of(done), Optional.empty(), Optional.empty(),
                    Optional.empty(), 100));
            assertThat(events(trail)).containsExactly("created:alice", "started:alice", "completed:alice", "downloaded:alice",
                    "deleted:admin");
            AuditEntry created = trail.get(trail.size() - 1).entry();
            assertThat(created.clientAddress()).contains("192.0.2.7");
            assertThat(created.filters()).containsEntry("status", "active");
            AuditEntry completed = trail.get(2).entry();
            assertThat(completed.rows()).hasValue(job.totalRecords());
            assertThat(completed.sha256()).isEqualTo(job.sha256());
            assertThat(completed.fileKey()).isEqualTo(job.fileName());
            assertThat(trail.get(1).entry().route()).contains("host open");
            assertThat(exports.audit().verify().intact()).isTrue();
        }
        assertThat(file).isEqualTo(dir.resolve("audit.jsonl"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file);
        assertThat(text).contains("\"event\":\"downloaded\"", "\"client_address\":\"192.0.2.8\"", "\"prev_hash\"", "\"file_key\"");
        // no row contents: none of the students' names or emails reaches the trail
        for (Object[] student : Fixtures.rows(org.smsexport.ExportType.STUDENTS, 50)) {
            assertThat(text).doesNotContain(String.valueOf(student[org.smsexport.ExportType.STUDENTS.indexOf("email")]));
        }
    }

    @Test
    void aCancelNamesWhoAskedAndTheTrailSurvivesARestart() throws Exception {
        Fixtures.PausingSource source = new Fixtures.PausingSource(10_000, 100, true, 0);
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(source).build()) {
            JobId id = exports.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build()).id();
            source.awaitPause();
            assertThat(exports.cancel(id, "bob")).isTrue();
            source.release();
            assertThat(exports.completion(id).get(30, TimeUnit.SECONDS).job().status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(events(exports.audit().list(AuditQuery.latest()))).containsExactly("created:alice", "started:alice",
                    "cancelled:bob");
        }
        try (ExportService again = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(5)).build()) {
            again.run(ExportRequest.builder().type("students").format("csv").owner("carol").build());
            List<AuditRecord> all = again.audit().list(AuditQuery.latest());
            assertThat(all).hasSize(6);
            assertThat(all.get(0).seq()).isEqualTo(6);
            assertThat(all.get(2).prevHash()).isEqualTo(all.get(3).hash());
            AuditVerification v = again.audit().verify();
            assertThat(v.intact()).isTrue();
            assertThat(v.checked()).isEqualTo(6);
        }
    }

    @Test
    void verifyNamesTheFirstChangedRemovedOrUnreadableRecord() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        JsonlAuditSink sink = new JsonlAuditSink(file);
        ExportAudit audit = ExportAudit.of(sink);
        ExportJob job = ExportJob.builder().id(JobId.random()).type("grades").format("xlsx").status(JobStatus.COMPLETED)
                .createdAt(Instant.now()).updatedAt(Instant.now()).owner("alice").totalRecords(120).build();
        for (AuditEvent e : List.of(AuditEvent.CREATED, AuditEvent.STARTED, AuditEvent.COMPLETED, AuditEvent.DOWNLOADED,
                AuditEvent.DELETED)) {
            audit.record(e, job, "alice");
        }
        assertThat(audit.verify().message()).isEqualTo("The audit trail is whole: 5 record(s).");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        // the row count of record 3 changed: its own hash no longer matches
        List<String> changed = new ArrayList<>(lines);
        changed.set(2, changed.get(2).replace("\"rows\":120", "\"rows\":12"));
        Files.write(file, changed, StandardCharsets.UTF_8);
        AuditVerification v = audit.verify();
        assertThat(v.firstBroken()).contains(3L);
        assertThat(v.message()).startsWith("Record 3 (completed of job " + job.id()).contains("hash does not match");

        // record 4 removed: record 5 follows record 3
        List<String> removed = new ArrayList<>(lines);
        removed.remove(3);
        Files.write(file, removed, StandardCharsets.UTF_8);
        assertThat(audit.verify().firstBroken()).contains(5L);
        assertThat(audit.verify().message()).contains("follows record 3");

        // record 2 rewritten whole, with a fresh hash of its own: the link from record 3 breaks
        List<String> forged = new ArrayList<>(lines);
        AuditRecord two = JsonlAuditSink.parse(lines.get(1));
        AuditRecord fake = AuditRecord.chain(2, new AuditEntry(two.entry().event(), two.entry().at(), "mallory", two.entry().jobId(),
                two.entry().exportType(), two.entry().exportFormat(), two.entry().filters(), two.entry().rows(), two.entry().sha256(),
                two.entry().fileKey(), two.entry().recipients(), two.entry().clientAddress(), two.entry().route()), two.prevHash());
        forged.set(1, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ExportAudit.json(fake)));
        Files.write(file, forged, StandardCharsets.UTF_8);
        assertThat(audit.verify().firstBroken()).contains(3L);
        assertThat(audit.verify().message()).contains("link to record 2");

        List<String> garbled = new ArrayList<>(lines);
        garbled.set(3, "{not json");
        Files.write(file, garbled, StandardCharsets.UTF_8);
        assertThat(audit.verify().firstBroken()).contains(4L);
        assertThat(audit.verify().message()).contains("cannot be read");
    }

    /** With its anchor, removing the first, a middle, the last or every record is found, and the message names the gap. */
    @Test
    void theAnchorFindsRecordsRemovedAtTheStartInTheMiddleAtTheEndOrAll() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        ExportAudit audit = ExportAudit.of(new JsonlAuditSink(file), dir);
        ExportJob job = ExportJob.builder().id(JobId.random()).type("grades").format("xlsx").status(JobStatus.COMPLETED)
                .createdAt(Instant.now()).updatedAt(Instant.now()).owner("alice").totalRecords(120).build();
        for (int i = 0; i < 6; i++) {
            audit.record(AuditEvent.DOWNLOADED, job, "alice");
        }
        assertThat(audit.verify().message()).isEqualTo("The audit trail is whole: 6 record(s). It reaches its anchored head, record 6.");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        java.util.function.Consumer<List<String>> write = l -> {
            try {
                Files.write(file, l, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        write.accept(lines.subList(0, 4));
        AuditVerification end = audit.verify();
        assertThat(end.firstBroken()).contains(5L);
        assertThat(end.message()).contains("Records 5 to 6 are missing").contains("ends at record 4").contains("reached record 6");

        write.accept(lines.subList(2, 6));
        AuditVerification start = audit.verify();
        assertThat(start.firstBroken()).contains(1L);
        assertThat(start.message()).contains("record(s) 1 to 2 before it are missing");

        List<String> middle = new ArrayList<>(lines);
        middle.remove(2);
        write.accept(middle);
        assertThat(audit.verify().firstBroken()).contains(4L);
        assertThat(audit.verify().message()).contains("follows record 2");

        write.accept(List.of());
        AuditVerification all = audit.verify();
        assertThat(all.firstBroken()).contains(1L);
        assertThat(all.message()).contains("Records 1 to 6 are missing: the trail is empty");

        // the anchor itself cannot be moved back without its key
        write.accept(lines.subList(0, 4));
        List<String> anchor = Files.readAllLines(dir.resolve(".audit-anchor"));
        Files.write(dir.resolve(".audit-anchor"), List.of(anchor.get(0).replace("head 6 ", "head 4 ")));
        assertThat(audit.verify().message()).contains("anchor").contains("has been altered");
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve(".audit-key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    /** The retention cuts the trail honestly: the anchor records where, so the remaining chain is whole, and a cut beyond it is not. */
    @Test
    void theRetentionLeavesACheckpointWhereItCut() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        org.smsexport.test.MutableClock clock = org.smsexport.test.MutableClock.ticking(Instant.parse("2026-01-01T00:00:00Z"));
        ExportAudit audit = new ExportAudit(new JsonlAuditSink(file), clock, dir);
        ExportJob job = ExportJob.builder().id(JobId.random()).type("grades").format("xlsx").status(JobStatus.COMPLETED)
                .createdAt(Instant.now()).updatedAt(Instant.now()).owner("alice").build();
        for (int i = 0; i < 3; i++) {
            audit.record(AuditEvent.DOWNLOADED, job, "alice");
        }
        clock.advance(java.time.Duration.ofDays(40));
        for (int i = 0; i < 3; i++) {
            audit.record(AuditEvent.DOWNLOADED, job, "alice");
        }
        assertThat(audit.applyRetention(30)).isEqualTo(3);
        assertThat(audit.verify().message()).isEqualTo("The audit trail is whole: 3 record(s). It reaches its anchored head, record 6.");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Files.write(file, lines.subList(1, 3), StandardCharsets.UTF_8);
        assertThat(audit.verify().message()).contains("record(s) 4 to 4 before it are missing").contains("cut by the retention after "
                + "record 3");
    }

    @Test
    void concurrentAppendsChainWithoutGapsAndTheRetentionIsSeparate() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        ExportAudit a = new ExportAudit(new JsonlAuditSink(file), clock, null);
        ExportAudit b = new ExportAudit(new JsonlAuditSink(file), clock, null);
        ExportJob job = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING)
                .createdAt(clock.instant()).updatedAt(clock.instant()).owner("alice").build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            ExportAudit audit = t % 2 == 0 ? a : b;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 25; i++) {
                    audit.record(AuditEvent.CREATED, job, "alice");
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(a.failures() + b.failures()).isZero();
        AuditVerification v = a.verify();
        assertThat(v.message()).isEqualTo("The audit trail is whole: 100 record(s).");

        clock.advance(Duration.ofDays(40));
        a.record(AuditEvent.DELETED, job, "retention");
        assertThat(a.applyRetention(0)).as("0 keeps every record").isZero();
        assertThat(a.applyRetention(30)).isEqualTo(100);
        assertThat(a.list(AuditQuery.latest())).singleElement().satisfies(r -> assertThat(r.seq()).isEqualTo(101));
        assertThat(a.verify().intact()).as("the oldest remaining record anchors the chain").isTrue();
        // each sink keeps the file open and remembers its last record: after the rewrite both follow the new file
        b.record(AuditEvent.DELETED, job, "bob");
        a.record(AuditEvent.DELETED, job, "alice");
        assertThat(a.list(AuditQuery.latest())).extracting(AuditRecord::seq).startsWith(103L, 102L, 101L);
        assertThat(b.verify().intact()).as("appends after the rewrite continue the chain").isTrue();
    }

    /** A trail that refuses one event: created, started or completed, as a full or failing store would. */
    private static final class Refusing implements org.smsexport.spi.AuditSink {
        private final JsonlAuditSink trail;
        private final AuditEvent refused;

        Refusing(Path file, AuditEvent refused) {
            this.trail = new JsonlAuditSink(file);
            this.refused = refused;
        }

        @Override
        public AuditRecord append(AuditEntry entry) {
            if (entry.event() == refused) {
                throw new IllegalStateException("value too long for the filters column");
            }
            return trail.append(entry);
        }

        @Override
        public List<AuditRecord> list(AuditQuery query) {
            return trail.list(query);
        }

        @Override
        public void forEach(java.util.function.Consumer<AuditRecord> each) {
            trail.forEach(each);
        }

        @Override
        public long deleteBefore(Instant before) {
            return trail.deleteBefore(before);
        }
    }

    @Test
    void everyExportIsAuditedOrIsNotMade() throws Exception {
        ExportRequest request = ExportRequest.builder().type("students").format("csv").owner("alice").build();
        Path out = dir.resolve("out");
        try (ExportService exports = ExportService.builder().outputDirectory(out).dataSource(Fixtures.memory(20))
                .auditSink(new Refusing(dir.resolve("a.jsonl"), AuditEvent.CREATED)).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> exports.submit(request))
                    .isInstanceOf(org.smsexport.ExportException.class).hasMessageContaining("could not record")
                    .hasMessageContaining("created").hasMessageContaining("value too long");
            assertThat(exports.jobs(org.smsexport.JobFilter.all())).as("no job the trail does not know of").isEmpty();
        }
        for (AuditEvent refused : List.of(AuditEvent.STARTED, AuditEvent.COMPLETED)) {
            Path trail = dir.resolve(refused.id() + ".jsonl");
            try (ExportService exports = ExportService.builder().outputDirectory(out).dataSource(Fixtures.memory(20))
                    .auditSink(new Refusing(trail, refused)).build()) {
                org.smsexport.ExportOutcome o = exports.run(request);
                assertThat(o).as(refused.id()).isInstanceOf(org.smsexport.ExportOutcome.Failed.class);
                assertThat(o.job().errorMessage().orElseThrow()).contains("could not record").contains(refused.id());
                try (var files = Files.list(out)) {
                    assertThat(files.filter(f -> f.getFileName().toString().endsWith(".csv"))).as("no file kept").isEmpty();
                }
                assertThat(exports.audit().failures()).isEqualTo(1);
                assertThat(exports.audit().list(AuditQuery.latest())).extracting(r -> r.entry().event())
                        .contains(AuditEvent.CREATED, AuditEvent.FAILED).doesNotContain(refused);
            }
        }
    }
}
