package dev.caravan.token;

import dev.caravan.jwt.AccessTokens;
import dev.caravan.registry.LiveRegistry.ClientApp;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.caravan.userstore.AuthenticatedUser;
import java.util.Set;
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

    /** A new login of an end user: new family. */
    public GrantResult forEndUser(ClientApp client, String organization, String username, String scope) {
        return forEndUser(client, organization, username, scope, UUID.randomUUID().toString());
    }

    /** A new login of a user whose store gave roles and claims. */
    public GrantResult forEndUser(ClientApp client, AuthenticatedUser user, String scope) {
        return forEndUser(client, user, scope, UUID.randomUUID().toString());
    }

    /** Tokens within an existing family for a user whose store gave roles and claims. */
    public GrantResult forEndUser(ClientApp client, AuthenticatedUser user, String scope, String family) {
        return issue(client, user.organization(), user.username(), scope, family, user.roles(), user.attributes());
    }

    /** An end user's tokens within an existing family (refresh rotation). */
    public GrantResult forEndUser(ClientApp client, String organization, String username, String scope,
                                  String family) {
        return issue(client, organization, username, scope, family, Set.of(), Map.of());
    }

    private GrantResult issue(ClientApp client, String organization, String username, String scope, String family,
                              Set<String> roles, Map<String, String> userClaims) {
        String subject = username + "@" + organization;
        AccessTokens.Issued access = accessTokens.issue(subject, client.application().consumerKey(), organization,
                username, scope, family, roles, userClaims);
        String refresh = refreshTokens.issue(family, client.application().id(), subject, organization, username, scope);
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
