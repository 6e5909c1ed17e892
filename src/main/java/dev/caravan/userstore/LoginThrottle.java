package dev.caravan.userstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-user and per-IP throttling of failed logins, used by the token endpoint's
 * password grant and by the admin API, each with its own instance and limits. Usernames are
 * counted by the key their caller gives ({@link LoginName#throttleKey}: one key for every
 * spelling that can reach one account), whether or not they exist, so a lock reveals nothing. After
 * {@code maxUserFailures} failures for one username, or {@code maxIpFailures} from one
 * address, further attempts are refused without checking any password until {@code window}
 * has passed since the last counted failure. The trade-off: someone who knows the admin's
 * username can keep it throttled; the admin can still log in from a host that is not.
 */
public final class LoginThrottle {
    private static final int MAX_TRACKED = 100_000;

    private final int maxUserFailures;
    private final int maxIpFailures;
    private final Duration window;
    private final Cache<String, AtomicInteger> byUser;
    private final Cache<String, AtomicInteger> byIp;

    public LoginThrottle(int maxUserFailures, int maxIpFailures, Duration window, Ticker ticker) {
        this.maxUserFailures = maxUserFailures;
        this.maxIpFailures = maxIpFailures;
        this.window = window;
        this.byUser = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(window).maximumSize(MAX_TRACKED).build();
        this.byIp = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(window).maximumSize(MAX_TRACKED).build();
    }

    public boolean blocked(String username, String ip) {
        return count(byUser, key(username)) >= maxUserFailures || count(byIp, ip) >= maxIpFailures;
    }

    public void failed(String username, String ip) {
        increment(byUser, key(username));
        increment(byIp, ip);
    }

    public void succeeded(String username) {
        byUser.invalidate(key(username));
    }

    public Duration window() {
        return window;
    }

    private static String key(String username) {
        return username == null ? "" : username;
    }

    private static int count(Cache<String, AtomicInteger> cache, String key) {
        if (key == null) {
            return 0;
        }
        AtomicInteger value = cache.getIfPresent(key);
        return value == null ? 0 : value.get();
    }

    private static void increment(Cache<String, AtomicInteger> cache, String key) {
        if (key == null) {
            return;
        }
        // compute() is a write, so the window restarts at each failure
        cache.asMap().compute(key, (k, v) -> {
            AtomicInteger counter = v == null ? new AtomicInteger() : v;
            counter.incrementAndGet();
            return counter;
        });
    }
}
