package org.smsexport.core;

/** What happens when an export would hold more records than the configured maximum. */
public enum OverLimitPolicy {
    /** The job fails with a message saying how many records matched and what the limit is (the default). */
    FAIL,
    /** The export stops at the limit; the job completes with a warning saying it was truncated. */
    TRUNCATE
}
