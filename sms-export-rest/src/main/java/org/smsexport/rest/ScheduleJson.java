package org.smsexport.rest;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleRequest;
import org.smsexport.scheduler.ScheduleRun;

/** Schedules in the API's words: a request from its fields, and a schedule or a run as the JSON the API answers. */
public final class ScheduleJson {

    private ScheduleJson() {
    }

    /**
     * @param template  a template of the owner's that each run starts from, or {@code null}; the type and format
     *                  default to the template's
     * @param templates where templates are kept
     * @return a request from the command line's or the API's words; every value is checked by the scheduler
     * @throws org.smsexport.InvalidRequestException when the template does not exist, or type or format is missing
     */
    public static ScheduleRequest request(String owner, String type, String format, String frequency, String zone,
            Map<String, String> filters, Map<String, String> options, String notify, String catchUp, String template,
            org.smsexport.core.ExportTemplates templates) {
        String t = type;
        String f = format;
        if (template != null) {
            org.smsexport.ExportTemplate saved = templates.find(owner, template).orElseThrow(() -> new org.smsexport.InvalidRequestException(
                    "No template '" + template + "' of " + owner + "."));
            t = t != null ? t : saved.type();
            f = f != null ? f : saved.format();
        }
        if (t == null || f == null) {
            throw new org.smsexport.InvalidRequestException("The export type and format are required (or a template).");
        }
        ScheduleRequest r = request(owner, t, f, frequency, zone, filters, options, notify, catchUp);
        return template == null ? r : new ScheduleRequest(r.owner(), r.type(), r.format(), r.filters(), r.options(), r.notifyEmail(),
                r.frequency(), r.zone(), r.catchUp(), r.catchUpWindow(), java.util.Optional.of(template), r.delta(), r.locale());
    }

    public static ScheduleRequest request(String owner, String type, String format, String frequency, String zone,
            Map<String, String> filters, Map<String, String> options, String notify, String catchUp) {
        ScheduleRequest.Builder b = ScheduleRequest.builder(owner, type, format).frequency(frequency).filters(filters)
                .notifyEmail(notify);
        options.forEach(b::option);
        if (zone != null) {
            b.zone(org.smsexport.support.TimeZones.of(zone));
        }
        if (catchUp != null) {
            b.catchUp(CatchUp.parse(catchUp));
        }
        return b.build();
    }

    /** @return a schedule as the JSON the CLI prints and the API answers */
    public static Map<String, Object> toMap(ScheduleInfo s) {
        ScheduleRequest r = s.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("owner", r.owner());
        m.put("export_type", r.type());
        m.put("export_format", r.format());
        m.put("filters", r.filters());
        m.put("notify_email", r.notifyEmail().orElse(null));
        String text = r.frequency().text();
        m.put("frequency", text);
        m.put("cron_expression", text.startsWith("cron ") ? text.substring(5) : null);
        m.put("cron", r.frequency().cron());
        m.put("name", r.template().orElse(r.type() + " " + r.format() + " " + text));
        m.put("is_active", !s.paused());
        m.put("zone", r.zone().getId());
        m.put("catch_up", r.catchUp().label());
        m.put("delta", r.delta());
        m.put("locale", r.locale().map(java.util.Locale::toLanguageTag).orElse(null));
        m.put("template", r.template().orElse(null));
        m.put("paused", s.paused());
        m.put("created_at", s.createdAt().toString());
        m.put("next_fire", s.nextFire().map(t -> iso(t.atZone(r.zone()))).orElse(null));
        m.put("last_run", s.lastRun().map(ScheduleJson::toMap).orElse(null));
        m.put("next_run_at", s.paused() ? null : s.nextFire().map(Object::toString).orElse(null));
        m.put("last_run_at", s.lastRun().map(run -> run.startedAt().toString()).orElse(null));
        m.put("updated_at", s.createdAt().toString());
        return m;
    }

    /**
     * @param s a schedule
     * @return it as the API answers: {@link #toMap(ScheduleInfo)} with {@code frequency} as the original admin page reads it
     *         ({@code HOURLY}, {@code DAILY}, {@code WEEKLY}, {@code MONTHLY}, or {@code CUSTOM} with {@code cron_expression})
     *         and the CLI's text ({@code weekly}, {@code cron 0 2 * * 1}) as {@code frequency_text}
     */
    public static Map<String, Object> toPageMap(ScheduleInfo s) {
        Map<String, Object> m = toMap(s);
        String text = s.request().frequency().text();
        m.put("frequency", text.startsWith("cron ") ? "CUSTOM" : text.toUpperCase(java.util.Locale.ROOT));
        m.put("frequency_text", text);
        return m;
    }

    /** @return the time with its offset and always with seconds: {@code 2026-11-27T02:30:00+02:00} */
    public static String iso(ZonedDateTime t) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }

    /** @return the run's status in the case every other status prints in: {@code completed}, {@code skipped} */
    public static String status(ScheduleRun run) {
        return run.status().id();
    }

    public static Map<String, Object> toMap(ScheduleRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", run.slot().toString());
        m.put("trigger", run.trigger());
        m.put("status", status(run));
        m.put("job_id", run.jobId().orElse(null));
        m.put("error", run.error().orElse(null));
        m.put("node", run.node());
        return m;
    }
}
