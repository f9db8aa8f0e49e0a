package org.smsexport.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.Frequency;
import org.smsexport.scheduler.ScheduleRequest;

/**
 * What to do with a due slot, and when the next one is: the scheduler's whole timing policy (misfires, the
 * catch-up policies, a slow previous run) as pure functions of the schedule, the slot and the time now, so they
 * are tested with instants alone.
 */
public final class Slots {

    private Slots() {
    }

    /**
     * The verdict on one due slot.
     *
     * @param run        whether to run it
     * @param late       whether it is late: started well after its time, or a later slot is already due
     * @param trigger    {@code scheduled} or {@code catch-up}, as the ledger records it
     * @param skipReason why it is not run, when it is not
     */
    public record Decision(boolean run, boolean late, String trigger, String skipReason) {
    }

    /**
     * @param r            the schedule
     * @param slot         the slot's time
     * @param now          the time now
     * @param misfireGrace how late a slot may start and still be on time
     * @return whether to run the slot
     */
    public static Decision decide(ScheduleRequest r, Instant slot, Instant now, Duration misfireGrace) {
        boolean late = now.isAfter(slot.plus(misfireGrace)) || !r.frequency().next(slot, r.zone()).isAfter(now);
        String trigger = late ? "catch-up" : "scheduled";
        switch (r.catchUp()) {
            case SKIP:
                return late ? new Decision(false, true, trigger, "Missed while no scheduler ran; catch-up policy skip")
                        : new Decision(true, false, trigger, null);
            case RUN_ALL:
                return !slot.isBefore(now.minus(r.catchUpWindow())) ? new Decision(true, late, trigger, null)
                        : new Decision(false, late, trigger, "Older than the catch-up window of " + r.catchUpWindow());
            default:
                return new Decision(true, late, trigger, null);
        }
    }

    /**
     * @param r    the schedule
     * @param slot the slot that just ended (ran or was skipped)
     * @param late what {@link #decide} said of it
     * @param now  the time now, after its run
     * @return when the next slot is
     */
    public static Instant next(ScheduleRequest r, Instant slot, boolean late, Instant now) {
        Frequency f = r.frequency();
        if (r.catchUp() == CatchUp.RUN_ALL) {
            Instant n = f.next(slot, r.zone());
            Instant floor = now.minus(r.catchUpWindow());
            // the first slot at or after the window's start
            return n.isBefore(floor) ? f.next(floor.minusMillis(1), r.zone()) : n;
        }
        // RUN_ONCE: a late run stood for every missed slot; SKIP: the late slot was dropped. Either way go on
        // from now. On time: the following slot, which, after a slow run, may already be due (and late).
        return late ? f.next(now, r.zone()) : f.next(slot, r.zone());
    }
}
