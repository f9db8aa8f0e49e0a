package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.smsexport.InvalidRequestException;

class FrequencyTest {

    private static final Instant MARCH_1 = Instant.parse("2026-03-01T00:00:00Z");
    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");

    private static List<ZonedDateTime> next(String frequency, ZoneId zone, Instant from, int n) {
        return Frequency.parse(frequency).next(from, zone, n).stream().map(t -> t.atZone(zone)).collect(Collectors.toList());
    }

    @Test
    void namedFrequenciesFireAtTheDocumentedTimes() {
        assertThat(Frequency.parse("HOURLY").cron()).isEqualTo("0 * * * *");
        assertThat(next("hourly", ZoneOffset.UTC, Instant.parse("2026-03-01T10:30:00Z"), 3)).extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2026-03-01T11:00:00Z"), Instant.parse("2026-03-01T12:00:00Z"),
                        Instant.parse("2026-03-01T13:00:00Z"));
        assertThat(next("daily", ZoneOffset.UTC, MARCH_1, 1).get(0).toString()).isEqualTo("2026-03-01T02:00Z");
        ZonedDateTime weekly = next("weekly", ZoneOffset.UTC, MARCH_1, 1).get(0);
        assertThat(weekly.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(weekly.getHour()).isEqualTo(2);
        assertThat(next("monthly", ZoneOffset.UTC, Instant.parse("2026-03-02T00:00:00Z"), 1).get(0).toString())
                .isEqualTo("2026-04-01T02:00Z");
    }

