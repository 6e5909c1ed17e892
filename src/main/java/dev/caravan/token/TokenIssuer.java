package dev.caravan.token;

import dev.caravan.jwt.AccessTokens;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.AuthenticatedUser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Builds token responses: an access token, and for end users a refresh token of the login's family. */
@Component
public class TokenIssuer {
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;

    public TokenIssuer(AccessTokens accessTokens, RefreshTokens refreshTokens) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    /** A new login of a user whose store gave roles and claims: new family. */
    public GrantResult forEndUser(ClientApp client, AuthenticatedUser user, String scope) {
        return forEndUser(client, user, scope, UUID.randomUUID().toString());
    }

    /**
     * Tokens within a family for a user as their store names them: {@code sub} is the user's
     * {@link AuthenticatedUser#subject() subject} ({@code username@organization}, or the pinned
     * directory attribute's value {@code @organization}), {@code username} their canonical name.
     */
    public GrantResult forEndUser(ClientApp client, AuthenticatedUser user, String scope, String family) {
        String refresh = refreshTokens.issue(family, client.application().id(), user.subject(), user.organization(),
                user.username(), scope, new RefreshTokens.LoginClaims(user.roles(), user.attributes()));
        return forEndUser(client, user, scope, family, refresh);
    }

    /** As {@link #forEndUser(ClientApp, AuthenticatedUser, String, String)}, with the refresh token already stored. */
    public GrantResult forEndUser(ClientApp client, AuthenticatedUser user, String scope, String family, String refresh) {
        String organization = user.organization();
        String username = user.username();
        AccessTokens.Issued access = accessTokens.issue(user.subject(), client.application().consumerKey(), organization,
                username, scope, family, user.roles(), user.attributes());
        Map<String, Object> body = response(access, scope);
        body.put("refresh_token", refresh);
        return new GrantResult(body, organization, username);
    }

    /** A token for the application itself (client_credentials): no refresh token (RFC 6749 §4.4.3). */
    public GrantResult forClient(ClientApp client, String scope) {
        String clientId = client.application().consumerKey();
        AccessTokens.Issued access = accessTokens.issue(clientId, clientId, client.organization(), null, scope, null);
        return new GrantResult(response(access, scope), client.organization(), null);
    }

    private static Map<String, Object> response(AccessTokens.Issued access, String scope) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", access.expiresAt().getEpochSecond() - access.issuedAt().getEpochSecond());
        body.put("scope", scope);
        return body;
    }
}
