package dev.caravan.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test sets and moves by hand, shared by the parts under test that must agree on the
 * time (as the application's {@code Clock} bean in end-to-end tests, to stand exactly on a
 * token's expiry). Made without a start it reads the system time until {@link #set} pins it.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> pinned = new AtomicReference<>();

    /** Reads the system time until pinned. */
    public MutableClock() {}

    /** Pinned to {@code start}. */
    public MutableClock(Instant start) {
        pinned.set(start);
    }

    public void set(Instant instant) {
        pinned.set(instant);
    }

    public void advance(Duration duration) {
        pinned.updateAndGet(now -> (now == null ? Instant.now() : now).plus(duration));
    }

    /** Back to the system time. */
    public void release() {
        pinned.set(null);
    }

    @Override
    public Instant instant() {
        Instant now = pinned.get();
        return now == null ? Instant.now() : now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
