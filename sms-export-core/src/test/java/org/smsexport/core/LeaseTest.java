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
        InMemoryJobStore shared = new InMemoryJobStore();
        GatedDataSource frozen = GatedDataSource.before(Fixtures.memory(2_000), 500);
        MutableClock later = new MutableClock(Instant.now());
        try (ExportService a = ExportService.builder().dataSource(frozen).jobStore(shared).outputDirectory(dir).nodeName("a")
                .heartbeatInterval(Duration.ofMillis(50)).recoveryGrace(Duration.ofSeconds(1)).maxRecords(0).build();
                ExportService b = ExportService.builder().dataSource(Fixtures.memory(2_000)).jobStore(shared).outputDirectory(dir)
                        .nodeName("b").clock(later).heartbeatInterval(Duration.ofMillis(50)).recoveryGrace(Duration.ofSeconds(1))
                        .queuePoll(Duration.ofMillis(20)).maxRecords(0).build()) {
            ExportJob job = a.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            assertThat(frozen.awaitReached(Duration.ofSeconds(30))).isTrue();
            // to b, a now looks silent for an hour (as a paused node does): b takes the job back and runs it to its end
            later.advance(Duration.ofHours(1));
            Await.until("b completed the job", () -> shared.find(job.id()).map(j -> j.status() == JobStatus.COMPLETED).orElse(false));
            frozen.open();
            ExportJob done = a.completion(job.id()).get(30, TimeUnit.SECONDS).job();
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.node()).contains("b");
            assertThat(done.attempts()).isEqualTo(2);
            Await.until("a has let the job go", () -> a.job(job.id()).map(j -> j.node().orElse("").equals("b")).orElse(false));
            Path file = b.file(job.id());
            assertThat(done.sha256()).contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            assertThat(shared.find(job.id()).orElseThrow().sha256()).isEqualTo(done.sha256());
            List<String> metrics = Files.readAllLines(dir.resolve("metrics.jsonl")).stream().filter(l -> l.contains(job.id().value())).toList();
            assertThat(metrics).as("one metrics line, b's").hasSize(1);
            assertThat(b.audit().list(AuditQuery.latest())).filteredOn(r -> r.entry().jobId().equals(job.id())
                    && r.entry().event() == AuditEvent.COMPLETED).hasSize(1);
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("a's temporary file is gone").noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }
}
