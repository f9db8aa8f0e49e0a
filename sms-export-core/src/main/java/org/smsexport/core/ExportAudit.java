package org.smsexport.core;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.AuditEntry;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.AuditVerification;
import org.smsexport.ExportJob;
import org.smsexport.spi.AuditSink;

/**
 * The audit trail of a service: who exported, downloaded, mailed, archived or deleted which export, when and from
 * where (GDPR art. 30). The service records every job event itself; a host that serves files its own way records
 * the download with {@link #downloaded}. Records are hash-chained: {@link #verify()} finds the first one changed,
 * removed or reordered; with an anchor ({@link #of(AuditSink, java.nio.file.Path)}, the service's output directory) the
 * chain's head and the retention's cut are kept outside the trail, signed with a key the database does not hold, so
 * records removed at the end, at the start or all of them are found too. Every export is audited or fails: a job whose
 * creation, start or completion cannot be recorded ({@link #require}) is refused or fails, and its file is not kept;
 * a failure to record anything else (a download already served, a notification, a deletion) is logged and counted
 * ({@link #failures()}). Thread-safe.
 */
public final class ExportAudit {

    private static final Logger LOG = LoggerFactory.getLogger(ExportAudit.class);

    private final AuditSink sink;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    /** Where the trail's head and cut are anchored, or {@code null}. */
    private final AuditAnchor anchor;

    ExportAudit(AuditSink sink, Clock clock, java.nio.file.Path anchorDirectory) {
        this.sink = sink;
        this.clock = clock;
        this.anchor = anchorDirectory == null ? null : new AuditAnchor(anchorDirectory);
    }

    /**
     * @param sink a trail kept elsewhere, e.g. to list or verify it without a service
     * @return an audit over it, with the system clock, and no anchor: {@link #verify()} checks the chain alone
     */
    public static ExportAudit of(AuditSink sink) {
        return new ExportAudit(sink, Clock.systemUTC(), null);
    }

    /**
     * @param sink            a trail kept elsewhere
     * @param anchorDirectory the service's output directory, where its {@code .audit-anchor} is
     * @return an audit over it whose {@link #verify()} also holds the trail to its anchor
     */
    public static ExportAudit of(AuditSink sink, java.nio.file.Path anchorDirectory) {
        return new ExportAudit(sink, Clock.systemUTC(), java.util.Objects.requireNonNull(anchorDirectory, "anchorDirectory"));
    }

    /** @return where the trail is kept */
    public AuditSink sink() {
        return sink;
    }

    /**
     * Records an event of a job as it is now.
     *
     * @param event what happened
     * @param job   the job
     * @param actor who did it
     */
    public void record(AuditEvent event, ExportJob job, String actor) {
        record(AuditEntry.of(event, clock.instant(), actor, job));
    }

    /**
     * Records that someone downloaded a job's file.
     *
     * @param job           the job
     * @param actor         who
     * @param clientAddress from where, when known
     * @param route         through which route, e.g. the REST path
     */
    public void downloaded(ExportJob job, String actor, Optional<String> clientAddress, String route) {
        record(AuditEntry.of(AuditEvent.DOWNLOADED, clock.instant(), actor, job).from(clientAddress, Optional.of(route)));
    }

    /** @param entry an entry, recorded as it is; a failure is logged and counted */
    public void record(AuditEntry entry) {
        try {
            append(entry);
        } catch (RuntimeException e) {
            // counted and logged by append
        }
    }

    /**
     * Records an entry that must be recorded for the export to go on: its creation, start or completion.
     *
     * @param entry the entry
     * @throws org.smsexport.ExportException naming the event when the trail could not record it (counted and logged too)
     */
    public void require(AuditEntry entry) {
        try {
            append(entry);
        } catch (RuntimeException e) {
            throw new org.smsexport.ExportException("The audit trail could not record that export " + entry.jobId() + " was "
                    + entry.event().id() + " (" + reason(e) + "), and every export is audited: it was not made. Try again "
                    + "when the trail's store answers.", e);
        }
    }

