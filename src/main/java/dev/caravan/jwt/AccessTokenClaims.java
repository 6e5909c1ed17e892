package dev.caravan.jwt;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A validated access token. {@code organization} and {@code username} are set for tokens
 * issued to an end user (password and refresh grants); a client_credentials token has the
 * application as subject and neither. {@code family} ties a token to its refresh-token family.
 * {@code roles} and {@code userClaims} are what the end user's userstore said of them at login
 * (directory groups mapped to roles, attributes mapped to claims); the backend JWT carries them.
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
        Instant expiresAt,
        Set<String> roles,
        Map<String, String> userClaims) {

    public AccessTokenClaims(String jti, String subject, String clientId, String organization, String username,
            String scope, String family, Instant issuedAt, Instant expiresAt) {
        this(jti, subject, clientId, organization, username, scope, family, issuedAt, expiresAt, Set.of(), Map.of());
    }

    public boolean isEndUserToken() {
        return username != null;
    }
}
