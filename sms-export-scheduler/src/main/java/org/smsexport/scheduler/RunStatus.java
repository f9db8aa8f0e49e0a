package org.smsexport.scheduler;

import java.util.Locale;

/** Where a slot's run stands in the ledger. */
public enum RunStatus {
    /** Claimed by a node; the export runs. */
    RUNNING,
    /** The export completed. */
    COMPLETED,
    /** The export failed, was cancelled, or its node stopped before it ended. */
    FAILED,
    /** Not run: missed while no scheduler ran, and the schedule's catch-up policy said not to. */
    SKIPPED;

    /** @return the name as the CLI and the REST API print it: {@code completed} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
