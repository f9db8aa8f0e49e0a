package org.smsexport.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The one place sms-export's threads are made, by the engine and by every format: each is named
 * {@code sms-export-<role>-<n>} ({@code sms-export-worker-1}, {@code sms-export-csv-3}), so a thread dump says
 * whose it is, and each is a daemon, so a forgotten {@code close()} never keeps the JVM alive. Plugin authors
 * use it for their helper threads too.
 */
public final class ExportThreads {

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Map<String, AtomicInteger> NUMBERS = new ConcurrentHashMap<>();

    /** The JVM's cores, claimed by threads while they format (every export of every service shares them). */
    private static final java.util.concurrent.Semaphore CORES = new java.util.concurrent.Semaphore(
            Runtime.getRuntime().availableProcessors());

    private ExportThreads() {
    }

    /**
     * Claims one of the JVM's cores for formatting, if one is free. An export's calling thread claims one for the whole
     * export; a format's helper thread claims one per piece of work and works only while it holds one, so two exports
     * at once never run more busy formatting threads than there are cores, and one export alone uses them all.
     *
     * @return whether a core was free (then {@link #releaseCore()} it)
     */
    public static boolean claimCore() {
        return CORES.tryAcquire();
    }

    /**
     * Waits up to {@code millis} for a core to become free.
     *
     * @param millis the longest wait
     * @return whether one was claimed (then {@link #releaseCore()} it)
     * @throws InterruptedException when interrupted while waiting
     */
    public static boolean claimCore(long millis) throws InterruptedException {
        return CORES.tryAcquire(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Gives back a core {@link #claimCore() claimed}. */
    public static void releaseCore() {
        CORES.release();
    }

    /**
     * @param role what the threads do, lower case: {@code worker}, {@code csv}, {@code xlsx-zip}
     * @return a factory of daemon threads numbered per role from 1
     * @throws IllegalArgumentException for a role that is not lower-case letters, digits and dashes
     */
    public static ThreadFactory factory(String role) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("A thread role is lower-case letters, digits and dashes, got '" + role + "'");
        }
        AtomicInteger n = NUMBERS.computeIfAbsent(role, r -> new AtomicInteger());
        return task -> {
            Thread t = new Thread(task, "sms-export-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts a helper thread of the caller's work: it logs with the caller's MDC (an export's threads carry its job id,
     * {@code sms.export.job}).
     *
     * @param role what the thread does
     * @param task its work
     * @return the started thread
     */
    public static Thread start(String role, Runnable task) {
        Thread t = factory(role).newThread(withCallerMdc(task));
        t.start();
        return t;
    }

    /**
     * A task for another thread (a new one, or a pool's that serves many exports) that logs with the MDC of the thread
     * that made it — an export's job id ({@code sms.export.job}) — and leaves the running thread's MDC as it found it.
     *
     * @param task the work
     * @return the work, carrying the caller's MDC
     */
    public static Runnable withCallerMdc(Runnable task) {
        java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
        return () -> {
            java.util.Map<String, String> before = org.slf4j.MDC.getCopyOfContextMap();
            setMdc(mdc);
            try {
                task.run();
            } finally {
                setMdc(before);
            }
        };
    }

    private static void setMdc(java.util.Map<String, String> mdc) {
        if (mdc == null) {
            org.slf4j.MDC.clear();
        } else {
            org.slf4j.MDC.setContextMap(mdc);
        }
    }
}
