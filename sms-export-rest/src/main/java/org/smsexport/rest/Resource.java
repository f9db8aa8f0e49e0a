package org.smsexport.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.smsexport.ExportJob;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStatus;
import org.smsexport.core.DownloadLinks;
import org.smsexport.rest.Http.HttpError;

import static org.smsexport.rest.Http.*;

/**
 * What the resources of the API share: the service, the scheduler, who is asking, and one JSON view of a job. Each
 * resource answers one area's routes ({@link ExportApi} holds the route table).
 */
abstract class Resource {

    /** The state every resource of one {@link ExportApi} uses. */
    static final class Shared {
        final org.smsexport.core.ExportService exports;
        final org.smsexport.scheduler.ExportScheduler schedules;
        final Authenticator auth;
        final org.smsexport.core.DownloadLinks links;
        final java.util.function.Supplier<String> baseUrl;
        final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> downloads =
                new java.util.concurrent.ConcurrentHashMap<>();
        volatile EmailSettings email;

        Shared(org.smsexport.core.ExportService exports, org.smsexport.scheduler.ExportScheduler schedules, Authenticator auth,
                java.util.function.Supplier<String> baseUrl) {
            this.exports = exports;
            this.schedules = schedules;
            this.auth = auth;
            this.baseUrl = baseUrl;
            this.links = exports.downloadLinks().orElseThrow(() -> new IllegalArgumentException("the service needs download links"));
        }
    }

    final Shared shared;
    final org.smsexport.core.ExportService exports;
    final org.smsexport.scheduler.ExportScheduler schedules;
    final Authenticator auth;
    final org.smsexport.core.DownloadLinks links;
    final java.util.function.Supplier<String> baseUrl;

    Resource(Shared shared) {
        this.shared = shared;
        this.exports = shared.exports;
        this.schedules = shared.schedules;
        this.auth = shared.auth;
        this.links = shared.links;
        this.baseUrl = shared.baseUrl;
    }

    ApiUser user(Exchange ex) throws HttpError {
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
    ExportJob visible(String id, ApiUser u) throws HttpError {
        ExportJob job = existing(id);
        if (!u.admin() && !job.owner().equals(u.name())) {
            throw new HttpError(404, "not_found", "No such export job.");
        }
        return job;
    }

    /** The job with this id; a malformed id is as missing as an unknown one. */
    ExportJob existing(String id) throws HttpError {
        JobId jobId;
        try {
            jobId = JobId.of(id);
        } catch (InvalidRequestException e) {
            throw new HttpError(404, "not_found", "No such export job.");
        }
        return exports.job(jobId).orElseThrow(() -> new HttpError(404, "not_found", "No such export job."));
    }

    Map<String, Object> view(ExportJob j) {
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
        d.put("trace_id", j.traceId().orElse(null));
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
    Optional<ExportRequest> request(ExportJob j) {
        try {
            return exports.request(j.id());
        } catch (JobNotFoundException e) {
            return Optional.empty();
        }
    }

    org.smsexport.core.PerformanceMonitor monitor() throws HttpError {
        try {
            return exports.performance();
        } catch (org.smsexport.JobStateException e) {
            throw new HttpError(409, "no_metrics", e.getMessage());
        }
    }
}
