package org.smsexport.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportException;
import org.smsexport.ExportFormat;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStatus;
import org.smsexport.QueueFullException;
import org.smsexport.UnsupportedFormatException;
import org.smsexport.core.DownloadLinks;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.DuplicateScheduleException;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleNotFoundException;
import org.smsexport.scheduler.ScheduleRequest;

/**
 * The original system's export API, independent of the HTTP server under it: {@code /api/v1/import-export/exports}
 * (submit, list, one job, delete), {@code /formats}, {@code /schedules} (CRUD, when a scheduler is given), signed
 * and expiring downloads on {@code /api/v1/export-jobs/{id}/download?token=…}, and {@code /health}. Users see only
 * their own jobs and schedules (someone else's is a 404) unless they are admins; every error is the same JSON
 * envelope ({@link #envelope}); a full export queue is a 429 with {@code Retry-After}; files are streamed from
 * disk. The CLI's {@code serve} runs it on Jetty, the Spring Boot starter on Spring MVC. Thread-safe.
 */
public final class ExportApi {

    /** The media type of every JSON answer. */
    public static final String JSON_TYPE = "application/json; charset=utf-8";
    /** Downloads one client address may have running at once; more are a 429 (behind a proxy, the proxy is one client). */
    public static final int MAX_DOWNLOADS_PER_CLIENT = 16;
    /** The most items one page of a list holds ({@code limit}). */
    public static final int MAX_PAGE = 500;
    /** The most days a statistics or metrics query looks back. */
    public static final int MAX_DAYS = 366;
    /** The most schedules one user (not an admin) may keep. */
    public static final int MAX_SCHEDULES_PER_USER = 100;
    /** The most templates one user (not an admin) may keep. */
    public static final int MAX_TEMPLATES_PER_USER = 200;
    /** How often a user's (not an admin's) schedule may fire at most. */
    public static final java.time.Duration MIN_SCHEDULE_INTERVAL = java.time.Duration.ofMinutes(5);
    private static final int MAX_TEXT = 1000;
    private static final int MAX_KEY = 64;
    private static final int MAX_ENTRIES = 64;
    private static final int MAX_OBJECT = 4000;
    private static final Map<String, Integer> FIELD_LIMITS = Map.of("name", 64, "export_type", 63, "export_format", 32, "locale", 35,
            "notify_email", 320, "zone", 64, "frequency", 200, "template", 64, "catch_up", 16, "changed_since", 40);
    /** The largest request body the API reads, in bytes. */
    public static final int MAX_BODY = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ExportApi.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String EXPORTS = "/api/v1/import-export/exports";
    private static final Pattern DOWNLOAD = Pattern.compile("/api/v1/export-jobs/([^/]+)/download");
    private static final Pattern SCHEDULE_ACTION = Pattern.compile("/api/v1/import-export/schedules/([^/]+)/(pause|resume|run|runs)");
    private static final String BASE = "/api/v1/import-export";
    private static final String TEMPLATES = "/api/v1/import-export/templates";
    private static final String SCHEDULES = "/api/v1/import-export/schedules";

    private final ExportService exports;
    private final ExportScheduler schedules;
    private final Authenticator auth;
    private final DownloadLinks links;
    private final Supplier<String> baseUrl;
    private final CrossSiteGuard guard;
    private volatile EmailSettings email;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> downloads =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * An API that trusts requests from its own origin only (the {@code Host} the request names, and the base URL's).
     *
     * @param exports   the service; it must sign download links ({@code ExportService.Builder.downloadLinks})
     * @param schedules the scheduler behind {@code /schedules}, or {@code null} to answer those with 404
     * @param auth      who makes a request
     * @param baseUrl   the public base URL download links start with, asked for each link
     * @throws IllegalArgumentException when the service signs no download links
     */
    public ExportApi(ExportService exports, ExportScheduler schedules, Authenticator auth, Supplier<String> baseUrl) {
        this(exports, schedules, auth, baseUrl, List.of());
    }

    /**
     * @param exports        the service; it must sign download links ({@code ExportService.Builder.downloadLinks})
     * @param schedules      the scheduler behind {@code /schedules}, or {@code null} to answer those with 404
     * @param auth           who makes a request
     * @param baseUrl        the public base URL download links start with, asked for each link
     * @param trustedOrigins further origins whose pages may change things here ({@code https://sms.school.example}),
     *                       besides this server's own; see {@link CrossSiteGuard}
     * @throws IllegalArgumentException when the service signs no download links, or an origin is not
     *                                  {@code scheme://host[:port]}
     */
    public ExportApi(ExportService exports, ExportScheduler schedules, Authenticator auth, Supplier<String> baseUrl,
            java.util.Collection<String> trustedOrigins) {
        this.exports = exports;
        this.schedules = schedules;
        this.auth = auth;
        this.baseUrl = baseUrl;
        this.links = exports.downloadLinks().orElseThrow(() -> new IllegalArgumentException("the service needs download links"));
        this.guard = new CrossSiteGuard(trustedOrigins, baseUrl);
    }

    /**
     * @param value the mail settings {@code …/settings/email} shows and tests with; {@code null} for none configured
     * @return this API
     */
    public ExportApi emailSettings(EmailSettings value) {
        this.email = value;
        return this;
    }

    /** An answer with a status, for the error envelope. */
    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final transient Map<String, String> headers;

        HttpError(int status, String code, String message, Map<String, String> headers) {
            super(message);
            this.status = status;
            this.code = code;
            this.headers = headers;
        }

        HttpError(int status, String code, String message) {
            this(status, code, message, Map.of());
        }
    }

