package org.smsexport.scheduler;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.smsexport.InvalidRequestException;

/**
 * When a schedule fires: {@code hourly} (minute 0), {@code daily} (02:00), {@code weekly} (Monday 02:00),
 * {@code monthly} (the 1st, 02:00), or {@code cron EXPR} with a standard 5-field Unix crontab expression
 * (minute hour day-of-month month day-of-week) or a 6-field one with seconds first. Times are wall-clock
 * times in the schedule's zone, daylight-saving changes included: a time the spring-forward change skips fires
 * at the moment of the change that day, and a time the fall-back change repeats fires once.
 *
 * <p>Cron fields mean what they mean in Unix cron: day-of-week 0 and 7 are both Sunday, names ({@code MON},
 * {@code JAN}) are accepted, and when both day-of-month and day-of-week are restricted (neither starts with
 * {@code *}) a day matches if <em>either</em> matches ({@code 0 2 13 * 5}: the 13th and every Friday). The
 * expressions are parsed by db-scheduler's cron support (cron-utils, UNIX style; Spring style for the
 * 6-field form); the either-or rule is applied on top by asking both halves for their next time.
 * An invalid expression is rejected naming the field that is wrong.
 *
 * <p>Immutable and thread-safe.
 */
public final class Frequency {

    private static final Map<String, String> NAMED = Map.of("hourly", "0 * * * *", "daily", "0 2 * * *", "weekly",
            "0 2 * * 1", "monthly", "0 2 1 * *");
    private static final String[] FIVE = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final String[] SIX = {"second", "minute", "hour", "day-of-month", "month", "day-of-week"};

    private final String text;
    private final String cron;
    private final List<String> halves;
    private final CronStyle style;
    private final Map<ZoneId, List<Schedule>> byZone = new ConcurrentHashMap<>();

    private Frequency(String text, String cron, List<String> halves, CronStyle style) {
        this.text = text;
        this.cron = cron;
        this.halves = halves;
        this.style = style;
    }

    /**
     * @param text {@code hourly}, {@code daily}, {@code weekly}, {@code monthly}, {@code cron EXPR} or a bare
     *             5- or 6-field cron expression
     * @return the frequency
     * @throws InvalidRequestException naming the bad value (and, for cron, the bad field) and the choices
     */
    public static Frequency parse(String text) {
        Objects.requireNonNull(text, "frequency");
        String t = text.strip().replaceAll("\\s+", " ");
        String lower = t.toLowerCase(Locale.ROOT);
        if (NAMED.containsKey(lower)) {
            return of(lower, NAMED.get(lower));
        }
        String expr = lower.startsWith("cron ") ? t.substring(5).strip() : t;
        String[] fields = expr.split(" ");
        if (fields.length != 5 && fields.length != 6) {
            throw new InvalidRequestException("Frequency '" + text + "' is not one of [hourly, daily, weekly, monthly] nor "
                    + "'cron' with 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); it has "
                    + fields.length + " field(s).");
        }
        return of("cron " + expr, expr);
    }

    private static Frequency of(String text, String expr) {
        String[] f = expr.split(" ");
        boolean six = f.length == 6;
        CronStyle style = six ? CronStyle.SPRING53 : CronStyle.UNIX;
        String[] names = six ? SIX : FIVE;
        checkEachField(text, f, names, style);
        int dom = f.length - 3;
        int dow = f.length - 1;
        List<String> halves;
        if (!f[dom].startsWith("*") && !f[dom].equals("?") && !f[dow].startsWith("*") && !f[dow].equals("?")) {
            String[] a = f.clone();
            a[dow] = "*";
            String[] b = f.clone();
            b[dom] = "*";
            halves = List.of(String.join(" ", a), String.join(" ", b));
        } else {
            halves = List.of(expr);
        }
        checkFires(text, f[dom], f[f.length - 2], f[dow]);
        return new Frequency(text, expr, halves, style);
    }

