package org.smsexport;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What happened to an export, as the audit trail records it. */
public enum AuditEvent {
    /** A job was submitted. */
    CREATED,
    /** A worker started it. */
    STARTED,
    /** Its file was published. */
    COMPLETED,
    /** It failed. */
    FAILED,
    /** Someone cancelled it. */
    CANCELLED,
    /** Someone downloaded its file. */
    DOWNLOADED,
    /** Its record and file were deleted (by someone, or by retention). */
    DELETED,
    /** Its file was archived. */
    ARCHIVED,
    /** Its notification was delivered. */
    NOTIFIED;

    /** @return the stored spelling: {@code created}, {@code downloaded}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id a stored spelling, any case
     * @return the event
     * @throws InvalidRequestException naming the value and the valid ones
     */
    public static AuditEvent of(String id) {
        for (AuditEvent e : values()) {
            if (e.id().equalsIgnoreCase(id.strip())) {
                return e;
            }
        }
        throw new InvalidRequestException("Unknown audit event '" + id + "'; valid: "
                + Arrays.stream(values()).map(AuditEvent::id).collect(Collectors.joining(", ")) + ".");
    }
}
