package org.smsexport.spi;

import java.time.Duration;
import java.util.List;

/**
 * The queue the nodes sharing a {@link JobStore} take work from, and the clock their leases are judged by.
 *
 * <p>A queued job is PENDING with no node and a portable request. A node {@linkplain #claim claims} it: the job gets
 * the node's name, and from then on the node holds the job's <em>lease</em>, which every write of the job's record
 * renews (progress, the heartbeat of a running job). A lease whose last renewal is older than the grace
 * ({@code EXPORT_RECOVERY_GRACE_SECONDS}) has <em>expired</em> — its node stopped, or stalls — and another node may
 * take the job back. Expiry is judged by this queue's clock only (the database's {@code CURRENT_TIMESTAMP} for
 * {@code JdbcJobStore}), never by comparing the clocks of different machines. Giving a claimed job back, or taking
 * one back, is a compare-and-set through {@link JobStore#update}.
 *
 * <p>Every implementation passes the test kit's {@code JobQueueContract}. Implementations must be thread-safe.
 */
public interface JobQueue {

    /**
     * Gives a node up to {@code max} of the oldest queued jobs, each to exactly one node however many ask at once.
     *
     * @param node the claiming node's name, recorded on the jobs
     * @param max  most jobs to hand out
     * @return the claimed records, oldest first, as stored now (their lease renewed)
     */
    List<StoredJob> claim(String node, int max);

    /**
     * @param grace how long a lease lasts after its last renewal
     * @param max   most records to return
     * @return unfinished jobs (PENDING or RUNNING) held by a node or an engine instance — not those waiting in the queue —
     *         whose lease was last renewed more than {@code grace} ago by this queue's clock, oldest renewal first
     */
    List<StoredJob> expired(Duration grace, int max);
}