    /**
     * Answers one request: routes it, and turns every failure into the JSON envelope with the right status.
     *
     * @param ex the request and its answer
     * @throws IOException when the client cannot be written to
     */
    public void handle(Exchange ex) throws IOException {
        try {
            Optional<CrossSiteGuard.Refusal> refused = guard.check(ex);
            if (refused.isPresent()) {
                throw new HttpError(refused.get().status(), refused.get().code(), refused.get().message());
            }
            route(ex);
        } catch (HttpError e) {
            e.headers.forEach(ex::setHeader);
            error(ex, e.status, e.code, e.getMessage());
        } catch (DuplicateScheduleException | org.smsexport.DuplicateTemplateException e) {
            error(ex, 409, "conflict", e.getMessage());
        } catch (ScheduleNotFoundException e) {
            error(ex, 404, "not_found", "No such schedule.");
        } catch (InvalidRequestException | UnsupportedFormatException e) {
            error(ex, 400, "bad_request", e.getMessage());
        } catch (JobNotFoundException e) {
            error(ex, 404, "not_found", "No such export job.");
        } catch (org.smsexport.JobStateException e) {
            error(ex, 409, "conflict", e.getMessage());
        } catch (QueueFullException e) {
            ex.setHeader("Retry-After", "5");
            error(ex, 429, "too_many_requests", e.getMessage());
        } catch (ExportException e) {
            error(ex, 500, "export_error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Request {} {} failed", ex.method(), ex.path(), e);
            error(ex, 500, "internal_error", "The request failed; the server log has the details.");
        }
    }

