package org.smsexport.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smsexport.ExportFormat;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.rest.Http.HttpError;

import static org.smsexport.rest.ExportApi.MAX_DOWNLOADS_PER_CLIENT;
import static org.smsexport.rest.ExportApi.MAX_PAGE;
import static org.smsexport.rest.Http.*;

/** Export jobs: submit, list, one, delete, run again, and their files by bearer token or signed link. */
final class JobsResource extends Resource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobsResource.class);

    JobsResource(Resource.Shared shared) {
        super(shared);
    }

    /** {@code GET|POST /exports}: the caller's jobs (an admin's: all), or a new one. */
    void exports(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET", "POST");
        ApiUser u = user(ex);
        if (ex.method().equals("POST")) {
            submit(ex, u);
        } else {
            list(ex, u);
        }
    }

    /** {@code POST /exports/{id}/rerun}: the original admin page's "run again", a new job with the same request (202). */
    void rerun(Exchange ex, String id) throws IOException, HttpError {
        allow(ex.method(), "POST");
        ApiUser u = user(ex);
        ExportJob job = visible(id, u);
        // a password export cannot run again (409): its password was never stored
        ExportJob again = exports.rerun(job.id(), Optional.ofNullable(ex.clientAddress()).orElse(""));
        Map<String, Object> d = new LinkedHashMap<>(view(again));
        d.put("job_id", again.id().value()); // the original admin page's name
        ok(ex, 202, d);
    }

    /** {@code GET /exports/{id}/download}: the original admin page's download, with the caller's own credentials. */
    void bearerDownload(Exchange ex, String id) throws IOException, HttpError {
        allow(ex.method(), "GET");
        ApiUser u = user(ex);
        ExportJob job = visible(id, u);
        if (job.status() != JobStatus.COMPLETED) {
            throw new HttpError(409, "not_ready", "The export is " + job.status().id() + "; there is no file to download.");
        }
        send(ex, job, u.name(), "GET " + ex.path(), java.time.Instant.now().plus(java.time.Duration.ofMinutes(5)));
    }

    /** {@code GET|DELETE /exports/{id}}: one job, or its deletion (a running one is cancelled). */
    void one(Exchange ex, String id) throws IOException, HttpError {
        allow(ex.method(), "GET", "DELETE");
        ApiUser u = user(ex);
        ExportJob job = visible(id, u);
        if (ex.method().equals("GET")) {
            ok(ex, 200, view(job));
        } else {
            boolean deleted = exports.delete(job.id(), u.name());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", job.id().value());
            d.put("deleted", deleted);
            d.put("status", deleted ? "deleted" : exports.job(job.id()).map(j -> j.status().id()).orElse("deleted"));
            ok(ex, 200, d);
        }
    }

    /** {@code GET /api/v1/export-jobs/{id}/download?token=…}: a signed, expiring link. */
    void signedDownload(Exchange ex, String id) throws IOException, HttpError {
        allow(ex.method(), "GET");
        download(ex, id);
    }

    void submit(Exchange ex, ApiUser u) throws IOException, HttpError {
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
        // the zone of the file's dates and times; without one, the template's, else the service's (EXPORT_TIME_ZONE)
        String zone = text(body, "zone");
        if (zone != null) {
            r.zone(org.smsexport.support.TimeZones.of(zone));
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

    void list(Exchange ex, ApiUser u) throws IOException, HttpError {
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
        if (q.containsKey("search")) {
            // the start of a job's id or part of its file name
            f = f.withSearch(q.get("search"));
        }
        int skip = number(q, "skip", 0, 0, Integer.MAX_VALUE);
        int limit = number(q, "limit", 50, 1, MAX_PAGE);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ExportJob j : exports.jobs(f.withPage(skip, limit))) {
            items.add(view(j));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", items);
        d.put("exports", items); // the original backend's name of the list, which its own clients and tests read
        d.put("total", exports.countJobs(f));
        d.put("skip", skip);
        d.put("limit", limit);
        ok(ex, 200, d);
    }

    void download(Exchange ex, String id) throws IOException, HttpError {
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
    void send(Exchange ex, ExportJob job, String actor, String route, java.time.Instant until) throws IOException, HttpError {
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
        Optional<String> address = Optional.ofNullable(ex.clientAddress()).filter(a -> !a.isEmpty());
        if (direct.isPresent()) {
            exports.audit().downloaded(job, actor, address, route + " (redirected to the " + exports.storage().name() + " storage)");
            ex.setHeader("Location", direct.get().toString());
            ex.send(302, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        String client = Optional.ofNullable(ex.clientAddress()).orElse("");
        java.util.concurrent.atomic.AtomicInteger running = shared.downloads.computeIfAbsent(client, c -> new java.util.concurrent.atomic.AtomicInteger());
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
        // named as an attachment once the file is open: a file gone from the store is a 410 in the envelope, not an error
        // saved as a .csv; recorded in the audit trail when the bytes were served (the exchange closes the stream when
        // the client has them all or is gone), saying how far a client that left got
        ex.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        long size = content.size();
        java.io.InputStream stream = new java.io.FilterInputStream(content.stream()) {
            private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
            private long served;

            @Override
            public int read() throws IOException {
                int b = super.read();
                served += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                served += Math.max(n, 0);
                return n;
            }

            @Override
            public long transferTo(java.io.OutputStream out) throws IOException {
                byte[] buffer = new byte[64 * 1024]; // through read(): counted as served
                long total = 0;
                for (int n; (n = read(buffer, 0, buffer.length)) >= 0; total += n) {
                    out.write(buffer, 0, n);
                }
                return total;
            }

            @Override
            public void close() throws IOException {
                if (closed.compareAndSet(false, true)) {
                    done(client, running);
                    try {
                        content.close();
                    } finally {
                        exports.audit().downloaded(job, actor, address, served >= size ? route : route + " (the client left after "
                                + served + " of " + size + " bytes)");
                    }
                }
            }
        };
        ex.sendStream(200, media, size, stream);
    }

    /** A file removed out of band, or a storage that cannot give it: a 410 that names neither the file nor its path. */
    static HttpError gone(ExportJob job, RuntimeException e) {
        LOG.warn("The file of export {} could not be opened: {}", job.id(), e.toString());
        return new HttpError(410, "gone", "The file of this export is no longer available; run the export again.");
    }

    void done(String client, java.util.concurrent.atomic.AtomicInteger running) {
        if (running.decrementAndGet() <= 0) {
            shared.downloads.remove(client, running);
        }
    }
}