    private static final int[] MONTH_DAYS = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    /**
     * Refuses a day of month that no allowed month has ({@code 0 0 31 2 *}, {@code 0 0 30 2 *}): such a schedule
     * would never fire, and finding that out from the cron library costs a search of centuries per call.
     */
    private static void checkFires(String text, String dom, String month, String dow) {
        if (!dow.equals("*") && !dow.equals("?")) {
            return; // a day of week fires whatever the day of month says (Unix cron's OR)
        }
        java.util.BitSet days = values(dom, 1, 31);
        java.util.BitSet months = values(month, 1, 12);
        if (days == null || months == null) {
            return; // names, L, W or #: left to the cron library
        }
        for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
            int first = days.nextSetBit(1);
            if (first >= 0 && first <= MONTH_DAYS[m - 1]) {
                return;
            }
        }
        throw new InvalidRequestException("Frequency '" + text + "' never fires: no allowed month has day " + dom + ". Choose a day "
                + "every allowed month has (1 to 28 fits all).");
    }

    /** @return the values a numeric cron field allows ({@code *}, {@code a}, {@code a-b}, steps, lists), or null when it is not one */
    private static java.util.BitSet values(String field, int min, int max) {
        java.util.BitSet out = new java.util.BitSet();
        for (String part : field.split(",")) {
            String[] step = part.split("/", 2);
            int by = 1;
            try {
                if (step.length == 2) {
                    by = Integer.parseInt(step[1]);
                }
                int from;
                int to;
                if (step[0].equals("*") || step[0].equals("?")) {
                    from = min;
                    to = max;
                } else if (step[0].contains("-")) {
                    String[] r = step[0].split("-", 2);
                    from = Integer.parseInt(r[0]);
                    to = Integer.parseInt(r[1]);
                } else {
                    from = Integer.parseInt(step[0]);
                    to = step.length == 2 ? max : from;
                }
                if (by < 1 || from < min || to > max) {
                    return null;
                }
                for (int v = from; v <= to; v += by) {
                    out.set(v);
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

    /** Parses each field alone (the others '*') so an error names the field that is wrong. */
    private static void checkEachField(String text, String[] f, String[] names, CronStyle style) {
        for (int i = 0; i < f.length; i++) {
            String[] probe = new String[f.length];
            java.util.Arrays.fill(probe, "*");
            if (f.length == 6 && i != 0) {
                probe[0] = "0";
            }
            probe[i] = f[i];
            try {
                new CronSchedule(String.join(" ", probe), ZoneOffset.UTC, style);
            } catch (RuntimeException e) {
                throw new InvalidRequestException("Frequency '" + text + "': the " + names[i] + " field '" + f[i] + "' is invalid ("
                        + e.getMessage().replace("Failed to parse cron expression. ", "") + "). Fields: " + String.join(" ", names)
                        + ".");
            }
        }
        try {
            new CronSchedule(String.join(" ", f), ZoneOffset.UTC, style);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Frequency '" + text + "' is invalid: " + e.getMessage());
        }
    }

    private List<Schedule> schedules(ZoneId zone) {
        return byZone.computeIfAbsent(zone, z -> {
            List<Schedule> list = new ArrayList<>();
            for (String h : halves) {
                list.add(new CronSchedule(h, z, style));
            }
            return list;
        });
    }

    /**
     * @param after an instant
     * @param zone  the zone the wall-clock times are in
     * @return the first firing strictly after {@code after}
     */
    public Instant next(Instant after, ZoneId zone) {
        Instant candidate = earliest(after, zone);
        // A wall-clock time that a spring-forward change skips (02:30 in Berlin, 03:30 in Athens) still fires
        // that day, at the moment the clocks jump, as Unix cron does; the cron library alone would skip the day.
        ZoneRules rules = zone.getRules();
        for (ZoneOffsetTransition t = rules.nextTransition(after); t != null && t.getInstant().isBefore(candidate);
                t = rules.nextTransition(t.getInstant())) {
            if (t.isGap()) {
                // evaluate the cron on the local timeline (as if UTC): does it fire inside the gap?
                Instant gapStart = t.getDateTimeBefore().toInstant(ZoneOffset.UTC);
                Instant gapEnd = t.getDateTimeAfter().toInstant(ZoneOffset.UTC);
                if (earliest(gapStart.minusNanos(1), ZoneOffset.UTC).isBefore(gapEnd)) {
                    return t.getInstant();
                }
            }
        }
        return candidate;
    }

    private Instant earliest(Instant after, ZoneId zone) {
        Instant best = null;
        for (Schedule s : schedules(zone)) {
            Instant t = s.getNextExecutionTime(ExecutionComplete.simulatedSuccess(after));
            if (best == null || t.isBefore(best)) {
                best = t;
            }
        }
        return best;
    }

    /**
     * @param after an instant
     * @param zone  the zone
     * @param count how many
     * @return the next {@code count} firings after {@code after}, in order
     */
    public List<Instant> next(Instant after, ZoneId zone, int count) {
        List<Instant> out = new ArrayList<>(count);
        Instant t = after;
        for (int i = 0; i < count; i++) {
            t = next(t, zone);
            out.add(t);
        }
        return out;
    }

    /** @return how the frequency was written, normalized: {@code daily} or {@code cron 0 2 13 * 5} */
    public String text() {
        return text;
    }

    /** @return the cron expression it stands for ({@code daily} is {@code 0 2 * * *}) */
    public String cron() {
        return cron;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frequency f && f.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
