package org.smsexport;

import java.util.Optional;

/**
 * What checking the audit trail's hash chain found.
 *
 * @param checked     records checked
 * @param firstBroken the number of the first record whose hash or link does not hold
 * @param message     one line: whole, or which record is broken and how
 */
public record AuditVerification(long checked, Optional<Long> firstBroken, String message) {

    /** @return whether the chain is whole */
    public boolean intact() {
        return firstBroken.isEmpty();
    }
}