    private void append(AuditEntry entry) {
        try {
            AuditRecord r = sink.append(entry);
            if (anchor != null) {
                anchor.advance(r.seq(), r.hash());
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("The audit trail could not record {} of job {}: {}", entry.event().id(), entry.jobId(), reason(e));
            throw e;
        }
    }

    /** @return the failure's own words: the class when it has none, never a stack */
    private static String reason(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** @return entries that could not be recorded since the service started */
    public long failures() {
        return failures.get();
    }

    /**
     * @param query criteria and limit
     * @return matching records, newest first
     */
    public List<AuditRecord> list(AuditQuery query) {
        return sink.list(query);
    }

    /**
     * Checks the whole chain, oldest first, without holding it: each record's hash against its fields, each link
     * against the record before, and the numbers for gaps. The oldest record anchors the chain when the audit
     * retention removed the ones before it.
     *
     * @return how many records were checked and the first broken one
     */
    public AuditVerification verify() {
        AuditAnchor.State anchored = anchor == null ? new AuditAnchor.State(Optional.empty(), Optional.empty(), false) : anchor.read();
        if (anchored.tampered()) {
            return new AuditVerification(0, Optional.of(1L), "The audit trail's anchor " + anchor.file() + " has been altered: its "
                    + "signature does not hold.");
        }
        long expectedFirst = anchored.cut().map(c -> c.seq() + 1).orElse(1L);
        long[] checked = {0};
        AuditRecord[] previous = {null};
        AuditVerification[] broken = {null};
        try {
            sink.forEach(r -> {
            if (broken[0] != null) {
                return;
            }
            checked[0]++;
            AuditRecord p = previous[0];
            String what = null;
            Optional<Long> missingFrom = Optional.empty();
            if (!r.intact()) {
                what = "its hash does not match its fields";
            } else if (p == null && r.seq() == 1 && !r.prevHash().equals(AuditRecord.GENESIS)) {
                what = "the first record does not start the chain";
            } else if (p == null && anchor != null && r.seq() > expectedFirst) {
                missingFrom = Optional.of(expectedFirst);
                what = "record(s) " + expectedFirst + " to " + (r.seq() - 1) + " before it are missing (the trail "
                        + (anchored.cut().isPresent() ? "was cut by the retention after record " + anchored.cut().get().seq()
                        : "starts at record 1") + ")";
            } else if (p == null && anchored.cut().isPresent() && r.seq() == expectedFirst
                    && !r.prevHash().equals(anchored.cut().get().hash())) {
                what = "its link to record " + anchored.cut().get().seq() + ", where the retention cut, does not hold";
            } else if (p != null && r.seq() != p.seq() + 1) {
                what = "it follows record " + p.seq() + ": " + (r.seq() - p.seq() - 1) + " record(s) missing or out of order";
            } else if (p != null && !r.prevHash().equals(p.hash())) {
                what = "its link to record " + p.seq() + " does not hold";
            } else if (anchored.head().isPresent() && r.seq() == anchored.head().get().seq()
                    && !r.hash().equals(anchored.head().get().hash())) {
                what = "it is not the record the anchor signed";
            }
            if (what != null) {
                broken[0] = new AuditVerification(checked[0], Optional.of(missingFrom.orElse(r.seq())), "Record " + r.seq() + " ("
                        + r.entry().event().id() + " of job " + r.entry().jobId() + " at " + r.entry().at() + ") is broken: " + what
                        + ".");
            }
            previous[0] = r;
            });
        } catch (RuntimeException e) {
            long at = previous[0] == null ? 1 : previous[0].seq() + 1;
            if (broken[0] == null) {
                broken[0] = new AuditVerification(checked[0] + 1, Optional.of(at), "Record " + at + " is broken: it cannot be read ("
                        + e.getMessage() + ").");
            }
        }
        if (broken[0] != null) {
            return broken[0];
        }
        if (anchored.head().isPresent()) {
            long head = anchored.head().get().seq();
            long last = previous[0] == null ? expectedFirst - 1 : previous[0].seq();
            if (last < head) {
                long from = Math.max(last + 1, expectedFirst);
                return new AuditVerification(checked[0], Optional.of(from), "Records " + from + " to " + head + " are missing: the trail "
                        + (previous[0] == null ? "is empty" : "ends at record " + last) + ", and its anchor (" + anchor.file()
                        + ") says it reached record " + head + ".");
            }
        }
        return new AuditVerification(checked[0], Optional.empty(), "The audit trail is whole: " + checked[0] + " record(s)."
                + (anchor != null && anchored.head().isPresent() ? " It reaches its anchored head, record "
                        + anchored.head().get().seq() + "." : ""));
    }

    /**
     * The audit retention ({@code EXPORT_AUDIT_RETENTION_DAYS}): separate from the exports' own, so cleaning up
     * exports never removes their history.
     *
     * @param days records older than this many days are removed; 0 keeps every record
     * @return records removed
     */
    public long applyRetention(int days) {
        if (days <= 0) {
            return 0;
        }
        long removed = sink.deleteBefore(clock.instant().minus(Duration.ofDays(days)));
        if (removed > 0 && anchor != null && anchor.usable()) {
            // where the retention cut, honestly, now: the record before the oldest that is left, else the whole chain
            AuditRecord[] first = {null};
            sink.forEach(r -> {
                if (first[0] == null) {
                    first[0] = r;
                }
            });
            if (first[0] != null) {
                anchor.cut(first[0].seq() - 1, first[0].prevHash());
            } else {
                anchor.read().head().ifPresent(h -> anchor.cut(h.seq(), h.hash()));
            }
        }
        return removed;
    }

    /**
     * @param r a record
     * @return its fields by the names of the table's columns ({@code event, at, actor, job_id, …, prev_hash, hash}),
     *         as the CLI's {@code --json}, the REST API and the JSONL file spell them
     */
    public static Map<String, Object> json(AuditRecord r) {
        AuditEntry e = r.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("event", e.event().id());
        m.put("at", e.at().toString());
        m.put("actor", e.actor());
        m.put("job_id", e.jobId().value());
        m.put("export_type", e.exportType());
        m.put("export_format", e.exportFormat());
        m.put("filters", e.filters());
        m.put("rows", e.rows().isPresent() ? e.rows().getAsLong() : null);
        m.put("sha256", e.sha256().orElse(null));
        m.put("file_key", e.fileKey().orElse(null));
        m.put("recipients", e.recipients());
        m.put("client_address", e.clientAddress().orElse(null));
        m.put("route", e.route().orElse(null));
        m.put("prev_hash", r.prevHash());
        m.put("hash", r.hash());
        return m;
    }
}
