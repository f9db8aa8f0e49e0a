package org.smsexport.core;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.spi.JobStore;

/**
 * The default {@link JobStore}: jobs in a concurrent map, gone when the process ends. Updates are
 * compare-and-set on the record version. Thread-safe.
 */
public final class InMemoryJobStore implements JobStore {

    /** Newest first, then by id so pages are stable. */
    static final Comparator<ExportJob> NEWEST_FIRST = Comparator.comparing(ExportJob::createdAt).reversed()
            .thenComparing(j -> j.id().value());

    private final ConcurrentMap<JobId, ExportJob> jobs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, org.smsexport.ExportNode> nodes = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryJobStore() {
    }

    @Override
    public void insert(ExportJob job) {
        if (jobs.putIfAbsent(job.id(), job) != null) {
            throw new ExportException("Job " + job.id() + " already exists", null, job.id(), job.format(), job.type());
        }
    }

    @Override
    public Optional<ExportJob> find(JobId id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public Optional<ExportJob> update(ExportJob current, ExportJob next) {
        ExportJob stored = next.toBuilder().version(current.version() + 1).build();
        ExportJob result = jobs.computeIfPresent(current.id(),
                (id, existing) -> existing.version() == current.version() ? stored : existing);
        return result == stored ? Optional.of(stored) : Optional.empty();
    }

    @Override
    public List<ExportJob> list(JobFilter filter) {
        return jobs.values().stream().filter(filter::matches).sorted(NEWEST_FIRST).skip(filter.offset())
                .limit(filter.limit()).collect(Collectors.toUnmodifiableList());
    }

    @Override
    public long count(JobFilter filter) {
        return jobs.values().stream().filter(filter::matches).count();
    }

    @Override
    public boolean delete(JobId id) {
        return jobs.remove(id) != null;
    }

    @Override
    public void heartbeat(org.smsexport.ExportNode node) {
        nodes.put(node.name(), node);
    }

    @Override
    public void removeNode(String name) {
        nodes.remove(name);
    }

    @Override
    public List<org.smsexport.ExportNode> nodes() {
        return nodes.values().stream().sorted(Comparator.comparing(org.smsexport.ExportNode::name)).collect(Collectors.toList());
    }
}
