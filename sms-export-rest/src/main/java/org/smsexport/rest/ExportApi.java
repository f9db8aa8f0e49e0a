package org.smsexport.rest;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportException;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobNotFoundException;
import org.smsexport.QueueFullException;
import org.smsexport.UnsupportedFormatException;
import org.smsexport.core.ExportService;
import org.smsexport.rest.Http.HttpError;
import org.smsexport.scheduler.DuplicateScheduleException;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.scheduler.ScheduleNotFoundException;

import static org.smsexport.rest.Http.error;

/**
 * The original system's export API, independent of the HTTP server under it: a route table over one small resource per
 * area — jobs and their files ({@code JobsResource}), templates, schedules, metrics and the audit trail, settings —
 * answering {@code /api/v1/import-export/exports} (submit, list, one job, delete, rerun, download), {@code /formats},
 * {@code /types}, {@code /templates}, {@code /schedules} (when a scheduler is given), {@code /stats}, {@code /metrics},
 * {@code /nodes}, {@code /audit}, {@code /settings}, signed and expiring downloads on
 * {@code /api/v1/export-jobs/{id}/download?token=…}, and {@code /health}. Users see only their own jobs and schedules
 * (someone else's is a 404) unless they are admins; every error is the same JSON envelope ({@link #envelope}); a full
 * export queue is a 429 with {@code Retry-After}; files are streamed. The CLI's {@code serve} runs it on Jetty, the
 * Spring Boot starter on Spring MVC. Thread-safe.
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
    /** The largest request body the API reads, in bytes. */
    public static final int MAX_BODY = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ExportApi.class);

    /** What answers the requests of one route: the path's groups are in the matcher. */
    @FunctionalInterface
    private interface Handler {
        void handle(Exchange ex, Matcher path) throws IOException, HttpError;
    }

    /** A path and what answers it; the first route whose path matches answers. */
    private record Route(Pattern path, Handler handler) {
    }

    private final Resource.Shared shared;
    private final CrossSiteGuard guard;
    private final List<Route> routes;

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
        this.shared = new Resource.Shared(exports, schedules, auth, baseUrl);
        this.guard = new CrossSiteGuard(trustedOrigins, baseUrl);
        JobsResource jobs = new JobsResource(shared);
        TemplatesResource templates = new TemplatesResource(shared);
        MetricsResource metrics = new MetricsResource(shared);
        SettingsResource settings = new SettingsResource(shared);
        List<Route> r = new java.util.ArrayList<>();
        r.add(route("/health", (ex, m) -> settings.health(ex)));
        r.add(new Route(Http.DOWNLOAD, (ex, m) -> jobs.signedDownload(ex, m.group(1))));
        r.add(route(Http.TEMPLATES, "(/.*)?", (ex, m) -> templates.templates(ex, ex.path(), ex.method())));
        r.add(route(Http.BASE + "/nodes", (ex, m) -> metrics.nodes(ex)));
        r.add(route(Http.BASE + "/audit", (ex, m) -> {
            Http.allow(ex.method(), "GET");
            metrics.audit(ex, metrics.user(ex));
        }));
        r.add(route(Http.BASE + "/types", (ex, m) -> settings.typesRoute(ex)));
        r.add(route(Http.BASE + "/me", (ex, m) -> settings.me(ex)));
        r.add(route(Http.BASE + "/stats", (ex, m) -> {
            Http.allow(ex.method(), "GET");
            metrics.stats(ex, metrics.user(ex));
        }));
        r.add(route(Http.BASE + "/metrics", (ex, m) -> {
            Http.allow(ex.method(), "GET");
            metrics.metrics(ex, metrics.user(ex));
        }));
        r.add(route(Http.BASE + "/metrics/performance/stats", (ex, m) -> metrics.performanceStats(ex)));
        r.add(route(Http.BASE + "/metrics/slowest", (ex, m) -> metrics.slowest(ex)));
        r.add(route(Http.BASE + "/settings", (ex, m) -> settings.settingsRoute(ex)));
        r.add(route(Http.BASE + "/settings/email", (ex, m) -> settings.email(ex)));
        r.add(route(Http.BASE + "/settings/email/test", (ex, m) -> settings.emailTest(ex)));
        r.add(route(Http.BASE + "/formats", (ex, m) -> settings.formatsRoute(ex)));
        r.add(route(Http.EXPORTS, (ex, m) -> jobs.exports(ex)));
        r.add(route(Http.EXPORTS, "/(.+)/rerun", (ex, m) -> jobs.rerun(ex, m.group(1))));
        r.add(route(Http.EXPORTS, "/(.+)/download", (ex, m) -> jobs.bearerDownload(ex, m.group(1))));
        r.add(route(Http.EXPORTS, "/(.+)", (ex, m) -> jobs.one(ex, m.group(1))));
        if (schedules != null) {
            SchedulesResource s = new SchedulesResource(shared);
            r.add(route(Http.SCHEDULES, "(/.*)?", (ex, m) -> s.schedules(ex, ex.path(), ex.method())));
        }
        this.routes = List.copyOf(r);
    }

    /** A route for a literal path followed by a regular expression (often none). */
    private static Route route(String path, String pattern, Handler handler) {
        return new Route(Pattern.compile(Pattern.quote(path) + pattern), handler);
    }

    private static Route route(String path, Handler handler) {
        return route(path, "", handler);
    }

    /**
     * @param value the mail settings {@code …/settings/email} shows and tests with; {@code null} for none configured
     * @return this API
     */
    public ExportApi emailSettings(EmailSettings value) {
        shared.email = value;
        return this;
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
        for (Route r : routes) {
            Matcher m = r.path().matcher(ex.path());
            if (m.matches()) {
                r.handler().handle(ex, m);
                return;
            }
        }
        throw new HttpError(404, "not_found", "No such resource: " + ex.path());
    }

    /**
     * @param code    the error's code, e.g. {@code not_found}
     * @param message what a user reads
     * @return an error answer in the API's envelope: {@code {"success":false,"error":{"code":…,"message":…}}}
     */
    public static byte[] envelope(String code, String message) {
        return Http.envelope(code, message);
    }
}
