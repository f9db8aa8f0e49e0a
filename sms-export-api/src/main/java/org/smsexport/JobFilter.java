package org.smsexport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which jobs to list: every criterion that is present must match. Results are newest first.
 *
 * @param owner         only jobs of this owner
 * @param type          only jobs of this export type
 * @param statuses      only jobs in one of these statuses; empty for any
 * @param createdBefore only jobs created strictly before this instant
 * @param offset        how many matching jobs to skip (paging)
 * @param limit         at most this many jobs (1..10,000)
 * @param search        only jobs whose id starts with this text or whose file name contains it, ignoring case
 */
public record JobFilter(Optional<String> owner, Optional<String> type, Set<JobStatus> statuses,
        Optional<Instant> createdBefore, int offset, int limit, Optional<String> search) {

    /** The largest page a filter may ask for. */
    public static final int MAX_LIMIT = 10_000;

    /** Validates and copies. */
    public JobFilter {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        statuses = Set.copyOf(statuses);
        Objects.requireNonNull(createdBefore, "createdBefore");
        if (offset < 0) {
            throw new InvalidRequestException("Job list offset must be 0 or more, got " + offset + ".");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("Job list limit must be 1.." + MAX_LIMIT + ", got " + limit + ".");
        }
        search = Objects.requireNonNull(search, "search").map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> x.toLowerCase(java.util.Locale.ROOT));
        if (search.isPresent() && search.get().length() > 255) {
            throw new InvalidRequestException("Job search text must be at most 255 characters, got " + search.get().length() + ".");
        }
    }

    /**
     * A filter without a search (as before searches existed).
     *
     * @param owner         only jobs of this owner
     * @param type          only jobs of this export type
     * @param statuses      only jobs in one of these statuses; empty for any
     * @param createdBefore only jobs created strictly before this instant
     * @param offset        how many matching jobs to skip (paging)
     * @param limit         at most this many jobs (1..10,000)
     */
    public JobFilter(Optional<String> owner, Optional<String> type, Set<JobStatus> statuses, Optional<Instant> createdBefore, int offset,
            int limit) {
        this(owner, type, statuses, createdBefore, offset, limit, Optional.empty());
    }

    /** @return a filter matching every job, first page of 100 */
    public static JobFilter all() {
        return new JobFilter(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), 0, 100, Optional.empty());
    }

    /**
     * @param value owner to match
     * @return a copy matching only that owner
     */
    public JobFilter withOwner(String value) {
        return new JobFilter(Optional.of(value), type, statuses, createdBefore, offset, limit, search);
    }

    /**
     * @param value type name to match
     * @return a copy matching only that type
     */
    public JobFilter withType(String value) {
        return new JobFilter(owner, Optional.of(value), statuses, createdBefore, offset, limit, search);
    }

    /**
     * @param values statuses to match
     * @return a copy matching only those statuses
     */
    public JobFilter withStatuses(JobStatus... values) {
        return new JobFilter(owner, type, Set.of(values), createdBefore, offset, limit, search);
    }

    /**
     * @param value exclusive upper bound of creation time
     * @return a copy matching only jobs created before it
     */
    public JobFilter withCreatedBefore(Instant value) {
        return new JobFilter(owner, type, statuses, Optional.of(value), offset, limit, search);
    }

    /**
     * @param newOffset jobs to skip
     * @param newLimit  page size
     * @return a copy with that page
     */
    public JobFilter withPage(int newOffset, int newLimit) {
        return new JobFilter(owner, type, statuses, createdBefore, newOffset, newLimit, search);
    }

    /**
     * @param text what to look for: the start of a job's id or part of its file name, ignoring case; blank for anything
     * @return a copy matching only such jobs
     */
    public JobFilter withSearch(String text) {
        return new JobFilter(owner, type, statuses, createdBefore, offset, limit, Optional.ofNullable(text));
    }

    /**
     * @param job a job
     * @return whether the job matches every criterion (paging aside)
     */
    public boolean matches(ExportJob job) {
        return search.map(x -> job.id().value().toLowerCase(java.util.Locale.ROOT).startsWith(x)
                || job.fileName().map(n -> n.toLowerCase(java.util.Locale.ROOT).contains(x)).orElse(false)).orElse(true)
                && owner.map(job.owner()::equals).orElse(true)
                && type.map(job.type()::equals).orElse(true)
                && (statuses.isEmpty() || statuses.contains(job.status()))
                && createdBefore.map(job.createdAt()::isBefore).orElse(true);
    }
}
