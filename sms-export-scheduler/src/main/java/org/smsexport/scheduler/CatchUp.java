package org.smsexport.scheduler;

import java.util.Locale;
import org.smsexport.InvalidRequestException;

/**
 * What a schedule does with the slots it missed while no scheduler was running (or while its previous run
 * took longer than the interval).
 */
public enum CatchUp {
    /** Missed slots are skipped (recorded as SKIPPED); only future slots run. */
    SKIP,
    /** One run stands for all missed slots, then the schedule continues with future slots. The default. */
    RUN_ONCE,
    /** Every missed slot runs, oldest first, as long as it lies within the schedule's catch-up window. */
    RUN_ALL;

    /**
     * @param text {@code skip}, {@code once} or {@code all} (or the constant names), case-insensitive
     * @return the policy
     * @throws InvalidRequestException naming the value and the choices
     */
    public static CatchUp parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (t) {
            case "skip":
                return SKIP;
            case "once":
            case "run_once":
                return RUN_ONCE;
            case "all":
            case "run_all":
                return RUN_ALL;
            default:
                throw new InvalidRequestException("Catch-up policy '" + text + "' is not one of [skip, once, all].");
        }
    }

    /** @return {@code skip}, {@code once} or {@code all} */
    public String label() {
        return this == SKIP ? "skip" : this == RUN_ONCE ? "once" : "all";
    }

    @Override
    public String toString() {
        return label();
    }
}
