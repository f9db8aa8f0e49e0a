package org.smsexport.spi;

import java.util.List;
import java.util.Optional;
import org.smsexport.JobFilter;
import org.smsexport.JobId;

/**
 * Where job records live. Every update is a compare-and-set: a record is replaced only when the stored version is
 * the one the caller read, so two threads or processes never overwrite each other. The engine's lease on a running
 * job (its node and attempt) rides on this: a node that lost a job reads a record with another owner, and its write,
 * made against the version it read, is refused.
 *
 * <p>A store that is shared by several nodes is usually also their {@link JobQueue} and {@link NodeRegistry}
 * ({@code JdbcJobStore} is all three); every implementation passes the test kit's {@code JobStoreContract}.
 * Implementations must be thread-safe.
 */
public interface JobStore {

    /**
     * @param job a new record (version 0)
     * @throws org.smsexport.ExportException when a job with the same id exists
     */
    void insert(StoredJob job);

    /**
     * @param id a job id
     * @return the stored record
     */
    Optional<StoredJob> find(JobId id);

    /**
     * Replaces {@code current} by {@code next} when the stored record still has {@code current.version()}. A store that
     * is also a {@link JobQueue} renews the job's lease with the write (by its own clock).
     *
     * @param current the record as read
     * @param next    the new values (its version is ignored)
     * @return the stored record, with version {@code current.version() + 1}; empty when the record changed meanwhile
     *         or no longer exists
     */
    Optional<StoredJob> update(StoredJob current, StoredJob next);

    /**
     * @param filter criteria and page
     * @return matching records, newest first (by creation time, then id)
     */
    List<StoredJob> list(JobFilter filter);

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
}
