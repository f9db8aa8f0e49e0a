package org.smsexport.scheduler;

import java.time.Instant;
import java.util.Optional;

/**
 * A schedule as stored, with when it fires next and how its last run went.
 *
 * @param id        the schedule id ({@code export_students_csv_alice_k3x9q2mz})
 * @param request   what it exports, how often, where
 * @param paused    whether it is paused
 * @param createdAt when it was created
 * @param nextFire  when it fires next; empty while paused
 * @param lastRun   the latest run, if any
 */
public record ScheduleInfo(String id, ScheduleRequest request, boolean paused, Instant createdAt, Optional<Instant> nextFire,
        Optional<ScheduleRun> lastRun) {

    /** @return whether this is the retention-cleanup schedule rather than an export */
    public boolean isMaintenance() {
        return request.type().equals(ExportScheduler.MAINTENANCE);
    }
}
