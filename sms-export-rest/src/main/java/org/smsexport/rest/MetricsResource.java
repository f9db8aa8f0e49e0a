package org.smsexport.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.rest.Http.HttpError;

import static org.smsexport.rest.ExportApi.MAX_DAYS;
import static org.smsexport.rest.ExportApi.MAX_PAGE;
import static org.smsexport.rest.Http.*;

/** What happened: statistics, the page's metrics and series, the slowest exports, the nodes, the audit trail. */
final class MetricsResource extends Resource {

    MetricsResource(Resource.Shared shared) {
        super(shared);
    }

    /** {@code GET /nodes}: admins only, the nodes sharing the job store. */
    void nodes(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
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
    }

    /**
     * Whose figures a request sees: a user their own, always; an administrator everyone's, or one owner's with
     * {@code ?owner=}.
     */
    static Optional<String> whose(ApiUser u, Map<String, String> q) {
        if (!u.admin()) {
            return Optional.of(u.name());
        }
        return Optional.ofNullable(q.get("owner")).filter(o -> !o.isBlank());
    }

    /** {@code GET /metrics/performance/stats}: the seed's statistics, a user's own (an admin's: everyone's, or {@code ?owner=}'s). */
    void performanceStats(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        ApiUser u = user(ex);
        Map<String, String> q = query(ex);
        ok(ex, 200, monitor().performanceStats(Optional.ofNullable(q.get("type")), number(q, "days", 7, 1, MAX_DAYS), whose(u, q)).toMap());
    }

    /** {@code GET /metrics/slowest?limit=10}: the slowest exports as the original page's jobs, a user's own (an admin's: all). */
    void slowest(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        ApiUser u = user(ex);
        int limit = number(query(ex), "limit", 10, 1, 100);
        List<Map<String, Object>> slowest = new ArrayList<>();
        for (org.smsexport.ExportMetrics m : visibleSlowest(whose(u, query(ex)), limit, limit * 20 + 200)) {
            slowest.add(metricsJob(m));
        }
        ok(ex, 200, slowest);
    }

    /** @return the slowest exports on record of an owner (or everyone's), slowest first, from the window slowest of all */
    private List<org.smsexport.ExportMetrics> visibleSlowest(Optional<String> owner, int limit, int window) throws HttpError {
        List<org.smsexport.ExportMetrics> out = new ArrayList<>();
        for (org.smsexport.ExportMetrics m : monitor().slowestExports(window)) {
            if (owner.map(m.owner()::equals).orElse(true) && out.size() < limit) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The seed's statistics with percentiles by format, and the slowest exports: a user's own; an admin's everyone's, or
     * one owner's with {@code ?owner=}.
     */
    void stats(Exchange ex, ApiUser u) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        org.smsexport.core.PerformanceMonitor monitor = monitor();
        int days = number(q, "days", 7, 1, MAX_DAYS);
        Optional<String> owner = whose(u, q);
        Map<String, Object> d = new LinkedHashMap<>(monitor.performanceStats(Optional.ofNullable(q.get("type")), days, owner).toMap());
        d.put("owner", owner.orElse(null));
        if (u.admin()) {
            // whom an administrator can narrow the figures to: everyone with an export on record in the window
            java.util.SortedSet<String> owners = new java.util.TreeSet<>();
            monitor.each(java.time.Instant.now().minus(java.time.Duration.ofDays(days)), m -> owners.add(m.owner()));
            d.put("owners", List.copyOf(owners));
        }
        List<Map<String, Object>> slowest = new ArrayList<>();
        for (org.smsexport.ExportMetrics m : visibleSlowest(owner, 10, 200)) {
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
        d.put("slowest", slowest);
        ok(ex, 200, d);
    }

    /** A time series per format for charts: {@code ?days=7&bucket=hour|day&type=}. */
    void metrics(Exchange ex, ApiUser u) throws IOException, HttpError {
        Map<String, String> q = query(ex);
        String bucket = q.getOrDefault("bucket", "hour");
        if (!bucket.equals("hour") && !bucket.equals("day")) {
            throw new HttpError(400, "bad_request", "'bucket' must be hour or day, got '" + bucket + "'.");
        }
        List<Map<String, Object>> points = new ArrayList<>();
        Optional<String> owner = whose(u, q);
        for (org.smsexport.core.PerformanceMonitor.Point p : monitor().series(Optional.ofNullable(q.get("type")), number(q, "days", 7, 1, MAX_DAYS),
                bucket.equals("hour") ? java.time.Duration.ofHours(1) : java.time.Duration.ofDays(1), owner)) {
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
        Map<String, Object> d = new LinkedHashMap<>(AdminMetrics.of(monitor(), number(q, "days", 7, 1, MAX_DAYS), owner.orElse(null),
                java.time.Instant.now(), this::metricsJob));
        d.put("bucket", bucket);
        d.put("points", points);
        ok(ex, 200, d);
    }

    /** An export on record as the original page's ExportJob: the job itself while it is kept, else what the record says. */
    Map<String, Object> metricsJob(org.smsexport.ExportMetrics m) {
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

    /** The audit trail, admins only: {@code job}, {@code actor}, {@code from}, {@code to} (instants or dates), {@code limit}. */
    void audit(Exchange ex, ApiUser u) throws IOException, HttpError {
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
}
