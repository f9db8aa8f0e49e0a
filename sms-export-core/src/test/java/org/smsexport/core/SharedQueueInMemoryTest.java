package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobId;
import org.smsexport.JobStatus;

/** The in-memory store is a shared queue within one process: services on it behave as nodes on a database do. */
class SharedQueueInMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aServiceWithoutWorkersQueuesAndTheOthersRunEachJobOnce() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        InMemoryDataSource data = Fixtures.memory(20);
        try (ExportService front = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(0)
                .nodeName("front").build();
                ExportService a = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(1)
                        .nodeName("a").queuePoll(Duration.ofMillis(20)).build();
                ExportService b = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(1)
                        .nodeName("b").queuePoll(Duration.ofMillis(20)).build()) {
            assertThat(a.config().workers() + b.config().workers()).isEqualTo(2);
            List<JobId> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(front.submit(ExportRequest.builder().type("students").format("csv").build()).id());
            }
            for (JobId id : ids) {
                ExportOutcome o = front.completion(id).get(30, TimeUnit.SECONDS);
                assertThat(o.job().status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(o.job().node().orElseThrow()).isIn("a", "b");
                assertThat(o.job().attempts()).isEqualTo(1);
            }
            // a node's own submissions start at once, on itself
            ExportOutcome own = a.completion(a.submit(ExportRequest.builder().type("courses").format("csv").build()).id())
                    .get(30, TimeUnit.SECONDS);
            assertThat(own.job().node()).contains("a");
        }
    }

    @Test
    void aClaimedJobThatCannotBeStartedOrFailedDoesNotStrandTheRestOfItsBatch() throws Exception {
        InMemoryJobStore shared = new InMemoryJobStore();
        ExportType extra = ExportType.builder("extra").columns(ExportType.STUDENTS.columns().toArray(new org.smsexport.Column[0])).build();
        List<Object[]> rows = new ArrayList<>();
        org.smsexport.sample.SmsData.standard().rows(ExportType.STUDENTS, 5).forEachRemaining(rows::add);
        java.util.Set<JobId> broken = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // the worker's view of the store: every write of the job it cannot run fails, as in a database hiccup
        CountingStore flaky = new CountingStore() {
            @Override
            public java.util.Optional<org.smsexport.spi.StoredJob> update(org.smsexport.spi.StoredJob current,
                    org.smsexport.spi.StoredJob next) {
                if (broken.contains(current.id())) {
                    throw new org.smsexport.ExportException("the database hiccuped");
                }
                return shared.update(current, next);
            }

            @Override
            public java.util.Optional<org.smsexport.spi.StoredJob> find(JobId id) {
                return shared.find(id);
            }

            @Override
            public List<org.smsexport.spi.StoredJob> list(org.smsexport.JobFilter filter) {
                return shared.list(filter);
            }
        };
        List<JobId> ids = new ArrayList<>();
        try (ExportService front = ExportService.builder().dataSource(Fixtures.memory(20))
                .dataSource(InMemoryDataSource.builder().rows(extra, rows).build()).jobStore(shared).outputDirectory(dir).workers(0)
                .nodeName("front").build()) {
            // the oldest first: the one the worker cannot run heads the batch
            JobId first = front.submit(ExportRequest.builder().type("extra").format("csv").build()).id();
            broken.add(first);
            ids.add(front.submit(ExportRequest.builder().type("students").format("csv").build()).id());
            ids.add(front.submit(ExportRequest.builder().type("courses").format("csv").build()).id());
            try (ExportService worker = ExportService.builder().dataSource(Fixtures.memory(20)).jobStore(flaky).jobQueue(shared)
                    .outputDirectory(dir).workers(3).nodeName("w").queuePoll(Duration.ofMillis(20)).build()) {
                assertThat(worker.config().workers()).isEqualTo(3);
                for (JobId id : ids) {
                    assertThat(front.completion(id).get(30, TimeUnit.SECONDS).job().status()).isEqualTo(JobStatus.COMPLETED);
                }
            }
        }
    }

    @Test
    void aNodeSilentForAMonthIsDroppedFromTheList() {
        // one silent for two days stays listed (the page hides it unless asked), one silent for 31 days is dropped
        java.time.Instant now = java.time.Instant.now();
        org.smsexport.test.MutableClock storeClock = new org.smsexport.test.MutableClock(now.minus(Duration.ofDays(31)));
        InMemoryJobStore store = new InMemoryJobStore(storeClock);
        store.heartbeat(new org.smsexport.ExportNode("gone", now.minus(Duration.ofDays(32)), now, 0, 1));
        storeClock.set(now.minus(Duration.ofDays(2)));
        store.heartbeat(new org.smsexport.ExportNode("quiet", now.minus(Duration.ofHours(3)), now, 0, 1));
        storeClock.set(now);
        try (ExportService here = ExportService.builder().dataSource(Fixtures.memory(5)).jobStore(store).outputDirectory(dir)
                .nodeName("here").build()) {
            assertThat(here.nodes()).extracting(org.smsexport.ExportNode::name).contains("here", "quiet").doesNotContain("gone");
            assertThat(store.nodes()).extracting(org.smsexport.ExportNode::name).doesNotContain("gone");
        }
    }
}
