package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.AuditEvent;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.test.JvmNode;

/**
 * A process frozen while it held the audit anchor's lock (a worker stopped by the operating system, as CI's
 * StalledWorkerTest does) must not stop another process's exports: its records wait a moment for the lock, then go on
 * without moving the anchor, which the next record moves forward again.
 */
class AuditAnchorLockTest {

    @TempDir
    Path dir;

    /** Holds the anchor's lock in a process of its own until killed. */
    public static void main(String[] args) throws Exception {
        try (FileChannel c = FileChannel.open(Path.of(args[0]).resolve(".audit-anchor.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            c.lock();
            System.out.println("READY");
            new java.util.concurrent.CountDownLatch(1).await(); // until the test kills this process
        }
    }

    @Test
    void aLockHeldByAFrozenProcessDelaysARecordButNeverStopsIt() throws Exception {
        ExportAudit audit = new ExportAudit(new JsonlAuditSink(dir.resolve("audit.jsonl")), java.time.Clock.systemUTC(), dir);
        ExportJob job = ExportJob.builder().id(JobId.random()).type("grades").format("csv").status(JobStatus.COMPLETED)
                .createdAt(Instant.now()).updatedAt(Instant.now()).owner("alice").build();
        audit.record(AuditEvent.CREATED, job, "alice");
        JvmNode holder = JvmNode.start(AuditAnchorLockTest.class, Map.of(), dir.toString());
        try {
            // waited a moment, not for ever (a lock waited for without end hung every other process's exports)
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> audit.record(AuditEvent.STARTED, job, "alice"));
            assertThat(audit.failures()).isZero();
        } finally {
            holder.process().destroyForcibly().waitFor();
        }
        audit.record(AuditEvent.COMPLETED, job, "alice");
        assertThat(audit.verify().message()).isEqualTo("The audit trail is whole: 3 record(s). It reaches its anchored head, record 3.");
    }
}
