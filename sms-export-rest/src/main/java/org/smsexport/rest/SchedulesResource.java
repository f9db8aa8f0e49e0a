package org.smsexport.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.smsexport.rest.Http.HttpError;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleRequest;

import static org.smsexport.rest.ExportApi.MAX_PAGE;
import static org.smsexport.rest.ExportApi.MAX_SCHEDULES_PER_USER;
import static org.smsexport.rest.ExportApi.MIN_SCHEDULE_INTERVAL;
import static org.smsexport.rest.Http.*;

/** Scheduled exports: the seed's CRUD, the original admin page's update and toggle, pause, resume, run now, runs, preview. */
final class SchedulesResource extends Resource {

    SchedulesResource(Resource.Shared shared) {
        super(shared);
    }

    /** The seed's documented {@code /schedules} CRUD, owner-scoped like exports. */
    void schedules(Exchange ex, String path, String method) throws IOException, HttpError {
        if (path.equals(SCHEDULES)) {
            allow(method, "GET", "POST");
            ApiUser u = user(ex);
            if (method.equals("POST")) {
                JsonNode body = body(ex);
                Map<String, String> filters = textFilters(body).orElse(Map.of());
                String frequency = frequency(body);
                if (frequency == null) {
                    throw new HttpError(400, "bad_request", "'frequency' is required: hourly, daily, weekly, monthly or 'cron EXPR'.");
                }
                String type = text(body, "export_type");
                String format = text(body, "export_format");
                // with a template the id names its type and format, and each run takes the template as it is then
                ScheduleRequest request = ScheduleJson.request(u.name(), type, format, frequency, text(body, "zone"), filters, options(body),
                        text(body, "notify_email"), text(body, "catch_up"), text(body, "template"), exports.templates());
                String locale = text(body, "locale");
                if (locale != null) {
                    request = request.withLocale(java.util.Locale.forLanguageTag(locale));
                }
                JsonNode delta = body.get("delta");
                if (delta != null && !delta.isNull()) {
                    if (!delta.isBoolean()) {
                        throw new HttpError(400, "bad_request", "'delta' must be true or false, got " + delta + ".");
                    }
                    request = request.withDelta(delta.asBoolean());
                }
                if (!u.admin()) {
                    if (schedules.list(u.name()).size() >= MAX_SCHEDULES_PER_USER) {
                        throw new HttpError(409, "limit_reached", "You have " + MAX_SCHEDULES_PER_USER + " schedules, the most one user "
                                + "may keep; delete one first.");
                    }
                    checkInterval(request.frequency(), request.zone());
                }
                String id = schedules.schedule(request);
                ok(ex, 201, ScheduleJson.toPageMap(schedules.get(id).orElseThrow()));
            } else {
                // the original admin page reads the list itself (ExportSchedule[]); skip and limit still apply
                ok(ex, 200, page(query(ex), u.admin() ? schedules.list() : schedules.list(u.name()), s -> ScheduleJson.toPageMap(s)).get("items"));
            }
            return;
        }
        if (path.equals(SCHEDULES + "/preview")) {
            allow(method, "GET");
            user(ex);
            preview(ex);
            return;
        }
        Matcher action = SCHEDULE_ACTION.matcher(path);
        if (action.matches()) {
            ApiUser u = user(ex);
            String id = action.group(1);
            ScheduleInfo s = schedules.get(id).filter(i -> u.admin() || i.request().owner().equals(u.name()))
                    .orElseThrow(() -> new HttpError(404, "not_found", "No such schedule."));
            String verb = action.group(2);
            if (verb.equals("runs")) {
                allow(method, "GET");
                List<Map<String, Object>> runs = new ArrayList<>();
                for (org.smsexport.scheduler.ScheduleRun r : schedules.runs(s.id(), number(query(ex), "limit", 20, 1, MAX_PAGE))) {
                    Map<String, Object> m = ScheduleJson.toMap(r);
                    m.put("started_at", r.startedAt().toString());
                    m.put("finished_at", r.finishedAt().map(Object::toString).orElse(null));
                    runs.add(m);
                }
                ok(ex, 200, Map.of("items", runs));
                return;
            }
            allow(method, "POST");
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id);
            switch (verb) {
                case "pause":
                    schedules.pause(id);
                    break;
                case "resume":
                    schedules.resume(id);
                    break;
                default:
                    d.put("job_id", schedules.runNow(id).value());
            }
            d.put("schedule", ScheduleJson.toPageMap(schedules.get(id).orElseThrow()));
            ok(ex, 200, d);
            return;
        }
        if (path.endsWith("/toggle")) {
            // the original admin page's pause/resume: {"is_active": false} pauses, true resumes, nothing flips
            allow(method, "PUT", "POST");
            ApiUser u = user(ex);
            String id = path.substring(SCHEDULES.length() + 1, path.length() - "/toggle".length());
            ScheduleInfo s = schedules.get(id).filter(i -> u.admin() || i.request().owner().equals(u.name()))
                    .orElseThrow(() -> new HttpError(404, "not_found", "No such schedule."));
            byte[] raw = ex.body();
            JsonNode body = raw.length == 0 ? JSON.createObjectNode() : body(raw);
            JsonNode active = body.get("is_active");
            if (active != null && !active.isNull() && !active.isBoolean()) {
                throw new HttpError(400, "bad_request", "'is_active' must be true or false, got " + active + ".");
            }
            boolean activate = active == null || active.isNull() ? s.paused() : active.asBoolean();
            if (activate) {
                schedules.resume(id);
            } else {
                schedules.pause(id);
            }
            ok(ex, 200, ScheduleJson.toPageMap(schedules.get(id).orElseThrow()));
            return;
        }
        allow(method, "GET", "PUT", "DELETE");
        ApiUser u = user(ex);
        String id = path.substring(SCHEDULES.length() + 1);
        ScheduleInfo s = schedules.get(id).filter(i -> u.admin() || i.request().owner().equals(u.name()))
                .orElseThrow(() -> new HttpError(404, "not_found", "No such schedule."));
        if (method.equals("PUT")) {
            ok(ex, 200, updateSchedule(s, body(ex), u));
            return;
        }
        if (method.equals("GET")) {
            Map<String, Object> d = ScheduleJson.toPageMap(s);
            d.put("next_fire_times", schedules.nextFireTimes(id, 5).stream().map(ScheduleJson::iso).toList());
            ok(ex, 200, d);
        } else {
            schedules.cancel(id);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id);
            d.put("deleted", true);
            ok(ex, 200, d);
        }
    }

    /**
     * @return the body's frequency: ours ({@code weekly}, {@code cron EXPR}) or the original page's ({@code WEEKLY}, or
     *         {@code CUSTOM} with {@code cron_expression}); {@code null} when it has none
     */
    static String frequency(JsonNode body) throws HttpError {
        String frequency = text(body, "frequency");
        String cron = text(body, "cron_expression");
        if (frequency != null && frequency.strip().equalsIgnoreCase("custom")) {
            if (cron == null || cron.isBlank()) {
                throw new HttpError(400, "bad_request", "Frequency CUSTOM needs 'cron_expression' (minute hour day-of-month month "
                        + "day-of-week).");
            }
            return "cron " + cron.strip();
        }
        return frequency == null && cron != null ? "cron " + cron.strip() : frequency;
    }

    /**
     * The original admin page's edit: the schedule's request with what the body changes (type, format, frequency, zone,
     * filters, options, notify e-mail, catch-up, delta, {@code is_active}). A changed request is a schedule of its own id:
     * the new one is made first, then the old one removed, so a failure leaves the old one as it was.
     */
    Map<String, Object> updateSchedule(ScheduleInfo s, JsonNode body, ApiUser u) throws HttpError {
        ScheduleRequest r = s.request();
        Map<String, String> filters = textFilters(body).orElse(r.filters());
        Map<String, String> options = body.has("options") ? options(body) : r.options();
        String frequency = Optional.ofNullable(frequency(body)).orElse(r.frequency().text());
        String format = Optional.ofNullable(text(body, "export_format")).orElse(r.format());
        String type = Optional.ofNullable(text(body, "export_type")).orElse(r.type());
        String zone = Optional.ofNullable(text(body, "zone")).orElse(r.zone().getId());
        String notify = body.has("notify_email") ? text(body, "notify_email") : r.notifyEmail().orElse(null);
        String catchUp = Optional.ofNullable(text(body, "catch_up")).orElse(r.catchUp().label());
        ScheduleRequest changed = ScheduleJson.request(r.owner(), type, format, frequency, zone, filters, options, notify, catchUp,
                r.template().orElse(null), exports.templates());
        JsonNode delta = body.get("delta");
        changed = changed.withDelta(delta != null && delta.isBoolean() ? delta.asBoolean() : r.delta());
        String locale = body.has("locale") ? text(body, "locale") : r.locale().map(java.util.Locale::toLanguageTag).orElse(null);
        changed = changed.withLocale(locale == null ? null : java.util.Locale.forLanguageTag(locale));
        if (!u.admin()) {
            checkInterval(changed.frequency(), changed.zone());
        }
        String id = s.id();
        if (!changed.equals(r)) {
            String made = schedules.schedule(changed);
            if (!made.equals(id)) {
                schedules.cancel(id);
                if (s.paused()) {
                    schedules.pause(made);
                }
            }
            id = made;
        }
        JsonNode active = body.get("is_active");
        if (active != null && active.isBoolean()) {
            if (active.asBoolean()) {
                schedules.resume(id);
            } else {
                schedules.pause(id);
            }
        }
        return ScheduleJson.toPageMap(schedules.get(id).orElseThrow());
    }

    /** A user's schedule fires at most every {@link #MIN_SCHEDULE_INTERVAL}: judged from its next few firings. */
    static void checkInterval(org.smsexport.scheduler.Frequency frequency, java.time.ZoneId zone) throws HttpError {
        List<java.time.Instant> next = frequency.next(java.time.Instant.now(), zone, 4);
        for (int i = 1; i < next.size(); i++) {
            if (java.time.Duration.between(next.get(i - 1), next.get(i)).compareTo(MIN_SCHEDULE_INTERVAL) < 0) {
                throw new HttpError(400, "bad_request", "Frequency '" + frequency.text() + "' fires more often than every "
                        + MIN_SCHEDULE_INTERVAL.toMinutes() + " minutes, the most a user's schedule may; an administrator may set it.");
            }
        }
    }

    /** The next five fire times of a frequency not yet saved: {@code ?frequency=cron 0 2 * * 0&zone=Europe/Athens}. */
    void preview(Exchange ex) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        String frequency = q.get("frequency");
        if (frequency == null || frequency.isBlank()) {
            throw new HttpError(400, "bad_request", "'frequency' is required: hourly, daily, weekly, monthly or 'cron EXPR'.");
        }
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(q.getOrDefault("zone", "UTC"));
        } catch (java.time.DateTimeException e) {
            throw new HttpError(400, "bad_request", "Time zone '" + q.get("zone") + "' is unknown; use a region id such as Europe/Athens or UTC.");
        }
        org.smsexport.scheduler.Frequency f = org.smsexport.scheduler.Frequency.parse(frequency);
        List<String> times = new ArrayList<>();
        for (java.time.Instant t : f.next(java.time.Instant.now(), zone, 5)) {
            times.add(ScheduleJson.iso(t.atZone(zone)));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("frequency", f.text());
        d.put("cron", f.cron());
        d.put("zone", zone.getId());
        d.put("next_fire_times", times);
        ok(ex, 200, d);
    }
}
