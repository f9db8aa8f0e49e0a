package org.smsexport.test;

import java.time.Duration;

/**
 * Waits for a state instead of sleeping and then asserting: polls a condition until it holds or a deadline (30 s by
 * default) passes, then fails naming what it waited for. A busy machine makes it slower, never wrong.
 */
public final class Await {

    /** How long {@link #until(String, Condition)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A state to wait for; it may throw (a database not there yet), which counts as not yet. */
    @FunctionalInterface
    public interface Condition {
        /** @return whether the state is reached @throws Exception when it cannot be told yet */
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * @param what      what is waited for, for the failure message
     * @param condition the state
     * @throws InterruptedException when interrupted
     * @throws AssertionError       when it does not hold within {@link #DEFAULT_TIMEOUT}
     */
    public static void until(String what, Condition condition) throws InterruptedException {
        until(what, condition, DEFAULT_TIMEOUT);
    }

    /**
     * @param what      what is waited for, for the failure message
     * @param condition the state
     * @param timeout   how long to wait at most
     * @throws InterruptedException when interrupted
     * @throws AssertionError       when it does not hold within {@code timeout}
     */
    public static void until(String what, Condition condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e; // not yet; named if it never holds
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
            }
            Thread.sleep(10);
        }
    }
}
