package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.JobQueue;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.StoredJob;

/**
 * The behaviour every {@link JobQueue} must have, as an abstract JUnit test: extend it and return a new, empty store
 * and its queue from {@link #newQueue()}. It holds a queue to what the nodes sharing it rely on: each queued job claimed
 * by exactly one of many racing claimers, oldest first; only queued jobs handed out; leases that expire by the queue's
 * clock when they are not renewed, renewed by every write, never on queued or finished jobs; and after a takeover the
 * stale owner's write refused. It waits for leases to expire (by polling, never by sleeping and then asserting), so a
 * few of its tests take a second.
 *
 * <pre>{@code
 * class MyJobQueueTest extends JobQueueContract {
 *     protected Shared newQueue() {
 *         MyStore store = new MyStore(freshDatabase());
 *         return new Shared(store, store);
 *     }
 * }
 * }</pre>
 */
public abstract class JobQueueContract {

    /**
     * A store and the queue over its records.
     *
     * @param store the records
     * @param queue the queue
     */
    public record Shared(JobStore store, JobQueue queue) {
    }

    /** A short grace: leases not renewed for this long have expired. */
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    /** For subclasses. */
    protected JobQueueContract() {
    }

    /** @return a new, empty store and its queue */
    protected abstract Shared newQueue();

