package dev.caravan.token;

import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.EndUserAuthenticator;
import dev.caravan.userstore.external.StoreUnavailableException;
import org.springframework.stereotype.Component;

/**
 * Rotating refresh: the old token is consumed, a new one of the same family is issued. The
 * user must still be able to log in: a deleted or disabled user's refresh tokens stop working,
 * and so do those of a login whose name now reaches someone with another subject (a directory
 * user renamed and the name given to another person, or a store whose subject rule changed).
 */
@Component
public class RefreshTokenGrant implements GrantHandler {
    private final RefreshTokens refreshTokens;
    private final TokenIssuer issuer;
    private final EndUserAuthenticator users;

    public RefreshTokenGrant(RefreshTokens refreshTokens, TokenIssuer issuer, EndUserAuthenticator users) {
        this.refreshTokens = refreshTokens;
        this.issuer = issuer;
        this.users = users;
    }

    @Override
    public String grantType() {
        return "refresh_token";
    }

    @Override
    public GrantResult grant(ClientApp client, TokenForm form) {
        String value = form.required("refresh_token");
        if (value.length() > 512) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        String requested = form.optional("scope");
        // the scope and the user are checked before the token is spent: a refused request must not burn it
        AuthenticatedUser[] current = new AuthenticatedUser[1];
        RefreshTokens.Rotated rotated = refreshTokens.rotate(value, client.application().id(), g -> {
            Scopes.narrowed(requested, g.scope());
            try {
                current[0] = users.current(g.organization(), g.username()).orElse(null);
            } catch (StoreUnavailableException e) {
                // the directory cannot say: the token is kept, the client may retry
                throw OAuthException.temporarilyUnavailable("the user cannot be verified right now; try again later");
            }
            if (current[0] == null || !current[0].subject().equals(g.subject())) {
                throw OAuthException.invalidGrant("the refresh token is not valid");
            }
        }, granted -> Scopes.narrowed(requested, granted));
        String scope = Scopes.narrowed(requested, rotated.grant().scope());
        // roles and claims as the store says now, not as they were at login
        return issuer.forEndUser(client, current[0], scope, rotated.grant().family(), rotated.successor());
    }
}
