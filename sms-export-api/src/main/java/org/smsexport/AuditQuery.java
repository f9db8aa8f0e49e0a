package org.smsexport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit records to list, newest first: every criterion that is present must match.
 *
 * @param job   one job's records
 * @param actor one actor's records
 * @param from  at or after
 * @param to    before
 * @param limit at most this many (1 to 10,000)
 */
public record AuditQuery(Optional<JobId> job, Optional<String> actor, Optional<Instant> from, Optional<Instant> to, int limit) {

    /** Checks the values. */
    public AuditQuery {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (limit < 1 || limit > 10_000) {
            throw new InvalidRequestException("An audit query's limit must be 1 to 10000, got " + limit + ".");
        }
    }

    /** @return every record, the newest 100 */
    public static AuditQuery latest() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 100);
    }

    /** @param e a record @return whether it matches */
    public boolean matches(AuditRecord e) {
        AuditEntry a = e.entry();
        return job.map(a.jobId()::equals).orElse(true) && actor.map(a.actor()::equals).orElse(true)
                && from.map(f -> !a.at().isBefore(f)).orElse(true) && to.map(a.at()::isBefore).orElse(true);
    }
}
