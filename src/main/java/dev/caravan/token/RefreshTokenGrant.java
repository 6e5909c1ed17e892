package dev.caravan.token;

import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.EndUserAuthenticator;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.StoreUnavailableException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Rotating refresh: the old token is consumed, a new one of the same family is issued. The
 * user must still be able to log in: a deleted or disabled user's refresh tokens stop working,
 * and so do those of a login whose name now reaches someone with another subject (a directory
 * user renamed and the name given to another person, or a store whose subject rule changed).
 * In the token flow ({@code routes/token-api.yaml}) it runs in three hops: {@link #present}
 * (database), the secondary store's word on the user when the primary store does not know them
 * (asked over Artemis without holding a thread, {@link RefreshSteps}), then {@link #finish}.
 * The new access token carries the roles and claims the store gives now; a store that cannot
 * describe a user without their password (a web service: its lookup answers the user
 * {@link AuthenticatedUser#described() undescribed}) leaves those kept with the family at login.
 */
@Component
public class RefreshTokenGrant {
    private final RefreshTokens refreshTokens;
    private final TokenIssuer issuer;
    private final EndUserAuthenticator users;

    public RefreshTokenGrant(RefreshTokens refreshTokens, TokenIssuer issuer, EndUserAuthenticator users) {
        this.refreshTokens = refreshTokens;
        this.issuer = issuer;
        this.users = users;
    }

    /** A refresh request on its way: the presented token, and the user once a store has spoken. */
    static final class Attempt {
        static final String PROPERTY = "caravanRefreshAttempt";

        final String requested;
        final RefreshTokens.Presented presented;
        /** Whether a store has said who the user is now ({@link #user}, null if nobody). */
        volatile boolean resolved;
        volatile AuthenticatedUser user;
        volatile boolean unavailable;

        Attempt(String requested, RefreshTokens.Presented presented) {
            this.requested = requested;
            this.presented = presented;
        }

        String organization() {
            return presented.grant().organization();
        }

        String username() {
            return presented.grant().username();
        }
    }

    /**
     * Checks the presented token and the requested scope (nothing spent yet: a refused request must
     * not burn the token) and asks the primary store about the user.
     */
    Attempt present(ClientApp client, TokenForm form) {
        String value = form.required("refresh_token");
        if (value.length() > 512) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        String requested = form.optional("scope");
        RefreshTokens.Presented presented = refreshTokens.present(value, client.application().id());
        Scopes.narrowed(requested, presented.grant().scope());
        Attempt attempt = new Attempt(requested, presented);
        String organization = attempt.organization();
        String username = attempt.username();
        if (organization == null || username == null) {
            attempt.resolved = true;
            return attempt;
        }
        Optional<PrimaryUser> primary = users.primary().find(organization, username);
        if (primary.isPresent()) {
            attempt.user = primary.get().enabled() ? users.primary().toAuthenticated(primary.get(), organization) : null;
            attempt.resolved = true;
        } else if (users.secondary().forOrganization(organization).isEmpty()) {
            attempt.resolved = true;
        }
        return attempt;
    }

    /** The secondary store of the user's organization, when it is the one to ask. */
    Optional<UserStore> secondaryToAsk(Attempt attempt) {
        return attempt.resolved ? Optional.empty() : users.secondary().forOrganization(attempt.organization());
    }

    /** Asks a secondary store that cannot be asked without a thread (not reached over Artemis). */
    void askDirectly(Attempt attempt, UserStore store) {
        try {
            attempt.user = store.lookup(attempt.organization(), attempt.username()).orElse(null);
        } catch (StoreUnavailableException e) {
            attempt.unavailable = true;
        }
        attempt.resolved = true;
    }

    /** Spends the token and issues its successor, if the user may still get tokens. */
    GrantResult finish(ClientApp client, Attempt attempt) {
        if (attempt.unavailable) {
            // the directory cannot say: the token is kept, the client may retry
            throw OAuthException.temporarilyUnavailable("the user cannot be verified right now; try again later");
        }
        AuthenticatedUser current = attempt.user;
        if (current == null || !current.subject().equals(attempt.presented.grant().subject())) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        String requested = attempt.requested;
        RefreshTokens.Rotated rotated = refreshTokens.rotate(attempt.presented, client.application().id(),
                granted -> Scopes.narrowed(requested, granted));
        String scope = Scopes.narrowed(requested, rotated.grant().scope());
        // roles and claims as the store says now, not as they were at login; only a store that
        // cannot say (a web service, asked without a password) leaves those kept at login
        RefreshTokens.LoginClaims atLogin = rotated.grant().atLogin();
        AuthenticatedUser user = !current.described() && atLogin != null
                ? current.describedAs(atLogin.roles(), atLogin.claims()) : current;
        return issuer.forEndUser(client, user, scope, rotated.grant().family(), rotated.successor());
    }
}
