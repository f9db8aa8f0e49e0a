package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.StoredJob;

/**
 * The behaviour every {@link JobStore} must have, as an abstract JUnit test: extend it and return a new, empty
 * store from {@link #newStore()}. It holds a store to what the engine relies on: every field kept as written
 * (instants to the microsecond), optimistic updates that exactly one of many racing writers wins, ids unique,
 * lists newest first with their filters and pages, counts that ignore the page, deletes, and the bookkeeping (instance,
 * request, version) kept beside each job.
 *
 * <pre>{@code
 * class MyJobStoreTest extends JobStoreContract {
 *     protected JobStore newStore() {
 *         return new MyJobStore(freshDatabase());
 *     }
 * }
 * }</pre>
 */
public abstract class JobStoreContract {

    /** A time with microseconds, the precision every store must keep. */
    protected static final Instant T = Instant.parse("2026-11-26T08:00:00.123456Z");

    /** For subclasses. */
    protected JobStoreContract() {
    }

    /** @return a new store with no jobs in it */
    protected abstract JobStore newStore();

    /**
     * @param owner   whose it is
     * @param created when it was created
     * @return a PENDING job with filters that need care (Greek, an equals sign, a line break)
     */
    protected static ExportJob job(String owner, Instant created) {
        return ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING).createdAt(created)
                .updatedAt(created).owner(owner).filters(Map.of("search", "Ελένη=x\ny", "status", "active")).build();
    }

    /**
     * @param job the job
     * @return a new record of it (version 0) created by instance {@code node-1}, with a portable request
     */
    protected static StoredJob stored(ExportJob job) {
        return StoredJob.of(job, "node-1", "{\"type\":\"" + job.type() + "\",\"text\":\"Ελένη\"}", 0);
    }

    @Test
    void keepsEveryFieldAsWritten() {
        JobStore store = newStore();
        ExportJob full = job("alice", T).toBuilder().status(JobStatus.COMPLETED).progressPercent(100).totalRecords(1_234_567)
                .fileName("students_20261126_080000_x.csv").fileSizeBytes(9_876_543_210L).duration(Duration.ofMillis(1_500))
                .sha256("ab".repeat(32)).startedAt(T.plusSeconds(1)).completedAt(T.plusSeconds(3)).updatedAt(T.plusSeconds(3))
                .notificationEmail("a@b.example").notificationSent(true).notificationError("421 try later")
                .warnings(List.of("one", "two, with a comma", "τρία")).archivePath("/archive/x.csv").build();
        store.insert(stored(full));
        assertThat(store.find(full.id())).hasValueSatisfying(back -> assertThat(back).isEqualTo(stored(full)));
        StoredJob bare = StoredJob.of(ExportJob.builder().id(JobId.random()).type("grades").format("pdf").status(JobStatus.PENDING)
                .createdAt(T).updatedAt(T).owner("bob").build(), "", null, 0);
        store.insert(bare);
        assertThat(store.find(bare.id())).as("absent optional fields stay absent").hasValue(bare);
        assertThat(store.find(JobId.random())).isEmpty();
    }

    @Test
    void refusesASecondJobWithTheSameId() {
        JobStore store = newStore();
        StoredJob j = stored(job("alice", T));
        store.insert(j);
        assertThatThrownBy(() -> store.insert(j.with(j.job().toBuilder().owner("mallory").build()))).isInstanceOf(ExportException.class);
        assertThat(store.find(j.id()).orElseThrow().job().owner()).isEqualTo("alice");
    }

    @Test
    void updatesOnlyTheVersionThatWasRead() {
        JobStore store = newStore();
        StoredJob j = stored(job("alice", T));
        store.insert(j);
        StoredJob running = store.update(j, j.with(j.job().toBuilder().status(JobStatus.RUNNING).startedAt(T).build())
                .withInstanceId("node-2").withVersion(99)).orElseThrow();
        assertThat(running.version()).as("the next version, whatever next.version() says").isEqualTo(j.version() + 1);
        assertThat(running.job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.instanceId()).isEqualTo("node-2");
        assertThat(running.request()).isEqualTo(j.request());
        assertThat(store.find(j.id())).hasValue(running);
        assertThat(store.update(j, j.with(j.job().toBuilder().status(JobStatus.CANCELLED).build()))).as("a stale version loses").isEmpty();
        assertThat(store.find(j.id()).orElseThrow().job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.update(running, running.with(running.job().toBuilder().status(JobStatus.COMPLETED).build())).orElseThrow().version())
                .isEqualTo(j.version() + 2);
        assertThat(store.delete(j.id())).isTrue();
        assertThat(store.update(running, running.with(running.job().toBuilder().status(JobStatus.FAILED).build()))).as("a deleted job")
                .isEmpty();
    }

    @Test
    void exactlyOneOfManyRacingWritersWins() throws Exception {
        JobStore store = newStore();
        StoredJob j = stored(job("alice", T));
        store.insert(j);
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Optional<StoredJob>>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String node = "node-" + i;
                Callable<Optional<StoredJob>> claim = () -> {
                    start.await();
                    return store.update(j, j.with(j.job().toBuilder().status(JobStatus.RUNNING).build()).withInstanceId(node));
                };
                results.add(pool.submit(claim));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<Optional<StoredJob>> f : results) {
                f.get(30, TimeUnit.SECONDS).ifPresent(w -> winners.add(w.instanceId()));
            }
            assertThat(winners).hasSize(1);
            assertThat(store.find(j.id()).orElseThrow().instanceId()).isEqualTo(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listsNewestFirstWithFiltersAndPages() {
        JobStore store = newStore();
        List<ExportJob> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ExportJob j = job(i % 2 == 0 ? "alice" : "bob", T.plusSeconds(i)).toBuilder().type(i < 3 ? "students" : "grades")
                    .status(i % 3 == 0 ? JobStatus.COMPLETED : JobStatus.PENDING).build();
            store.insert(stored(j));
            all.add(j);
        }
        assertThat(jobs(store, JobFilter.all())).extracting(ExportJob::createdAt).containsExactly(T.plusSeconds(5), T.plusSeconds(4),
                T.plusSeconds(3), T.plusSeconds(2), T.plusSeconds(1), T);
        assertThat(jobs(store, JobFilter.all().withOwner("alice"))).extracting(ExportJob::id)
                .containsExactly(all.get(4).id(), all.get(2).id(), all.get(0).id());
        assertThat(jobs(store, JobFilter.all().withType("grades"))).hasSize(3).allMatch(j -> j.type().equals("grades"));
        assertThat(jobs(store, JobFilter.all().withStatuses(JobStatus.COMPLETED))).extracting(ExportJob::id)
                .containsExactly(all.get(3).id(), all.get(0).id());
        assertThat(jobs(store, JobFilter.all().withStatuses(JobStatus.COMPLETED, JobStatus.PENDING))).hasSize(6);
        assertThat(jobs(store, JobFilter.all().withCreatedBefore(T.plusSeconds(2)))).as("strictly before")
                .extracting(ExportJob::createdAt).containsExactly(T.plusSeconds(1), T);
        assertThat(jobs(store, JobFilter.all().withPage(1, 2))).extracting(ExportJob::createdAt)
                .containsExactly(T.plusSeconds(4), T.plusSeconds(3));
        assertThat(jobs(store, JobFilter.all().withPage(6, 10))).isEmpty();
        assertThat(store.count(JobFilter.all().withPage(0, 1))).as("count ignores the page").isEqualTo(6);
        assertThat(store.count(JobFilter.all().withOwner("bob").withStatuses(JobStatus.PENDING))).isEqualTo(2);
    }

    @Test
    void searchesByTheStartOfAnIdOrPartOfAFileNameIgnoringCase() {
        JobStore store = newStore();
        ExportJob a = job("alice", T).toBuilder().fileName("students_20261207_101500_" + "x".repeat(20) + ".csv").build();
        ExportJob b = job("alice", T.plusSeconds(1)).toBuilder().fileName("grades_20261207_101501_" + "y".repeat(20) + ".pdf").build();
        ExportJob c = job("bob", T.plusSeconds(2));
        ExportJob d = job("bob", T.plusSeconds(3)).toBuilder().fileName("odd_%_name!.csv").build();
        for (ExportJob j : List.of(a, b, c, d)) {
            store.insert(stored(j));
        }
        assertThat(jobs(store, JobFilter.all().withSearch("STUDENTS_2026"))).extracting(ExportJob::id).containsExactly(a.id());
        assertThat(jobs(store, JobFilter.all().withSearch(".pdf"))).extracting(ExportJob::id).containsExactly(b.id());
        assertThat(jobs(store, JobFilter.all().withSearch(c.id().value().substring(0, 8).toUpperCase(java.util.Locale.ROOT))))
                .extracting(ExportJob::id).containsExactly(c.id());
        assertThat(jobs(store, JobFilter.all().withSearch(c.id().value().substring(2, 10)))).as("an id matches from its start only")
                .extracting(ExportJob::id).doesNotContain(c.id());
        assertThat(jobs(store, JobFilter.all().withSearch("%"))).as("a wildcard is a character").extracting(ExportJob::id).containsExactly(d.id());
        assertThat(jobs(store, JobFilter.all().withSearch("_%_"))).extracting(ExportJob::id).containsExactly(d.id());
        assertThat(jobs(store, JobFilter.all().withSearch("e!"))).extracting(ExportJob::id).containsExactly(d.id());
        assertThat(jobs(store, JobFilter.all().withSearch("  "))).as("blank: anything").hasSize(4);
        assertThat(store.count(JobFilter.all().withSearch("2026").withOwner("alice"))).isEqualTo(2);
        assertThat(store.count(JobFilter.all().withSearch("2026").withOwner("bob"))).isZero();
    }

    @Test
    void listsJobsCreatedAtTheSameInstantInOneStableOrder() {
        JobStore store = newStore();
        for (int i = 0; i < 5; i++) {
            store.insert(stored(job("alice", T)));
        }
        List<JobId> first = store.list(JobFilter.all()).stream().map(StoredJob::id).toList();
        List<JobId> paged = new ArrayList<>();
        for (int page = 0; page < 5; page += 2) {
            store.list(JobFilter.all().withPage(page, 2)).forEach(j -> paged.add(j.id()));
        }
        assertThat(paged).as("pages neither skip nor repeat a job").isEqualTo(first).hasSize(5);
    }

    @Test
    void deletesOnce() {
        JobStore store = newStore();
        StoredJob j = stored(job("alice", T));
        store.insert(j);
        assertThat(store.delete(j.id())).isTrue();
        assertThat(store.delete(j.id())).isFalse();
        assertThat(store.find(j.id())).isEmpty();
        assertThat(store.count(JobFilter.all())).isZero();
    }

    /** @return the jobs of a page, as hosts see them */
    private static List<ExportJob> jobs(JobStore store, JobFilter filter) {
        return store.list(filter).stream().map(StoredJob::job).toList();
    }
}
