package dev.caravan.jwt;

import java.time.Instant;

/**
 * A validated access token. {@code organization} and {@code username} are set for tokens
 * issued to an end user (password and refresh grants); a client_credentials token has the
 * application as subject and neither. {@code family} ties a token to its refresh-token family.
 */
public record AccessTokenClaims(
        String jti,
        String subject,
        String clientId,
        String organization,
        String username,
        String scope,
        String family,
        Instant issuedAt,
        Instant expiresAt) {

    public boolean isEndUserToken() {
        return username != null;
    }
}