    private void route(Exchange ex) throws IOException, HttpError {
        String path = ex.path();
        String method = ex.method();
        if (path.equals("/health")) {
            allow(method, "GET");
            json(ex, 200, Map.of("status", "ok"));
            return;
        }
        Matcher download = DOWNLOAD.matcher(path);
        if (download.matches()) {
            allow(method, "GET");
            download(ex, download.group(1));
            return;
        }
        if (path.equals(TEMPLATES) || path.startsWith(TEMPLATES + "/")) {
            templates(ex, path, method);
            return;
        }
        if (path.equals(BASE + "/nodes")) {
            allow(method, "GET");
            if (!user(ex).admin()) {
                throw new HttpError(403, "forbidden", "The nodes are for administrators.");
            }
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (org.smsexport.ExportNode n : exports.nodes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n.name());
                m.put("started_at", n.startedAt().toString());
                m.put("last_heartbeat", n.lastHeartbeat().toString());
                m.put("running_jobs", n.runningJobs());
                m.put("workers", n.workers());
                nodes.add(m);
            }
            ok(ex, 200, nodes);
            return;
        }
        if (path.equals(BASE + "/audit")) {
            allow(method, "GET");
            audit(ex, user(ex));
            return;
        }
        if (path.equals(BASE + "/types")) {
            allow(method, "GET");
            user(ex);
            ok(ex, 200, types(query(ex)));
            return;
        }
        if (path.equals(BASE + "/stats")) {
            allow(method, "GET");
            stats(ex, user(ex));
            return;
        }
        if (path.equals(BASE + "/metrics")) {
            allow(method, "GET");
            metrics(ex, user(ex));
            return;
        }
        if (path.equals(BASE + "/metrics/performance/stats")) {
            allow(method, "GET");
            ApiUser u = user(ex);
            Map<String, String> q = query(ex);
            ok(ex, 200, monitor().performanceStats(Optional.ofNullable(q.get("type")), number(q, "days", 7, 1, MAX_DAYS),
                    u.admin() ? Optional.empty() : Optional.of(u.name())).toMap());
            return;
        }
        if (path.equals(BASE + "/metrics/slowest")) {
            allow(method, "GET");
            ApiUser u = user(ex);
            int limit = number(query(ex), "limit", 10, 1, 100);
            List<Map<String, Object>> slowest = new ArrayList<>();
            for (org.smsexport.ExportMetrics m : monitor().slowestExports(limit * 20 + 200)) {
                if ((u.admin() || m.owner().equals(u.name())) && slowest.size() < limit) {
                    slowest.add(metricsJob(m));
                }
            }
            ok(ex, 200, slowest);
            return;
        }
        if (path.equals(BASE + "/settings")) {
            allow(method, "GET");
            user(ex);
            ok(ex, 200, settings());
            return;
        }
        if (path.equals(BASE + "/settings/email")) {
            allow(method, "GET");
            user(ex);
            EmailSettings e = email;
            Map<String, Object> d = new LinkedHashMap<>();
            if (e == null) {
                d.put("enabled", false);
                d.put("smtp_host", null);
                d.put("smtp_port", null);
                d.put("from_email", null);
                d.put("admin_emails", List.of());
            } else {
                d.putAll(e.view());
                d.remove("smtp_password");
            }
            ok(ex, 200, d);
            return;
        }
        if (path.equals(BASE + "/settings/email/test")) {
            allow(method, "POST");
            if (!user(ex).admin()) {
                throw new HttpError(403, "forbidden", "Sending a test mail is for administrators.");
            }
            String to = text(body(ex), "recipient_email");
            if (to == null || to.isBlank()) {
                throw new HttpError(400, "bad_request", "'recipient_email' is required: where to send the test mail.");
            }
            EmailSettings e = email;
            if (e == null) {
                throw new HttpError(409, "not_configured", "No mail server is configured (SMTP_HOST, ENABLE_EMAIL_NOTIFICATIONS).");
            }
            Optional<String> failed = e.sendTest(to.strip());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("success", failed.isEmpty());
            d.put("recipient_email", to.strip());
            d.put("error", failed.orElse(null));
            ok(ex, 200, d);
            return;
        }
        if (path.equals("/api/v1/import-export/formats")) {
            allow(method, "GET");
            user(ex);
            formats(ex);
            return;
        }
        if (path.equals(EXPORTS)) {
            allow(method, "GET", "POST");
            ApiUser u = user(ex);
            if (method.equals("POST")) {
                submit(ex, u);
            } else {
                list(ex, u);
            }
            return;
        }
        if (path.startsWith(EXPORTS + "/") && path.endsWith("/rerun")) {
            // the original admin page's "run again": a new job with the same request (202, as a submit answers)
            allow(method, "POST");
            ApiUser u = user(ex);
            ExportJob job = visible(path.substring(EXPORTS.length() + 1, path.length() - "/rerun".length()), u);
            // a password export cannot run again (409): its password was never stored
            ExportJob again = exports.rerun(job.id(), Optional.ofNullable(ex.clientAddress()).orElse(""));
            Map<String, Object> d = new LinkedHashMap<>(view(again));
            d.put("job_id", again.id().value()); // the original admin page's name
            ok(ex, 202, d);
            return;
        }
        if (path.startsWith(EXPORTS + "/") && path.endsWith("/download")) {
            // the original admin page's download: the caller's own credentials instead of a signed link
            allow(method, "GET");
            ApiUser u = user(ex);
            ExportJob job = visible(path.substring(EXPORTS.length() + 1, path.length() - "/download".length()), u);
            if (job.status() != JobStatus.COMPLETED) {
                throw new HttpError(409, "not_ready", "The export is " + job.status().id() + "; there is no file to download.");
            }
            send(ex, job, u.name(), "GET " + path, java.time.Instant.now().plus(java.time.Duration.ofMinutes(5)));
            return;
        }
        if (path.startsWith(EXPORTS + "/")) {
            allow(method, "GET", "DELETE");
            ApiUser u = user(ex);
            ExportJob job = visible(path.substring(EXPORTS.length() + 1), u);
            if (method.equals("GET")) {
                ok(ex, 200, view(job));
            } else {
                boolean deleted = exports.delete(job.id(), u.name());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("id", job.id().value());
                d.put("deleted", deleted);
                d.put("status", deleted ? "deleted" : exports.job(job.id()).map(j -> j.status().id()).orElse("deleted"));
                ok(ex, 200, d);
            }
            return;
        }
        if (schedules != null && (path.equals(SCHEDULES) || path.startsWith(SCHEDULES + "/"))) {
            schedules(ex, path, method);
            return;
        }
        throw new HttpError(404, "not_found", "No such resource: " + path);
    }

    /** The seed's documented {@code /schedules} CRUD, owner-scoped like exports. */
    private void schedules(Exchange ex, String path, String method) throws IOException, HttpError {
        if (path.equals(SCHEDULES)) {
            allow(method, "GET", "POST");
            ApiUser u = user(ex);
            if (method.equals("POST")) {
                JsonNode body = body(ex);
                Map<String, String> filters = new LinkedHashMap<>();
                JsonNode f = body.get("filters");
                if (f != null && !f.isNull()) {
                    if (!f.isObject()) {
                        throw new HttpError(400, "bad_request", "'filters' must be an object of key: value.");
                    }
                    f.properties().forEach(e -> filters.put(e.getKey(), e.getValue().asText()));
                }
                String frequency = frequency(body);
                if (frequency == null) {
                    throw new HttpError(400, "bad_request", "'frequency' is required: hourly, daily, weekly, monthly or 'cron EXPR'.");
                }
                String type = text(body, "export_type");
                String format = text(body, "export_format");
                // with a template the id names its type and format, and each run takes the template as it is then
                ScheduleRequest request = ScheduleJson.request(u.name(), type, format, frequency, text(body, "zone"), filters, options(body),
                        text(body, "notify_email"), text(body, "catch_up"), text(body, "template"), exports.templates());
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
                ok(ex, 201, ScheduleJson.toMap(schedules.get(id).orElseThrow()));
            } else {
                // the original admin page reads the list itself (ExportSchedule[]); skip and limit still apply
                ok(ex, 200, page(query(ex), u.admin() ? schedules.list() : schedules.list(u.name()), s -> ScheduleJson.toMap(s)).get("items"));
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
            d.put("schedule", ScheduleJson.toMap(schedules.get(id).orElseThrow()));
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
            JsonNode body = ex.body().length == 0 ? JSON.createObjectNode() : body(ex);
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
            ok(ex, 200, ScheduleJson.toMap(schedules.get(id).orElseThrow()));
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
            Map<String, Object> d = ScheduleJson.toMap(s);
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
    private static String frequency(JsonNode body) throws HttpError {
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
    private Map<String, Object> updateSchedule(ScheduleInfo s, JsonNode body, ApiUser u) throws HttpError {
        ScheduleRequest r = s.request();
        Map<String, String> filters = new LinkedHashMap<>(r.filters());
        JsonNode f = body.get("filters");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) {
                throw new HttpError(400, "bad_request", "'filters' must be an object of key: value.");
            }
            filters.clear();
            f.properties().forEach(e -> filters.put(e.getKey(), e.getValue().asText()));
        }
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
        return ScheduleJson.toMap(schedules.get(id).orElseThrow());
    }

    /** One page ({@code skip}, {@code limit} up to {@link #MAX_PAGE}) of a list, with its total. */
    private static <T> Map<String, Object> page(Map<String, String> q, List<T> all, java.util.function.Function<T, Map<String, Object>> json)
            throws HttpError {
        int skip = number(q, "skip", 0, 0, Integer.MAX_VALUE);
        int limit = number(q, "limit", MAX_PAGE, 1, MAX_PAGE);
        List<Map<String, Object>> items = new ArrayList<>();
        for (T t : all.subList(Math.min(skip, all.size()), (int) Math.min((long) skip + limit, all.size()))) {
            items.add(json.apply(t));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", items);
        d.put("total", all.size());
        d.put("skip", skip);
        d.put("limit", limit);
        return d;
    }

    /** A user's schedule fires at most every {@link #MIN_SCHEDULE_INTERVAL}: judged from its next few firings. */
    private static void checkInterval(org.smsexport.scheduler.Frequency frequency, java.time.ZoneId zone) throws HttpError {
        List<java.time.Instant> next = frequency.next(java.time.Instant.now(), zone, 4);
        for (int i = 1; i < next.size(); i++) {
            if (java.time.Duration.between(next.get(i - 1), next.get(i)).compareTo(MIN_SCHEDULE_INTERVAL) < 0) {
                throw new HttpError(400, "bad_request", "Frequency '" + frequency.text() + "' fires more often than every "
                        + MIN_SCHEDULE_INTERVAL.toMinutes() + " minutes, the most a user's schedule may; an administrator may set it.");
            }
        }
    }

    private static void allow(String method, String... allowed) throws HttpError {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new HttpError(405, "method_not_allowed", "Method " + method + " is not allowed here; use " + String.join(" or ", allowed)
                + ".", Map.of("Allow", String.join(", ", allowed)));
    }

    private ApiUser user(Exchange ex) throws HttpError {
        Optional<ApiUser> u = auth.user(ex);
        if (u.isEmpty()) {
            String challenge = auth.challenge();
            throw new HttpError(401, "unauthorized", challenge != null && challenge.startsWith("Bearer")
                    ? "A valid bearer token is required." : "Sign in first.",
                    challenge == null ? Map.of() : Map.of("WWW-Authenticate", challenge));
        }
        return u.get();
    }

    /** The job, if the user may see it; someone else's job is reported as missing, not as forbidden. */
    private ExportJob visible(String id, ApiUser u) throws HttpError {
        ExportJob job = existing(id);
        if (!u.admin() && !job.owner().equals(u.name())) {
            throw new HttpError(404, "not_found", "No such export job.");
        }
        return job;
    }

    /** The job with this id; a malformed id is as missing as an unknown one. */
    private ExportJob existing(String id) throws HttpError {
        JobId jobId;
        try {
            jobId = JobId.of(id);
        } catch (InvalidRequestException e) {
            throw new HttpError(404, "not_found", "No such export job.");
        }
        return exports.job(jobId).orElseThrow(() -> new HttpError(404, "not_found", "No such export job."));
    }

    private void submit(Exchange ex, ApiUser u) throws IOException, HttpError {
        JsonNode body = body(ex);
        // file_format: the original system's name of the field, which its clients still send
        String format = text(body, "export_format") != null ? text(body, "export_format") : text(body, "file_format");
        ExportRequest.Builder r = ExportRequest.builder().owner(u.name()).clientAddress(ex.clientAddress()).type(text(body, "export_type"))
                .format(format);
        String template = text(body, "template");
        if (template != null) {
            // the template's values; what the body sets itself wins, filters and options key by key
            r.template(exports.templates().find(u.name(), template)
                    .orElseThrow(() -> new HttpError(404, "not_found", "No template '" + template + "'.")));
        }
        JsonNode filters = body.get("filters");
        if (filters != null && !filters.isNull()) {
            if (!filters.isObject()) {
                throw new HttpError(400, "bad_request", "'filters' must be an object of key: value.");
            }
            for (Map.Entry<String, JsonNode> f : filters.properties()) {
                if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                    throw new HttpError(400, "bad_request", "Filter '" + f.getKey() + "' must be a string, number or boolean.");
                }
                r.filter(f.getKey(), f.getValue().isNumber() ? f.getValue().numberValue() : f.getValue().asText());
            }
        }
        options(body).forEach(r::option);
        JsonNode limit = body.get("limit");
        if (limit != null && !limit.isNull()) {
            if (!limit.canConvertToLong() || !limit.isIntegralNumber()) {
                throw new HttpError(400, "bad_request", "'limit' must be a positive whole number, got " + limit + ".");
            }
            r.limit(limit.asLong());
        }
        String email = text(body, "notify_email");
        if (email != null) {
            r.notifyEmail(email);
        }
        String locale = text(body, "locale");
        if (locale != null) {
            r.locale(Locale.forLanguageTag(locale));
        }
        // a delta export: the rows changed since this instant (or date), each with its change, upsert or delete
        Optional<java.time.Instant> since = instant(Map.of("changed_since", Optional.ofNullable(text(body, "changed_since")).orElse("")),
                "changed_since");
        since.ifPresent(r::changedSince);
        ExportJob job = exports.submit(r.build());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", job.id().value());
        d.put("job_id", job.id().value()); // the original admin page's name
        d.put("status", job.status().id());
        d.put("export_type", job.type());
        d.put("export_format", job.format());
        d.put("progress_percent", job.progressPercent());
        ok(ex, 202, d);
    }

    /** @return the body's {@code options}: an object of strings, each named when it is not one */
    private static Map<String, String> options(JsonNode body) throws HttpError {
        JsonNode options = body.get("options");
        Map<String, String> out = new LinkedHashMap<>();
        if (options == null || options.isNull()) {
            return out;
        }
        if (!options.isObject()) {
            throw new HttpError(400, "bad_request", "'options' must be an object of name: \"value\" strings.");
        }
        for (Map.Entry<String, JsonNode> o : options.properties()) {
            if (!o.getValue().isTextual()) {
                throw new HttpError(400, "bad_request", "Option '" + o.getKey() + "' must be a string, got " + o.getValue().getNodeType()
                        .toString().toLowerCase(Locale.ROOT) + ".");
            }
            out.put(o.getKey(), o.getValue().asText());
        }
        return out;
    }

    private static String text(JsonNode body, String field) throws HttpError {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new HttpError(400, "bad_request", "'" + field + "' must be a string.");
        }
        return n.asText();
    }

    private static JsonNode body(Exchange ex) throws IOException, HttpError {
        byte[] bytes = ex.body();
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new HttpError(400, "bad_request", "The body must be a JSON object.");
            }
            checkSizes(n);
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "bad_json", "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void list(Exchange ex, ApiUser u) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        JobFilter f = JobFilter.all();
        if (!u.admin()) {
            f = f.withOwner(u.name());
        }
        if (q.containsKey("export_type")) {
            f = f.withType(q.get("export_type"));
        }
        if (q.containsKey("status")) {
            f = f.withStatuses(JobStatus.parse(q.get("status")));
        }
        int skip = number(q, "skip", 0, 0, Integer.MAX_VALUE);
        int limit = number(q, "limit", 50, 1, MAX_PAGE);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ExportJob j : exports.jobs(f.withPage(skip, limit))) {
            items.add(view(j));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", items);
        d.put("total", exports.countJobs(f));
        d.put("skip", skip);
        d.put("limit", limit);
        ok(ex, 200, d);
    }

    /** The audit trail, admins only: {@code job}, {@code actor}, {@code from}, {@code to} (instants or dates), {@code limit}. */
    private void audit(Exchange ex, ApiUser u) throws IOException, HttpError {
        if (!u.admin()) {
            throw new HttpError(403, "forbidden", "The audit trail is for administrators.");
        }
        Map<String, String> q = query(ex);
        int limit = number(q, "limit", 100, 1, MAX_PAGE);
        org.smsexport.AuditQuery query;
        try {
            query = new org.smsexport.AuditQuery(Optional.ofNullable(q.get("job")).map(JobId::of), Optional.ofNullable(q.get("actor")),
                    instant(q, "from"), instant(q, "to"), limit);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", e.getMessage());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (org.smsexport.AuditRecord r : exports.audit().list(query)) {
            items.add(org.smsexport.core.ExportAudit.json(r));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", items);
        d.put("limit", limit);
        ok(ex, 200, d);
    }

    private static Optional<java.time.Instant> instant(Map<String, String> q, String key) throws HttpError {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.length() == 10 ? java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.Instant.parse(v));
        } catch (java.time.format.DateTimeParseException e) {
            throw new HttpError(400, "bad_request", "'" + key + "' must be a date (2026-12-01) or an instant (2026-12-01T08:00:00Z), got '"
                    + v + "'.");
        }
    }

    private static int number(Map<String, String> q, String key, int dflt, int min, int max) throws HttpError {
        String v = q.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new HttpError(400, "bad_request", "'" + key + "' must be a whole number from " + min + " to " + max + ", got '"
                + printable(v) + "'.");
    }

    private static String printable(String v) {
        String s = v.replaceAll("[^\\x20-\\x7E\\u00A0-\\uFFFF]", "?");
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    /**
     * Every size a body may have, checked before anything is stored: a text field's length, and the number, names
     * and values of {@code filters} and {@code options}. A body past them is a 400 that names the field and the
     * limit, never a database's "value too long".
     */
    private static void checkSizes(JsonNode body) throws HttpError {
        for (Map.Entry<String, JsonNode> f : body.properties()) {
            String field = f.getKey();
            JsonNode v = f.getValue();
            if (v.isTextual()) {
                int max = FIELD_LIMITS.getOrDefault(field, MAX_TEXT);
                if (v.asText().length() > max) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may be at most " + max + " characters long, got "
                            + v.asText().length() + ".");
                }
            } else if (v.isObject()) {
                if (v.size() > MAX_ENTRIES) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may have at most " + MAX_ENTRIES + " entries, got "
                            + v.size() + ".");
                }
                int total = 0;
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    String value = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
                    if (e.getKey().length() > MAX_KEY || value.length() > MAX_TEXT) {
                        throw new HttpError(400, "bad_request", "In '" + printable(field) + "', names may be at most " + MAX_KEY
                                + " characters and values at most " + MAX_TEXT + "; '" + printable(e.getKey()) + "' is longer.");
                    }
                    total += e.getKey().length() + value.length() + 6;
                }
                if (total > MAX_OBJECT) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may hold at most " + MAX_OBJECT
                            + " characters of names and values, got about " + total + ".");
                }
            }
        }
    }

    /** The seed's templates, owner-scoped: create, list, read, replace, delete. */
    private void templates(Exchange ex, String path, String method) throws IOException, HttpError {
        ApiUser u;
        if (path.equals(TEMPLATES)) {
            allow(method, "GET", "POST");
            u = user(ex);
            if (method.equals("POST")) {
                JsonNode body = body(ex);
                String name = text(body, "name");
                if (name == null) {
                    throw new HttpError(400, "bad_request", "'name' is required: 1 to 64 characters from a-z, 0-9, '_' and '-'.");
                }
                org.smsexport.ExportTemplate t = template(body, name, u, java.time.Instant.now(), null);
                if (!u.admin() && exports.templates().list(u.name()).size() >= MAX_TEMPLATES_PER_USER) {
                    throw new HttpError(409, "limit_reached", "You have " + MAX_TEMPLATES_PER_USER + " templates, the most one user may "
                            + "keep; delete one first.");
                }
                exports.templates().save(t);
                ok(ex, 201, templateJson(t));
            } else {
                ok(ex, 200, page(query(ex), (u.admin() ? exports.templates().all() : exports.templates().list(u.name())), ExportApi::templateJson));
            }
            return;
        }
        allow(method, "GET", "PUT", "DELETE");
        u = user(ex);
        String name = decode(path.substring(TEMPLATES.length() + 1));
        org.smsexport.ExportTemplate existing = exports.templates().find(u.name(), name)
                .orElseThrow(() -> new HttpError(404, "not_found", "No template '" + name + "'."));
        switch (method) {
            case "GET":
                ok(ex, 200, templateJson(existing));
                break;
            case "PUT":
                org.smsexport.ExportTemplate changed = template(body(ex), name, u, existing.createdAt(), existing);
                exports.templates().update(changed);
                ok(ex, 200, templateJson(changed));
                break;
            default:
                exports.templates().delete(u.name(), name);
                ok(ex, 200, Map.of("name", name, "deleted", true));
        }
    }

    private org.smsexport.ExportTemplate template(JsonNode body, String name, ApiUser u, java.time.Instant created,
            org.smsexport.ExportTemplate before) throws HttpError {
        Map<String, String> filters = new LinkedHashMap<>();
        JsonNode f = body.get("filters");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) {
                throw new HttpError(400, "bad_request", "'filters' must be an object of key: value.");
            }
            f.properties().forEach(e -> filters.put(e.getKey(), e.getValue().asText()));
        }
        String type = text(body, "export_type");
        String format = text(body, "export_format");
        if ((type == null || format == null) && before == null) {
            throw new HttpError(400, "bad_request", "'export_type' and 'export_format' are required.");
        }
        String locale = text(body, "locale");
        return new org.smsexport.ExportTemplate(name, u.name(), type != null ? type : before.type(), format != null ? format : before.format(),
                filters, options(body), Optional.ofNullable(locale).map(Locale::forLanguageTag), Optional.ofNullable(text(body, "description")),
                created, java.time.Instant.now());
    }

    private static Map<String, Object> templateJson(org.smsexport.ExportTemplate t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("owner", t.owner());
        m.put("export_type", t.type());
        m.put("export_format", t.format());
        m.put("filters", t.filters());
        m.put("options", t.options());
        m.put("locale", t.locale().map(Locale::toLanguageTag).orElse(null));
        m.put("description", t.description().orElse(null));
        m.put("created_at", t.createdAt().toString());
        m.put("updated_at", t.updatedAt().toString());
        return m;
    }

    /** Every type and format with what a form needs: columns, filters with their value types and choices, options. */
    private Map<String, Object> types(Map<String, String> q) {
        Locale locale = Locale.forLanguageTag(q.getOrDefault("locale", "en"));
        List<Map<String, Object>> types = new ArrayList<>();
        for (ExportType t : exports.types()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("label", t.label(locale));
            m.put("languages", List.copyOf(new java.util.TreeSet<>(t.languages())));
            List<Map<String, Object>> columns = new ArrayList<>();
            for (org.smsexport.Column c : t.columns()) {
                columns.add(Map.of("key", c.key(), "type", c.type().id(), "label", t.columnLabel(c, locale)));
            }
            m.put("columns", columns);
            List<Map<String, Object>> filters = new ArrayList<>();
            for (org.smsexport.FilterSpec f : t.filters().values()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("key", f.key());
                fm.put("value_type", f.valueType().id());
                fm.put("match", f.match().name().toLowerCase(Locale.ROOT));
                fm.put("choices", f.allowedValues());
                filters.add(fm);
            }
            m.put("filters", filters);
            types.add(m);
        }
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : exports.formats()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("id", f.id());
            fm.put("extension", f.extension());
            fm.put("media_type", f.mediaType());
            fm.put("options", List.copyOf(exports.options(f.id())));
            formats.add(fm);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("types", types);
        d.put("formats", formats);
        return d;
    }

    /** The seed's statistics with percentiles by format, and the slowest exports (a user's own; an admin's all). */
    private void stats(Exchange ex, ApiUser u) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        org.smsexport.core.PerformanceMonitor monitor = monitor();
        int days = number(q, "days", 7, 1, MAX_DAYS);
        Map<String, Object> d = new LinkedHashMap<>(monitor.performanceStats(Optional.ofNullable(q.get("type")), days).toMap());
        List<Map<String, Object>> slowest = new ArrayList<>();
        for (org.smsexport.ExportMetrics m : monitor.slowestExports(200)) {
            if ((u.admin() || m.owner().equals(u.name())) && slowest.size() < 10) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("export_id", m.exportId().value());
                s.put("export_type", m.exportType());
                s.put("export_format", m.exportFormat());
                s.put("owner", m.owner());
                s.put("status", m.status().id());
                s.put("duration_seconds", m.totalDurationSeconds());
                s.put("total_records", m.totalRecords());
                s.put("records_per_second", Math.round(m.recordsPerSecond()));
                slowest.add(s);
            }
        }
        d.put("slowest", slowest);
        ok(ex, 200, d);
    }

    /** A time series per format for charts: {@code ?days=7&bucket=hour|day&type=}. */
    private void metrics(Exchange ex, ApiUser u) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        String bucket = q.getOrDefault("bucket", "hour");
        if (!bucket.equals("hour") && !bucket.equals("day")) {
            throw new HttpError(400, "bad_request", "'bucket' must be hour or day, got '" + bucket + "'.");
        }
        List<Map<String, Object>> points = new ArrayList<>();
        for (org.smsexport.core.PerformanceMonitor.Point p : monitor().series(Optional.ofNullable(q.get("type")), number(q, "days", 7, 1, MAX_DAYS),
                bucket.equals("hour") ? java.time.Duration.ofHours(1) : java.time.Duration.ofDays(1))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", p.start().toString());
            m.put("format", p.format());
            m.put("exports", p.exports());
            m.put("failures", p.failures());
            m.put("records", p.records());
            m.put("records_per_second", Math.round(p.recordsPerSecond()));
            m.put("p95_duration_seconds", Math.round(p.p95DurationSeconds() * 1000) / 1000.0);
            points.add(m);
        }
        // the original admin page's ExportMetrics (a user's own exports; an admin's everyone's), then our chart series
        Map<String, Object> d = new LinkedHashMap<>(AdminMetrics.of(monitor(), number(q, "days", 7, 1, MAX_DAYS), u.admin() ? null : u.name(),
                java.time.Instant.now(), this::metricsJob));
        d.put("bucket", bucket);
        d.put("points", points);
        ok(ex, 200, d);
    }

    /** An export on record as the original page's ExportJob: the job itself while it is kept, else what the record says. */
    private Map<String, Object> metricsJob(org.smsexport.ExportMetrics m) {
        Optional<ExportJob> job = exports.job(m.exportId());
        if (job.isPresent()) {
            return view(job.get());
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", m.exportId().value());
        d.put("status", m.status().id());
        d.put("export_type", m.exportType());
        d.put("export_format", m.exportFormat());
        d.put("owner", m.owner());
        d.put("progress_percent", 100);
        d.put("duration_seconds", m.totalDurationSeconds());
        d.put("record_count", m.totalRecords());
        d.put("file_size_bytes", m.fileSizeBytes());
        d.put("created_at", m.startTime().toString());
        d.put("updated_at", m.endTime().toString());
        d.put("error_message", m.errorMessage().orElse(null));
        return d;
    }

    /** The original admin page's ExportSettings, as this service is configured (read-only: they come from EXPORT_* settings). */
    private Map<String, Object> settings() {
        org.smsexport.core.ExportConfig c = exports.config();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("retention_days", c.retentionDays());
        d.put("cleanup_enabled", c.retentionDays() > 0);
        d.put("cleanup_schedule", c.cleanupSchedule());
        d.put("max_concurrent_exports", c.workers());
        d.put("export_timeout_seconds", c.jobTimeout().toSeconds());
        d.put("max_records_per_export", c.maxRecords());
        d.put("archive_enabled", c.retentionDays() > 0 && c.archivePath() != null);
        d.put("archive_after_days", c.retentionDays());
        d.put("formats", exports.formats().stream().map(ExportFormat::id).toList());
        d.put("read_only", true);
        return d;
    }

    private org.smsexport.core.PerformanceMonitor monitor() throws HttpError {
        try {
            return exports.performance();
        } catch (org.smsexport.JobStateException e) {
            throw new HttpError(409, "no_metrics", e.getMessage());
        }
    }

    /** The next five fire times of a frequency not yet saved: {@code ?frequency=cron 0 2 * * 0&zone=Europe/Athens}. */
    private void preview(Exchange ex) throws IOException, HttpError {
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

    private void formats(Exchange ex) throws IOException {
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : exports.formats()) {
            formats.add(Map.of("id", f.id(), "extension", f.extension(), "media_type", f.mediaType()));
        }
        List<Map<String, Object>> types = new ArrayList<>();
        for (ExportType t : exports.types()) {
            types.add(Map.of("name", t.name(), "columns", t.columns().stream().map(c -> c.key()).toList(), "filters",
                    List.copyOf(t.filters().keySet())));
        }
        ok(ex, 200, Map.of("formats", formats, "types", types));
    }

    private Map<String, Object> view(ExportJob j) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", j.id().value());
        d.put("status", j.status().id());
        d.put("export_type", j.type());
        d.put("export_format", j.format());
        d.put("progress_percent", j.progressPercent());
        d.put("total_records", j.totalRecords());
        d.put("file_size_mb", j.fileSizeMb());
        d.put("duration_seconds", j.duration().map(x -> x.toMillis() / 1000.0).orElse(null));
        d.put("created_at", j.createdAt().toString());
        d.put("error_message", j.errorMessage().orElse(null));
        d.put("owner", j.owner());
        d.put("attempts", j.attempts());
        d.put("node", j.node().orElse(null));
        d.put("warnings", j.warnings());
        d.put("sha256", j.sha256().orElse(null));
        // the original admin page's names: the file's name only (never a path on the server), sizes and counts, filters
        d.put("file_path", j.fileName().orElse(null));
        d.put("file_size_bytes", j.fileSizeBytes());
        d.put("record_count", j.totalRecords());
        d.put("updated_at", j.updatedAt().toString());
        d.put("filters", j.filters());
        d.put("locale", request(j).map(r -> r.locale().toLanguageTag()).orElse(null));
        if (j.status() == JobStatus.COMPLETED) {
            // the route's one spelling is DownloadLinks.DEFAULT_PATH, which DOWNLOAD matches
            d.put("download_url", DownloadLinks.at(baseUrl.get()).of(j, links.token(j.id(), j.owner())));
        }
        return d;
    }

    /** @return the job's stored request, or empty when it was not stored (a password export) or the job is gone */
    private Optional<ExportRequest> request(ExportJob j) {
        try {
            return exports.request(j.id());
        } catch (JobNotFoundException e) {
            return Optional.empty();
        }
    }

    private void download(Exchange ex, String id) throws IOException, HttpError {
        ExportJob job = existing(id);
        String token = query(ex).get("token");
        switch (links.verify(job.id(), job.owner(), token == null ? "" : token)) {
            case TAMPERED:
                throw new HttpError(403, "forbidden", "The download link is not valid.");
            case EXPIRED:
                throw new HttpError(410, "gone", "The download link has expired; request a new one.");
            default:
                break;
        }
        if (job.status() != JobStatus.COMPLETED) {
            throw new HttpError(409, "not_ready", "The export is " + job.status().id() + "; there is no file to download.");
        }
        // whoever holds the link acts for its owner: the link is the authority, so the audit names the owner and the route
        send(ex, job, job.owner(), "signed link GET " + ex.path(), links.expiry(token).orElseThrow());
    }

    /**
     * Sends a completed job's file (or a redirect to a storage's own signed URL, valid until {@code until}), audited as a
     * download by {@code actor} through {@code route}.
     */
    private void send(Exchange ex, ExportJob job, String actor, String route, java.time.Instant until) throws IOException, HttpError {
        String fileName = job.fileName().orElse("export");
        // an encrypted CSV is a ZIP, whatever the format says
        String media = fileName.endsWith(".zip") ? "application/zip"
                : exports.formats().stream().filter(f -> f.id().equals(job.format())).map(ExportFormat::mediaType).findFirst()
                        .orElse("application/octet-stream");
        String name = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        ex.setHeader("X-Content-Type-Options", "nosniff");
        ex.setHeader("Cache-Control", "private, no-store");
        // a storage that signs its own URLs (S3, EXPORT_S3_DOWNLOAD=redirect) serves the bytes; it expires with the link
        Optional<java.net.URI> direct = exports.downloadUrl(job.id(), until);
        exports.audit().downloaded(job, actor, Optional.ofNullable(ex.clientAddress()).filter(a -> !a.isEmpty()),
                route + (direct.isPresent() ? " (redirected to the " + exports.storage().name() + " storage)" : ""));
        if (direct.isPresent()) {
            ex.setHeader("Location", direct.get().toString());
            ex.send(302, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        ex.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        String client = Optional.ofNullable(ex.clientAddress()).orElse("");
        java.util.concurrent.atomic.AtomicInteger running = downloads.computeIfAbsent(client, c -> new java.util.concurrent.atomic.AtomicInteger());
        if (running.incrementAndGet() > MAX_DOWNLOADS_PER_CLIENT) {
            done(client, running);
            throw new HttpError(429, "too_many_requests", "At most " + MAX_DOWNLOADS_PER_CLIENT + " downloads run at once for one client; "
                    + "wait for one to finish.", Map.of("Retry-After", "5"));
        }
        org.smsexport.StoredContent content;
        try {
            content = exports.content(job.id());
        } catch (RuntimeException e) {
            done(client, running);
            throw gone(job, e);
        }
        // the exchange owns the stream from here and closes it when the client has it all or is gone, however
        // long a slow client takes: the count of this client's downloads goes down then
        java.io.InputStream stream = new java.io.FilterInputStream(content.stream()) {
            private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void close() throws IOException {
                if (closed.compareAndSet(false, true)) {
                    done(client, running);
                    content.close();
                }
            }
        };
        ex.sendStream(200, media, content.size(), stream);
    }

    /** A file removed out of band, or a storage that cannot give it: a 410 that names neither the file nor its path. */
    private static HttpError gone(ExportJob job, RuntimeException e) {
        LOG.warn("The file of export {} could not be opened: {}", job.id(), e.toString());
        return new HttpError(410, "gone", "The file of this export is no longer available; run the export again.");
    }

    private void done(String client, java.util.concurrent.atomic.AtomicInteger running) {
        if (running.decrementAndGet() <= 0) {
            downloads.remove(client, running);
        }
    }

    private static Map<String, String> query(Exchange ex) throws HttpError {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.rawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    private static String decode(String escaped) throws HttpError {
        try {
            String text = URLDecoder.decode(escaped, StandardCharsets.UTF_8);
            if (text.indexOf('\uFFFD') >= 0 && escaped.indexOf('\uFFFD') < 0) {
                throw new IllegalArgumentException("not UTF-8");
            }
            return text;
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", "The query string has a malformed percent-escape or is not UTF-8: '"
                    + escaped.replaceAll("[^\\x21-\\x7E]", "?") + "'.");
        }
    }

    private static void ok(Exchange ex, int status, Object data) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", true);
        m.put("data", data);
        json(ex, status, m);
    }

    private static void error(Exchange ex, int status, String code, String message) throws IOException {
        ex.send(status, JSON_TYPE, envelope(code, message));
    }

    private static void json(Exchange ex, int status, Object body) throws IOException {
        ex.send(status, JSON_TYPE, JSON.writeValueAsBytes(body));
    }

    /**
     * @param code    the error's code, e.g. {@code not_found}
     * @param message what a user reads
     * @return an error answer in the API's envelope: {@code {"success":false,"error":{"code":…,"message":…}}}
     */
    public static byte[] envelope(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", false);
        m.put("error", e);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
