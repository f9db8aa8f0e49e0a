package org.smsexport;

import java.time.Instant;
import java.util.Objects;

/**
 * One node of the shared queue, as it last reported itself: a service that shares the job store.
 *
 * @param name          its {@code EXPORT_NODE_NAME}
 * @param startedAt     when it started
 * @param lastHeartbeat when it last reported (every heartbeat interval, 10 s by default)
 * @param runningJobs   the jobs it ran then
 * @param workers       how many jobs it runs at once (0: it accepts and serves only)
 */
public record ExportNode(String name, Instant startedAt, Instant lastHeartbeat, int runningJobs, int workers) {

    /** Checks the values. */
    public ExportNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
    }
}
