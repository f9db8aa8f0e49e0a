package org.smsexport.spi;

import java.util.List;
import java.util.Optional;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;

/**
 * Where {@link ExportJob} records live. Updates are optimistic: a record is replaced only when the stored
 * version is the one the caller read, so two threads or processes never overwrite each other's status.
 * Implementations must be thread-safe.
 */
public interface JobStore {

    /**
     * @param job a new job (version 0)
     * @throws org.smsexport.ExportException when a job with the same id exists
     */
    void insert(ExportJob job);

    /**
     * @param id a job id
     * @return the stored job
     */
    Optional<ExportJob> find(JobId id);

    /**
     * Replaces {@code current} by {@code next} when the stored record still has {@code current.version()}.
     *
     * @param current the record as read
     * @param next    the new values (its version is ignored)
     * @return the stored record, with version {@code current.version() + 1}; empty when the record changed
     *         meanwhile or no longer exists
     */
    Optional<ExportJob> update(ExportJob current, ExportJob next);

    /**
     * @param filter criteria and page
     * @return matching jobs, newest first (by creation time, then id)
     */
    List<ExportJob> list(JobFilter filter);

    /**
     * @param filter criteria (paging ignored)
     * @return how many jobs match
     */
    long count(JobFilter filter);

    /**
     * @param id a job id
     * @return whether a record was deleted
     */
    boolean delete(JobId id);

    /**
     * @return the database this store keeps its jobs in, when it is one: parts that the nodes sharing the jobs must
     *         share too (the mail outbox) keep their tables there. The default is none.
     */
    default java.util.Optional<javax.sql.DataSource> database() {
        return java.util.Optional.empty();
    }

    /**
     * @return the audit trail kept beside the jobs, when this store keeps one (the JDBC store: the table
     *         {@code export_audit}); the service otherwise keeps it in {@code audit.jsonl} beside its metrics
     */
    default java.util.Optional<AuditSink> auditSink() {
        return java.util.Optional.empty();
    }

    /**
     * The shared queue: gives a node up to {@code max} of the oldest PENDING jobs that no node has and that carry a
     * portable request, each to exactly one node however many ask at once. The default lists them and claims each
     * with a guarded {@link #update} (version check), skipping those another node took first; a store that can do
     * better overrides it ({@code JdbcJobStore} on PostgreSQL: one {@code UPDATE … FOR UPDATE SKIP LOCKED}).
     *
     * @param node the claiming node's name, recorded on the jobs
     * @param max  most jobs to hand out
     * @param now  the claim's time, recorded as the jobs' {@code updatedAt}
     * @return the claimed jobs, oldest first, as stored now
     */
    default List<ExportJob> claim(String node, int max, java.time.Instant now) {
        JobFilter queued = JobFilter.all().withStatuses(org.smsexport.JobStatus.PENDING);
        long waiting = count(queued);
        List<ExportJob> out = new java.util.ArrayList<>();
        // the oldest first: lists are newest first, so read pages from the end; jobs a node already has (its own
        // submissions waiting for its workers) are passed over, however many there are
        for (long end = waiting; end > 0 && out.size() < max; end -= 50) {
            long start = Math.max(0, end - 50);
            List<ExportJob> page = new java.util.ArrayList<>(list(queued.withPage((int) start, (int) (end - start))));
            java.util.Collections.reverse(page);
            for (ExportJob j : page) {
                if (out.size() == max) {
                    break;
                }
                if (j.node().isPresent() || j.request().isEmpty()) {
                    continue;
                }
                update(j, j.toBuilder().node(node).updatedAt(now).build()).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Records a node's heartbeat: the shared queue's view of who is alive. The default keeps nothing.
     *
     * @param node the node as it is now
     */
    default void heartbeat(org.smsexport.ExportNode node) {
    }

    /** @param name a node that stopped on purpose: it leaves the list */
    default void removeNode(String name) {
    }

    /** @return the nodes that reported, by name */
    default List<org.smsexport.ExportNode> nodes() {
        return List.of();
    }
}
