package org.smsexport.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.ScheduleRequest;

/** The timing policy with instants alone: no database, no db-scheduler, no waiting. */
class SlotsTest {

    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Instant ELEVEN = Instant.parse("2026-03-02T11:00:00Z");

    private static ScheduleRequest hourly(CatchUp catchUp) {
        return ScheduleRequest.builder("alice", "students", "csv").frequency("hourly").catchUp(catchUp)
                .catchUpWindow(Duration.ofHours(3)).build();
    }

    @Test
    void anOnTimeSlotRunsAndTheNextIsTheFollowingSlot() {
        for (CatchUp c : CatchUp.values()) {
            Slots.Decision d = Slots.decide(hourly(c), ELEVEN, ELEVEN.plusSeconds(1), GRACE);
            assertThat(d.run()).as("%s", c).isTrue();
            assertThat(d.late()).isFalse();
            assertThat(d.trigger()).isEqualTo("scheduled");
            assertThat(Slots.next(hourly(c), ELEVEN, false, ELEVEN.plusSeconds(30))).isEqualTo(ELEVEN.plusSeconds(3600));
        }
    }

    @Test
    void aSlotStartedAfterTheGraceIsLate() {
        Instant now = ELEVEN.plus(GRACE).plusSeconds(1);
        assertThat(Slots.decide(hourly(CatchUp.RUN_ONCE), ELEVEN, now, GRACE)).satisfies(d -> {
            assertThat(d.run()).isTrue();
            assertThat(d.late()).isTrue();
            assertThat(d.trigger()).isEqualTo("catch-up");
        });
        assertThat(Slots.decide(hourly(CatchUp.SKIP), ELEVEN, now, GRACE)).satisfies(d -> {
            assertThat(d.run()).isFalse();
            assertThat(d.skipReason()).contains("skip");
        });
        assertThat(Slots.decide(hourly(CatchUp.RUN_ONCE), ELEVEN, ELEVEN.plus(GRACE), GRACE).late()).as("at the grace: on time")
                .isFalse();
    }

    @Test
    void afterDowntimeOnceRunsOneAndGoesOnFromNowAllRunsEachSlotInTheWindow() {
        Instant now = Instant.parse("2026-03-02T15:30:00Z");
        // RUN_ONCE: the 11:00 slot stands for all missed ones; the next is 16:00
        assertThat(Slots.decide(hourly(CatchUp.RUN_ONCE), ELEVEN, now, GRACE).run()).isTrue();
        assertThat(Slots.next(hourly(CatchUp.RUN_ONCE), ELEVEN, true, now)).isEqualTo(Instant.parse("2026-03-02T16:00:00Z"));
        // RUN_ALL with a 3 h window (12:30 on): 11:00 is skipped, then 13:00 is next; 13:00 runs, then 14:00
        Slots.Decision old = Slots.decide(hourly(CatchUp.RUN_ALL), ELEVEN, now, GRACE);
        assertThat(old.run()).isFalse();
        assertThat(old.skipReason()).contains("catch-up window");
        assertThat(Slots.next(hourly(CatchUp.RUN_ALL), ELEVEN, true, now)).isEqualTo(Instant.parse("2026-03-02T13:00:00Z"));
        Instant one = Instant.parse("2026-03-02T13:00:00Z");
        assertThat(Slots.decide(hourly(CatchUp.RUN_ALL), one, now, GRACE).run()).isTrue();
        assertThat(Slots.next(hourly(CatchUp.RUN_ALL), one, true, now)).isEqualTo(Instant.parse("2026-03-02T14:00:00Z"));
    }

    @Test
    void aSlowRunMakesTheNextSlotLateAndOnceThenResumesTheClock() {
        // the 11:00 run took 70 minutes: 12:00 is already due when it ends
        Instant ended = Instant.parse("2026-03-02T12:10:00Z");
        assertThat(Slots.next(hourly(CatchUp.RUN_ONCE), ELEVEN, false, ended)).isEqualTo(Instant.parse("2026-03-02T12:00:00Z"));
        Slots.Decision twelve = Slots.decide(hourly(CatchUp.RUN_ONCE), Instant.parse("2026-03-02T12:00:00Z"), ended, GRACE);
        assertThat(twelve.late()).isTrue();
        assertThat(twelve.run()).isTrue();
    }

    @Test
    void wallClockTimesFollowTheSchedulesZoneAcrossADaylightSavingChange() {
        ScheduleRequest athens = ScheduleRequest.builder("alice", "students", "csv").frequency("cron 30 2 * * *")
                .zone(ZoneId.of("Europe/Athens")).build();
        // 29 March 2026: Athens moves from +02:00 to +03:00 at 03:00, after that day's 02:30
        Instant before = Instant.parse("2026-03-28T00:30:00Z");
        Instant onTheDay = Slots.next(athens, before, false, before.plusSeconds(60));
        assertThat(onTheDay).isEqualTo(Instant.parse("2026-03-29T00:30:00Z"));
        assertThat(Slots.next(athens, onTheDay, false, onTheDay.plusSeconds(60))).as("02:30 at +03:00")
                .isEqualTo(Instant.parse("2026-03-29T23:30:00Z"));
    }
}
