package org.smsexport.core;

/** What happens when an export would hold more records than the configured maximum. */
public enum OverLimitPolicy {
    /** The job fails with a message saying how many records matched and what the limit is (the default). */
    FAIL,
    /** The export stops at the limit; the job completes with a warning saying it was truncated. */
    TRUNCATE;

    /**
     * @param text {@code fail} or {@code truncate}, in any case
     * @return the policy
     * @throws org.smsexport.InvalidRequestException naming the value and the choices
     */
    public static OverLimitPolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "fail":
                return FAIL;
            case "truncate":
                return TRUNCATE;
            default:
                throw new org.smsexport.InvalidRequestException("Over-limit policy '" + text + "' is unknown. Valid: [fail, truncate].");
        }
    }
}
