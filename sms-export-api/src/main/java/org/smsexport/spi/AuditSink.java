package org.smsexport.spi;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.smsexport.AuditEntry;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;

/**
 * Where the audit trail is kept: append-only, each record chained to the one before ({@link AuditRecord#chain}),
 * also when several nodes append to one store. The service appends every job event; only
 * {@link #deleteBefore} (the separate audit retention, off by default) removes records. Implementations must be
 * thread-safe.
 */
public interface AuditSink extends AutoCloseable {

    /**
     * Chains an entry after the last record and stores it.
     *
     * @param entry what happened
     * @return the stored record
     */
    AuditRecord append(AuditEntry entry);

    /**
     * @param query criteria and limit
     * @return matching records, newest first
     */
    List<AuditRecord> list(AuditQuery query);

    /**
     * Streams every record, oldest first, without holding them all.
     *
     * @param each told of each record
     */
    void forEach(Consumer<AuditRecord> each);

    /**
     * Removes the records older than an instant: the audit retention. The oldest remaining record then anchors the
     * chain.
     *
     * @param before the cut
     * @return records removed
     */
    long deleteBefore(Instant before);

    /** Releases resources; called once by the service's {@code close()}. */
    @Override
    default void close() {
    }
}
