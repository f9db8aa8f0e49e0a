package org.smsexport.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.spi.JobQueue;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.StoredJob;

/**
 * The queue of a host's {@link JobStore} that is not one: claims are guarded updates and a lease's age is its record's
 * {@code updatedAt} by this process's clock (its nodes are a {@link LocalNodes}). Right for a store that one process
 * uses; a store shared by machines should be its own {@link JobQueue}, judged by one clock.
 * Thread-safe.
 */
public final class StoreQueue implements JobQueue {

    private static final int PAGE = 50;

    private final JobStore store;
    private final Clock clock;

    /**
     * @param store the records
     * @param clock this process's clock
     */
    public StoreQueue(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private static boolean queued(StoredJob s) {
        return s.job().status() == JobStatus.PENDING && s.job().node().isEmpty() && s.request().isPresent();
    }

    @Override
    public List<StoredJob> claim(String node, int max) {
        JobFilter pending = JobFilter.all().withStatuses(JobStatus.PENDING);
        List<StoredJob> out = new ArrayList<>();
        // the oldest first: lists are newest first, so read pages from the end
        for (long end = store.count(pending); end > 0 && out.size() < max; end -= PAGE) {
            long start = Math.max(0, end - PAGE);
            List<StoredJob> page = new ArrayList<>(store.list(pending.withPage((int) start, (int) (end - start))));
            Collections.reverse(page);
            for (StoredJob s : page) {
                if (out.size() == max) {
                    break;
                }
                if (queued(s)) {
                    store.update(s, s.with(s.job().toBuilder().node(node).updatedAt(clock.instant()).build())).ifPresent(out::add);
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<StoredJob> expired(Duration grace, int max) {
        Instant before = clock.instant().minus(grace);
        return store.list(JobFilter.all().withStatuses(JobStatus.PENDING, JobStatus.RUNNING).withPage(0, JobFilter.MAX_LIMIT)).stream()
                .filter(s -> !queued(s) && !s.job().updatedAt().isAfter(before))
                .sorted(Comparator.comparing((StoredJob s) -> s.job().updatedAt())).limit(max).collect(Collectors.toUnmodifiableList());
    }
}
