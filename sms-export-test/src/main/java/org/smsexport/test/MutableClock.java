package org.smsexport.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand: to age jobs and files, or to make scheduled slots due without waiting. Thread-safe. */
public final class MutableClock extends Clock {
    private volatile Instant now;

    /** @param start the clock's first reading */
    public MutableClock(Instant start) {
        this.now = start;
    }

    /** @param d how far to move the clock forward */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** @param instant the clock's new reading */
    public void set(Instant instant) {
        now = instant;
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
    public Instant instant() {
        return now;
    }
}
