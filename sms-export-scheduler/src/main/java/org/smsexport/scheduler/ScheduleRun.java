package org.smsexport.scheduler;

import java.time.Instant;
import java.util.Optional;

/**
 * One slot of a schedule as the run ledger recorded it. The ledger's key (schedule id, slot) is unique
 * and the row is inserted before the export starts, so two scheduler nodes can never both run a slot.
 *
 * @param scheduleId the schedule
 * @param slot       the slot's time (for manual runs: when it was asked for)
 * @param trigger    {@code scheduled}, {@code catch-up} (a late slot) or {@code manual}
 * @param node       the scheduler node that claimed it
 * @param status     where the run stands
 * @param jobId      the export job, once there is one
 * @param error      why it failed or was skipped
 * @param startedAt  when it was claimed
 * @param finishedAt when it ended
 */
public record ScheduleRun(String scheduleId, Instant slot, String trigger, String node, RunStatus status, Optional<String> jobId,
        Optional<String> error, Instant startedAt, Optional<Instant> finishedAt) {
}
