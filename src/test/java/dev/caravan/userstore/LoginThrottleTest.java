package dev.caravan.userstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker clock = nanos::get;
    private final LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofMinutes(5), clock);

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void userBelowLimitThenNotBlocked() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).isFalse();
    }

    @Test
    void userAtLimitThenBlockedFromAnyAddressButOthersAreNot() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0." + i);
        }
        assertThat(throttle.blocked("alice", "10.0.0.99")).isTrue();
        assertThat(throttle.blocked("bob", "10.0.0.99")).isFalse();
    }

    @Test
    void addressAtLimitThenBlockedForEveryUser() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertThat(throttle.blocked("someone-new", "10.0.0.1")).isTrue();
        assertThat(throttle.blocked("someone-new", "10.0.0.2")).isFalse();
    }

    @Test
    void blockEndsWhenWindowPassesWithoutFailure() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        advance(Duration.ofMinutes(4));
        assertThat(throttle.blocked("alice", "10.0.0.1")).isTrue();
        advance(Duration.ofMinutes(2));
        assertThat(throttle.blocked("alice", "10.0.0.1")).isFalse();
    }

    @Test
    void eachFailureRestartsTheWindow() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        advance(Duration.ofMinutes(4));
        throttle.failed("alice", "10.0.0.1");
        advance(Duration.ofMinutes(4));
        assertThat(throttle.blocked("alice", "10.0.0.1")).isTrue();
    }

    @Test
    void successForgetsTheUsersFailures() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.succeeded("alice");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).isFalse();
    }
}
