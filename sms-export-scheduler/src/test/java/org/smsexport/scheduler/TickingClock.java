package org.smsexport.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs at normal speed from a reading the test sets, and jumps when told. db-scheduler waits
 * between polls by this clock, so a clock that stood still would stop it polling; this one keeps time
 * moving while letting a test skip hours.
 */
final class TickingClock extends Clock {
    private volatile Instant base;
    private volatile long baseNanos;

    TickingClock(Instant start) {
        set(start);
    }

    synchronized void set(Instant instant) {
        base = instant;
        baseNanos = System.nanoTime();
    }

    synchronized void advance(Duration d) {
        set(instant().plus(d));
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
        return base.plusNanos(System.nanoTime() - baseNanos);
    }
}
