package org.smsexport.spi;

/**
 * How a data source learns that the export it serves was stopped (cancelled, timed out, the service closing) while it
 * waits on something a flag cannot reach: a query blocked on a lock or a slow plan. A JDBC source registers
 * {@code Statement.cancel()}; the statement then fails at once and the export ends CANCELLED (or FAILED for a
 * timeout) instead of waiting for the database. Thread-safe.
 */
@FunctionalInterface
public interface Cancellation {

    /** Never cancels: for a call outside a job. */
    Cancellation NONE = action -> () -> { };

    /**
     * Registers an action run once when the export is stopped, on the thread that stops it (or at once when it already
     * was). It must be quick, thread-safe and never throw (what it throws is ignored).
     *
     * @param action what stops the waiting call, e.g. {@code statement::cancel} wrapped
     * @return call it to forget the action, when the call it guards has returned or its resource is closed
     */
    Runnable whenCancelled(Runnable action);
}
