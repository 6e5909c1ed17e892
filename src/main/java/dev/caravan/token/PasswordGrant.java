package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.Verification;
import org.springframework.stereotype.Component;

/**
 * Resource owner password grant for end users. The username is {@code user@organization},
 * split on the last '@' (so {@code jane@example.com@my_company} is user
 * {@code jane@example.com}); without '@' the application's organization is meant. The
 * organization must be the application's. Unknown user and wrong password get one answer.
 * The name is read once, by {@link LoginName} (normalized; the token endpoint keys its
 * failed-login counter by it before any store is asked), and the user is named in the tokens as
 * their store names them. The stores are asked by the steps of the token flow
 * ({@link PasswordGrantSteps}); this class reads the request and turns the verdict into the answer.
 */
@Component
public class PasswordGrant {
    static final String BAD_CREDENTIALS = "the username or password is not valid";

    private final TokenIssuer issuer;
    private final CaravanProperties.Token limits;

    public PasswordGrant(TokenIssuer issuer, CaravanProperties properties) {
        this.issuer = issuer;
        this.limits = properties.token();
    }

    /** The login name of a password grant request, read once (null username when absent). */
    public static LoginName loginName(ClientApp client, TokenForm form) {
        return LoginName.parse(form.optional("username"), client == null ? null : client.organization());
    }

    /**
     * Reads the request of a login name already read from this form by {@link #loginName}. A
     * name that can reach no user of this application gets its verdict at once (refused, like
     * an unknown user, and answered as late as one).
     */
    LoginAttempt start(ClientApp client, TokenForm form, LoginName login, String address) {
        long started = System.nanoTime();
        String qualified = form.required("username");
        String password = form.required("password");
        if (qualified.length() > limits.maxUsernameLength()) {
            throw OAuthException.invalidRequest("the username is too long");
        }
        if (password.length() > limits.maxPasswordLength()) {
            throw OAuthException.invalidRequest("the password is too long");
        }
        String scope = Scopes.requested(form.optional("scope"));
        LoginAttempt attempt = new LoginAttempt(login, address, password.toCharArray(), scope, started);
        if (!login.valid() || password.isBlank() || !login.organization().equals(client.organization())) {
            attempt.verdict = new Verification.UnknownUser();
        }
        return attempt;
    }

    /** The answer to a login whose stores have spoken: tokens, 503, or {@code invalid_grant}. */
    GrantResult finish(ClientApp client, LoginAttempt attempt) {
        attempt.wipe();
        Verification verdict = attempt.verdict;
        if (verdict instanceof Verification.Accepted accepted) {
            return issuer.forEndUser(client, accepted.user(), attempt.scope);
        }
        if (verdict instanceof Verification.Unavailable) {
            throw OAuthException.temporarilyUnavailable("the user cannot be verified right now; try again later");
        }
        throw OAuthException.invalidGrant(BAD_CREDENTIALS);
    }
}