    @Test
    void cronDayOfWeekZeroAndSevenAreSunday() {
        assertThat(next("cron 0 2 * * 0", ZoneOffset.UTC, MARCH_1, 2)).allSatisfy(t -> assertThat(t.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY));
        assertThat(next("cron 0 2 * * 7", ZoneOffset.UTC, MARCH_1, 2)).allSatisfy(t -> assertThat(t.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY));
        assertThat(next("cron 0 2 * * MON-FRI", ZoneOffset.UTC, MARCH_1, 10))
                .allSatisfy(t -> assertThat(t.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
    }

    @Test
    void cronDayOfMonthOrDayOfWeekAsInUnixCron() {
        // the 13th of every month and every Friday: April 13th 2026 is a Monday, so plain AND would miss it
        List<LocalDate> days = next("cron 0 2 13 * 5", ZoneOffset.UTC, Instant.parse("2026-04-01T00:00:00Z"), 6).stream()
                .map(ZonedDateTime::toLocalDate).collect(Collectors.toList());
        assertThat(days).containsExactly(LocalDate.of(2026, 4, 3), LocalDate.of(2026, 4, 10), LocalDate.of(2026, 4, 13),
                LocalDate.of(2026, 4, 17), LocalDate.of(2026, 4, 24), LocalDate.of(2026, 5, 1));
        // with one of the two left as '*', only the other restricts
        assertThat(next("cron 0 2 13 * *", ZoneOffset.UTC, MARCH_1, 2)).allSatisfy(t -> assertThat(t.getDayOfMonth()).isEqualTo(13));
    }

    @Test
    void sixFieldsMeanSecondsFirst() {
        assertThat(next("cron */10 * * * * *", ZoneOffset.UTC, MARCH_1, 3)).extracting(ZonedDateTime::toInstant)
                .containsExactly(MARCH_1.plusSeconds(10), MARCH_1.plusSeconds(20), MARCH_1.plusSeconds(30));
        assertThat(next("cron 0 0 2 * * 7", ZoneOffset.UTC, MARCH_1, 1).get(0).getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
    }

    @Test
    void rejectsBadExpressionsNamingTheField() {
        assertThatThrownBy(() -> Frequency.parse("cron 0 25 * * *")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("hour field '25'").hasMessageContaining("[0, 23]");
        assertThatThrownBy(() -> Frequency.parse("cron 61 2 * * *")).hasMessageContaining("minute field '61'");
        assertThatThrownBy(() -> Frequency.parse("cron 0 2 32 * *")).hasMessageContaining("day-of-month field '32'");
        assertThatThrownBy(() -> Frequency.parse("cron 0 2 * 13 *")).hasMessageContaining("month field '13'");
        assertThatThrownBy(() -> Frequency.parse("cron 0 2 * * 8")).hasMessageContaining("day-of-week field '8'");
        assertThatThrownBy(() -> Frequency.parse("cron 70 0 2 * * *")).hasMessageContaining("second field '70'");
        assertThatThrownBy(() -> Frequency.parse("cron 0 2 * *")).hasMessageContaining("4 field(s)")
                .hasMessageContaining("[hourly, daily, weekly, monthly]");
        assertThatThrownBy(() -> Frequency.parse("fortnightly")).hasMessageContaining("'fortnightly'");
    }

    @Test
    void dailyAtHalfPastTwoInAthensFiresOnceOnBothDaylightSavingDays() {
        for (LocalDate day : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            Instant from = day.minusDays(1).atStartOfDay(ATHENS).toInstant();
            List<ZonedDateTime> fires = next("cron 30 2 * * *", ATHENS, from, 3);
            assertThat(fires.stream().filter(t -> t.toLocalDate().equals(day))).as("fires on %s", day).hasSize(1);
            assertThat(fires).allSatisfy(t -> assertThat(t.toLocalTime().toString()).isEqualTo("02:30"));
        }
        // the 23-hour and the 25-hour day are seen in UTC
        List<ZonedDateTime> spring = next("cron 30 2 * * *", ATHENS, Instant.parse("2026-03-28T12:00:00Z"), 2);
        assertThat(Duration.between(spring.get(0), spring.get(1))).isEqualTo(Duration.ofHours(23));
        List<ZonedDateTime> autumn = next("cron 30 2 * * *", ATHENS, Instant.parse("2026-10-24T12:00:00Z"), 2);
        assertThat(Duration.between(autumn.get(0), autumn.get(1))).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void aTimeTheSpringForwardChangeSkipsStillFiresThatDayAndARepeatedTimeFiresOnce() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // Berlin jumps from 02:00 to 03:00 on 29 March 2026: 02:30 does not exist that day
        List<ZonedDateTime> spring = next("cron 30 2 * * *", berlin, Instant.parse("2026-03-28T12:00:00Z"), 2);
        assertThat(spring.get(0).toString()).isEqualTo("2026-03-29T03:00+02:00[Europe/Berlin]");
        assertThat(spring.get(1).toString()).isEqualTo("2026-03-30T02:30+02:00[Europe/Berlin]");
        // Athens jumps from 03:00 to 04:00 the same day
        assertThat(next("cron 30 3 * * *", ATHENS, Instant.parse("2026-03-28T12:00:00Z"), 2)).extracting(ZonedDateTime::toString)
                .containsExactly("2026-03-29T04:00+03:00[Europe/Athens]", "2026-03-30T03:30+03:00[Europe/Athens]");
        // Berlin repeats 02:00–03:00 on 25 October 2026: 02:30 fires once
        List<ZonedDateTime> autumn = next("cron 30 2 * * *", berlin, Instant.parse("2026-10-24T12:00:00Z"), 2);
        assertThat(autumn).extracting(t -> t.toLocalDate().toString()).containsExactly("2026-10-25", "2026-10-26");
        // hourly across the gap: no slot lost, none doubled
        List<ZonedDateTime> hours = next("hourly", berlin, Instant.parse("2026-03-28T23:30:00Z"), 3);
        assertThat(hours).extracting(t -> t.toLocalTime().toString()).containsExactly("01:00", "03:00", "04:00");
    }

    @Test
    void hourlyMeansOnceAnHourNotEveryMinute() {
        List<ZonedDateTime> fires = next("hourly", ZoneOffset.UTC, MARCH_1, 5);
        for (int i = 1; i < fires.size(); i++) {
            assertThat(Duration.between(fires.get(i - 1), fires.get(i))).isEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void catchUpPoliciesParseFromTheirCliNames() {
        assertThat(CatchUp.parse("skip")).isEqualTo(CatchUp.SKIP);
        assertThat(CatchUp.parse("ONCE")).isEqualTo(CatchUp.RUN_ONCE);
        assertThat(CatchUp.parse("run_all")).isEqualTo(CatchUp.RUN_ALL);
        assertThatThrownBy(() -> CatchUp.parse("some")).hasMessageContaining("'some'").hasMessageContaining("[skip, once, all]");
    }
}
