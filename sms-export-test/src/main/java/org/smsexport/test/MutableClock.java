package org.smsexport.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand: to age jobs and files, or to make scheduled slots due without waiting.
 * {@link #MutableClock(Instant) Standing} clocks show the same instant until moved; {@link #ticking(Instant)
 * ticking} ones run at normal speed from where they were set, for code that waits by its clock (db-scheduler
 * polls by it, so a standing clock would stop it polling). Thread-safe.
 */
public final class MutableClock extends Clock {
    private final boolean ticking;
    private volatile Instant base;
    private volatile long baseNanos;

    /** @param start the clock's reading, until it is moved */
    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant start, boolean ticking) {
        this.ticking = ticking;
        set(start);
    }

    /**
     * @param start the clock's first reading
     * @return a clock that runs on from {@code start} and jumps when moved
     */
    public static MutableClock ticking(Instant start) {
        return new MutableClock(start, true);
    }

    /** @param d how far to move the clock forward */
    public synchronized void advance(Duration d) {
        set(instant().plus(d));
    }

    /** @param instant the clock's new reading */
    public synchronized void set(Instant instant) {
        base = instant;
        baseNanos = System.nanoTime();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public synchronized Instant instant() {
        return ticking ? base.plusNanos(System.nanoTime() - baseNanos) : base;
    }
}
