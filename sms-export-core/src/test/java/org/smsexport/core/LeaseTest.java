package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.test.Await;
import org.smsexport.test.GatedDataSource;
import org.smsexport.test.MutableClock;

/**
 * A node that falls silent longer than the grace (a GC pause, a frozen VM) and comes back: another node has taken its
 * job over and run it; the silent one, on waking, writes nothing more — no progress, no file, no record, no metrics
 * line, no audit record — and the job's hash is the published file's.
 */
class LeaseTest {

    @TempDir
    Path dir;

    @Test
    void aNodeThatLostItsJobWritesNothingWhenItWakes() throws Exception {
        // the shared store's clock judges every lease
        MutableClock storeClock = MutableClock.ticking(Instant.now());
        InMemoryJobStore shared = new InMemoryJobStore(storeClock);
        Freezable aView = new Freezable(shared);
        GatedDataSource frozen = GatedDataSource.before(Fixtures.memory(2_000), 500);
        try (ExportService a = ExportService.builder().dataSource(frozen).jobStore(aView).outputDirectory(dir).nodeName("a")
                .heartbeatInterval(Duration.ofMillis(50)).recoveryGrace(Duration.ofSeconds(1)).maxRecords(0).build();
                ExportService b = ExportService.builder().dataSource(Fixtures.memory(2_000)).jobStore(shared).outputDirectory(dir)
                        .nodeName("b").heartbeatInterval(Duration.ofMillis(50)).recoveryGrace(Duration.ofSeconds(1))
                        .queuePoll(Duration.ofMillis(20)).maxRecords(0).build()) {
            ExportJob job = a.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            assertThat(frozen.awaitReached(Duration.ofSeconds(30))).isTrue();
            // a stops dead (a GC pause, a frozen VM: not one more heartbeat) and stays silent for an hour of the store's
            // time: b takes the job back and runs it to its end
            aView.freeze();
            storeClock.advance(Duration.ofHours(1));
            Await.until("b completed the job", () -> shared.find(job.id()).map(j -> j.job().status() == JobStatus.COMPLETED).orElse(false));
            // a wakes up, its export going on where it stopped
            aView.thaw();
            frozen.open();
            ExportJob done = a.completion(job.id()).get(30, TimeUnit.SECONDS).job();
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.node()).contains("b");
            assertThat(done.attempts()).isEqualTo(2);
            Await.until("a has let the job go", () -> a.job(job.id()).map(j -> j.node().orElse("").equals("b")).orElse(false));
            Path file = b.file(job.id());
            assertThat(done.sha256()).contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            assertThat(shared.find(job.id()).orElseThrow().job().sha256()).isEqualTo(done.sha256());
            List<String> metrics = Files.readAllLines(dir.resolve("metrics.jsonl")).stream().filter(l -> l.contains(job.id().value())).toList();
            assertThat(metrics).as("one metrics line, b's").hasSize(1);
            assertThat(b.audit().list(AuditQuery.latest())).filteredOn(r -> r.entry().jobId().equals(job.id())
                    && r.entry().event() == AuditEvent.COMPLETED).hasSize(1);
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("a's temporary file is gone").noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }

    /** A node's view of the shared store that can stop dead: while frozen every call waits, as in a paused process. */
    private static final class Freezable implements org.smsexport.spi.JobStore, org.smsexport.spi.JobQueue,
            org.smsexport.spi.NodeRegistry {
        private final InMemoryJobStore shared;
        private boolean frozen;

        Freezable(InMemoryJobStore shared) {
            this.shared = shared;
        }

        synchronized void freeze() {
            frozen = true;
        }

        synchronized void thaw() {
            frozen = false;
            notifyAll();
        }

        private synchronized void await() {
            while (frozen) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while frozen", e);
                }
            }
        }

        @Override
        public void insert(org.smsexport.spi.StoredJob job) {
            await();
            shared.insert(job);
        }

        @Override
        public java.util.Optional<org.smsexport.spi.StoredJob> find(org.smsexport.JobId id) {
            await();
            return shared.find(id);
        }

        @Override
        public java.util.Optional<org.smsexport.spi.StoredJob> update(org.smsexport.spi.StoredJob current,
                org.smsexport.spi.StoredJob next) {
            await();
            return shared.update(current, next);
        }

        @Override
        public List<org.smsexport.spi.StoredJob> list(org.smsexport.JobFilter filter) {
            await();
            return shared.list(filter);
        }

        @Override
        public long count(org.smsexport.JobFilter filter) {
            await();
            return shared.count(filter);
        }

        @Override
        public boolean delete(org.smsexport.JobId id) {
            await();
            return shared.delete(id);
        }

        @Override
        public List<org.smsexport.spi.StoredJob> claim(String node, int max) {
            await();
            return shared.claim(node, max);
        }

        @Override
        public List<org.smsexport.spi.StoredJob> expired(Duration grace, int max) {
            await();
            return shared.expired(grace, max);
        }

        @Override
        public void heartbeat(org.smsexport.ExportNode node) {
            await();
            shared.heartbeat(node);
        }

        @Override
        public void remove(String name) {
            await();
            shared.remove(name);
        }

        @Override
        public List<org.smsexport.ExportNode> nodes() {
            await();
            return shared.nodes();
        }

        @Override
        public int forgetSilent(Duration silence) {
            await();
            return shared.forgetSilent(silence);
        }
    }
}
