package dev.caravan.token;

/** Too many failed logins for this username or from this address: 429 with {@code Retry-After}. */
public class ThrottledException extends OAuthException {
    private final long retryAfterSeconds;

    public ThrottledException(long retryAfterSeconds) {
        super(429, "invalid_request", "too many failed login attempts; try again later", false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