    private static StoredJob queued(Instant created) {
        ExportJob j = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING).createdAt(created)
                .updatedAt(created).owner("alice").build();
        return StoredJob.of(j, "front", "{\"type\":\"students\"}", 0);
    }

    private static StoredJob held(Instant created, String node) {
        StoredJob q = queued(created);
        return q.with(q.job().toBuilder().status(JobStatus.RUNNING).node(node).attempts(1).startedAt(created).build())
                .withInstanceId(node);
    }

    @Test
    void givesEachQueuedJobToExactlyOneOfManyRacingClaimers() throws Exception {
        Shared s = newQueue();
        int jobs = 40;
        for (int i = 0; i < jobs; i++) {
            s.store().insert(queued(T.plusSeconds(i)));
        }
        int claimers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        Set<JobId> claimed = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String node = "node-" + c;
                runs.add(pool.submit(() -> {
                    start.await();
                    for (List<StoredJob> got = s.queue().claim(node, 3); !got.isEmpty(); got = s.queue().claim(node, 3)) {
                        assertThat(got).hasSizeLessThanOrEqualTo(3);
                        for (StoredJob j : got) {
                            assertThat(j.job().node()).as("claimed for its claimer").contains(node);
                            if (!claimed.add(j.id())) {
                                duplicates.add(j.id() + " again to " + node);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).as("no job handed out twice").isEmpty();
        assertThat(claimed).as("every queued job handed out").hasSize(jobs);
        for (JobId id : claimed) {
            StoredJob j = s.store().find(id).orElseThrow();
            assertThat(j.job().node()).isPresent();
            assertThat(j.version()).as("a claim is a write").isEqualTo(1);
        }
    }

    @Test
    void handsOutOnlyQueuedJobsOldestFirst() {
        Shared s = newQueue();
        StoredJob newer = queued(T.plusSeconds(10));
        StoredJob older = queued(T);
        StoredJob reserved = queued(T.minusSeconds(30));
        reserved = reserved.with(reserved.job().toBuilder().node("front").build());
        StoredJob local = StoredJob.of(queued(T.minusSeconds(20)).job(), "front", null, 0);
        StoredJob running = held(T.minusSeconds(10), "node-a");
        StoredJob done = queued(T.minusSeconds(5));
        done = done.with(done.job().toBuilder().status(JobStatus.COMPLETED).build());
        for (StoredJob j : List.of(newer, older, reserved, local, running, done)) {
            s.store().insert(j);
        }
        List<StoredJob> got = s.queue().claim("node-b", 10);
        assertThat(got).extracting(StoredJob::id).as("a job with a node, one without a portable request, a running and a "
                + "finished job are not queued").containsExactly(older.id(), newer.id());
        assertThat(got.get(0).request()).isEqualTo(older.request());
        assertThat(s.queue().claim("node-b", 10)).isEmpty();
        assertThat(s.queue().claim("node-b", 0)).isEmpty();
    }

    @Test
    void leasesExpireByTheQueuesClockAndEveryWriteRenewsThem() throws Exception {
        Shared s = newQueue();
        StoredJob a = held(T, "node-a");
        StoredJob b = held(T, "node-b");
        s.store().insert(a);
        s.store().insert(b);
        assertThat(ids(s.queue().expired(Duration.ofHours(1), 10))).as("just written").doesNotContain(a.id(), b.id());
        Await.until("both leases older than " + SHORT.toMillis() + " ms", () -> ids(s.queue().expired(SHORT, 10))
                .containsAll(List.of(a.id(), b.id())));
        assertThat(ids(s.queue().expired(SHORT, 10))).as("oldest renewal first").containsExactly(a.id(), b.id());
        assertThat(s.queue().expired(SHORT, 1)).hasSize(1);
        // a heartbeat of a's run: any write renews the lease
        StoredJob current = s.store().find(a.id()).orElseThrow();
        s.store().update(current, current.with(current.job().toBuilder().progressPercent(50).build())).orElseThrow();
        Await.until("a's renewed lease expiring after b's", () -> ids(s.queue().expired(SHORT, 10)).equals(List.of(b.id(), a.id())));
    }

    @Test
    void neverExpiresQueuedOrFinishedJobs() throws Exception {
        Shared s = newQueue();
        StoredJob waiting = queued(T);
        StoredJob done = held(T, "node-a");
        done = done.with(done.job().toBuilder().status(JobStatus.FAILED).build());
        StoredJob stale = held(T, "node-a");
        for (StoredJob j : List.of(waiting, done, stale)) {
            s.store().insert(j);
        }
        Await.until("the held job's lease expiring", () -> ids(s.queue().expired(SHORT, 10)).contains(stale.id()));
        assertThat(ids(s.queue().expired(SHORT, 10))).containsExactly(stale.id());
        assertThat(ids(s.queue().expired(Duration.ZERO, 10))).containsExactly(stale.id());
    }

    @Test
    void afterATakeoverTheStaleOwnersWriteIsRefused() throws Exception {
        Shared s = newQueue();
        s.store().insert(queued(T));
        StoredJob mine = s.queue().claim("node-a", 1).get(0);
        StoredJob runningA = s.store().update(mine, mine.with(mine.job().toBuilder().status(JobStatus.RUNNING).attempts(1).build())
                .withInstanceId("a")).orElseThrow();
        // node-a stalls: its lease expires, another node takes the job back and runs it
        Await.until("node-a's lease expiring", () -> ids(s.queue().expired(SHORT, 10)).contains(runningA.id()));
        StoredJob expired = s.queue().expired(SHORT, 10).get(0);
        StoredJob requeued = s.store().update(expired, expired.with(expired.job().toBuilder().status(JobStatus.PENDING).node(null)
                .build())).orElseThrow();
        assertThat(requeued.job().node()).isEmpty();
        StoredJob theirs = s.queue().claim("node-b", 1).get(0);
        StoredJob runningB = s.store().update(theirs, theirs.with(theirs.job().toBuilder().status(JobStatus.RUNNING).attempts(2).build())
                .withInstanceId("b")).orElseThrow();
        // node-a wakes up and writes what it read before it stalled
        assertThat(s.store().update(runningA, runningA.with(runningA.job().toBuilder().status(JobStatus.COMPLETED).sha256("a".repeat(64))
                .build()))).as("the stale owner's write").isEmpty();
        StoredJob now = s.store().find(runningA.id()).orElseThrow();
        assertThat(now).isEqualTo(runningB);
        assertThat(now.job().node()).contains("node-b");
        assertThat(ids(s.queue().expired(Duration.ofHours(1), 10))).doesNotContain(now.id());
    }

    private static List<JobId> ids(List<StoredJob> jobs) {
        List<JobId> out = new ArrayList<>();
        Set<JobId> seen = new HashSet<>();
        for (StoredJob j : jobs) {
            assertThat(seen.add(j.id())).as("listed once").isTrue();
            out.add(j.id());
        }
        return out;
    }
}
