package dev.caravan.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.caravan.config.CaravanProperties;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Counts failed password logins per username (as typed, so unknown and known names are
 * treated alike and a lock reveals nothing) and per client IP, within a sliding window. Past
 * the limit, password grants are answered 429 before any userstore is asked. A successful
 * login clears the username's count.
 */
@Component
public class LoginThrottle {
    private final Cache<String, AtomicInteger> byUser;
    private final Cache<String, AtomicInteger> byAddress;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final long retryAfterSeconds;

    public LoginThrottle(CaravanProperties properties) {
        CaravanProperties.Token settings = properties.token();
        this.maxPerUser = settings.maxFailuresPerUser();
        this.maxPerAddress = settings.maxFailuresPerAddress();
        this.retryAfterSeconds = settings.failureWindow().toSeconds();
        this.byUser = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(settings.failureWindow()).build();
        this.byAddress = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(settings.failureWindow()).build();
    }

    /** Throws a 429 answer when the username or the address has failed too often. */
    public void check(String address, String username) {
        if (count(byUser, userKey(username)) >= maxPerUser || count(byAddress, address) >= maxPerAddress) {
            throw new Throttled(retryAfterSeconds);
        }
    }

    public void failed(String address, String username) {
        byUser.get(userKey(username), k -> new AtomicInteger()).incrementAndGet();
        if (address != null) {
            byAddress.get(address, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    public void succeeded(String username) {
        byUser.invalidate(userKey(username));
    }

    private static int count(Cache<String, AtomicInteger> cache, String key) {
        if (key == null) {
            return 0;
        }
        AtomicInteger value = cache.getIfPresent(key);
        return value == null ? 0 : value.get();
    }

    private static String userKey(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    /** Too many failures: 429 with Retry-After. */
    public static class Throttled extends OAuthException {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super(429, "invalid_request", "too many failed login attempts; try again later", false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
