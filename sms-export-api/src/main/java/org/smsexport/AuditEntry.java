package org.smsexport;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One event of the audit trail, before it is chained: who did what to which export, with what, and from where.
 * Never row contents; never a password (filters are the request's, options are not recorded).
 *
 * @param event         what happened
 * @param at            when (kept to the millisecond, so every store gives it back the same)
 * @param actor         who: the user, or {@code system} / {@code retention} for the service's own doing
 * @param jobId         the job
 * @param exportType    its type
 * @param exportFormat  its format
 * @param filters       its filters, by key
 * @param rows          rows written, once known
 * @param sha256        the file's digest, once there is a file
 * @param fileKey       the file's name in the output directory (or the archive)
 * @param recipients    who was mailed
 * @param clientAddress where the request came from, when it came over the network
 * @param route         how: the REST path of a download, or the host's own call
 */
public record AuditEntry(AuditEvent event, Instant at, String actor, JobId jobId, String exportType, String exportFormat,
        Map<String, String> filters, OptionalLong rows, Optional<String> sha256, Optional<String> fileKey, List<String> recipients,
        Optional<String> clientAddress, Optional<String> route) {

    /** Checks and copies; truncates the time to milliseconds. */
    public AuditEntry {
        Objects.requireNonNull(event, "event");
        at = at.truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(exportType, "exportType");
        Objects.requireNonNull(exportFormat, "exportFormat");
        filters = java.util.Collections.unmodifiableMap(new TreeMap<>(filters));
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(fileKey, "fileKey");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(route, "route");
    }

    /**
     * @param event what happened
     * @param at    when
     * @param actor who
     * @param job   the job as it is now: its type, format, filters, rows, digest and file are taken
     * @return the entry, with no recipients, client address or route
     */
    public static AuditEntry of(AuditEvent event, Instant at, String actor, ExportJob job) {
        Map<String, String> filters = new TreeMap<>();
        job.filters().forEach((k, v) -> filters.put(k, String.valueOf(v)));
        boolean done = job.status() == JobStatus.COMPLETED;
        return new AuditEntry(event, at, actor, job.id(), job.type(), job.format(), filters,
                done ? OptionalLong.of(job.totalRecords()) : OptionalLong.empty(), job.sha256(), job.fileName(), List.of(),
                Optional.empty(), Optional.empty());
    }

    /** @param value who was mailed @return a copy with them */
    public AuditEntry withRecipients(List<String> value) {
        return new AuditEntry(event, at, actor, jobId, exportType, exportFormat, filters, rows, sha256, fileKey, value, clientAddress,
                route);
    }

    /** @param address where the request came from @param how the route @return a copy with them */
    public AuditEntry from(Optional<String> address, Optional<String> how) {
        return new AuditEntry(event, at, actor, jobId, exportType, exportFormat, filters, rows, sha256, fileKey, recipients, address,
                how);
    }
}
