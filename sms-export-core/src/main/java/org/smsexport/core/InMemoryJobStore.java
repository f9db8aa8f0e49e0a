package org.smsexport.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.ExportNode;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.JobQueue;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.NodeRegistry;
import org.smsexport.spi.StoredJob;

/**
 * The default {@link JobStore}, which is also a {@link JobQueue} and a {@link NodeRegistry}: records in concurrent maps,
 * gone when the process ends. Updates are compare-and-set on the record version; leases and heartbeats are timed by
 * the store's clock. Thread-safe.
 */
public final class InMemoryJobStore implements JobStore, JobQueue, NodeRegistry {

    /** Newest first, then by id so pages are stable. */
    static final Comparator<StoredJob> NEWEST_FIRST = Comparator.comparing((StoredJob s) -> s.job().createdAt()).reversed()
            .thenComparing(s -> s.id().value());

    /** A record and when its lease was last renewed, replaced together. */
    private record Entry(StoredJob job, Instant renewed) {
    }

    private final ConcurrentMap<JobId, Entry> jobs = new ConcurrentHashMap<>();
    private final org.smsexport.core.internal.LocalNodes nodes;
    private final Clock clock;

    /** Creates an empty store timed by the system clock. */
    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock that times leases and heartbeats */
    public InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodes = new org.smsexport.core.internal.LocalNodes(clock);
    }

    @Override
    public void insert(StoredJob job) {
        if (jobs.putIfAbsent(job.id(), new Entry(job, clock.instant())) != null) {
            ExportJob j = job.job();
            throw new ExportException("Job " + j.id() + " already exists", null, j.id(), j.format(), j.type());
        }
    }

    @Override
    public Optional<StoredJob> find(JobId id) {
        return Optional.ofNullable(jobs.get(id)).map(Entry::job);
    }

    @Override
    public Optional<StoredJob> update(StoredJob current, StoredJob next) {
        StoredJob stored = next.withVersion(current.version() + 1);
        Entry written = new Entry(stored, clock.instant());
        Entry result = jobs.computeIfPresent(current.id(), (id, existing) -> existing.job().version() == current.version() ? written : existing);
        return result == written ? Optional.of(stored) : Optional.empty();
    }

    @Override
    public List<StoredJob> list(JobFilter filter) {
        return jobs.values().stream().map(Entry::job).filter(s -> filter.matches(s.job())).sorted(NEWEST_FIRST)
                .skip(filter.offset()).limit(filter.limit()).collect(Collectors.toUnmodifiableList());
    }

    @Override
    public long count(JobFilter filter) {
        return jobs.values().stream().filter(e -> filter.matches(e.job().job())).count();
    }

    @Override
    public boolean delete(JobId id) {
        return jobs.remove(id) != null;
    }

    // ---------------------------------------------------------------- the queue

    private static boolean queued(StoredJob s) {
        return s.job().status() == JobStatus.PENDING && s.job().node().isEmpty() && s.request().isPresent();
    }

    @Override
    public List<StoredJob> claim(String node, int max) {
        Objects.requireNonNull(node, "node");
        List<StoredJob> candidates = jobs.values().stream().map(Entry::job).filter(InMemoryJobStore::queued)
                .sorted(NEWEST_FIRST.reversed()).collect(Collectors.toList());
        List<StoredJob> out = new ArrayList<>();
        for (StoredJob c : candidates) {
            if (out.size() >= max) {
                break;
            }
            Instant now = clock.instant();
            StoredJob claimed = c.with(c.job().toBuilder().node(node).updatedAt(now).build()).withVersion(c.version() + 1);
            Entry written = new Entry(claimed, now);
            // atomic per job: of several claimers only one replaces the queued record
            if (jobs.computeIfPresent(c.id(), (id, e) -> e.job().version() == c.version() && queued(e.job()) ? written : e) == written) {
                out.add(claimed);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<StoredJob> expired(Duration grace, int max) {
        Instant before = clock.instant().minus(grace);
        return jobs.values().stream().filter(e -> !e.job().job().status().isTerminal() && !queued(e.job()))
                .filter(e -> !e.renewed().isAfter(before))
                .sorted(Comparator.comparing(Entry::renewed)).limit(max).map(Entry::job).collect(Collectors.toUnmodifiableList());
    }

    // ---------------------------------------------------------------- the nodes

    @Override
    public void heartbeat(ExportNode node) {
        nodes.heartbeat(node);
    }

    @Override
    public void remove(String name) {
        nodes.remove(name);
    }

    @Override
    public List<ExportNode> nodes() {
        return nodes.nodes();
    }

    @Override
    public int forgetSilent(Duration silence) {
        return nodes.forgetSilent(silence);
    }

    @Override
    public String toString() {
        return "InMemoryJobStore[" + jobs.size() + " jobs]";
    }
}
