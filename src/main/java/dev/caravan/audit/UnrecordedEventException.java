package dev.caravan.audit;

import dev.caravan.token.OAuthException;

/**
 * A token was made or revoked, but its audit event did not reach the broker within
 * {@code caravan.audit.security-wait}: the request is answered 503 rather than handing out a
 * token (or confirming a revocation) that the audit trail might never show. The event stays
 * queued and is sent once the broker is back; the client retries.
 */
public class UnrecordedEventException extends OAuthException {
    public UnrecordedEventException() {
        super(503, "temporarily_unavailable", "the request could not be recorded right now; try again later", false);
    }
}
