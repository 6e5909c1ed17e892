package dev.caravan.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting for something asynchronous by polling it against a deadline, never a bare sleep. */
public final class Poll {
    private Poll() {}

    /** Reads {@code value} until {@code done} holds, returning that value; fails after {@code timeout}. */
    public static <T> T until(Duration timeout, Supplier<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not there after " + timeout + "; last seen: " + last);
            }
            try {
                Thread.onSpinWait();
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
            last = value.get();
        }
        return last;
    }
}
