package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.EndUserAuthenticator;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.Verification;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * Resource owner password grant for end users. The username is {@code user@organization},
 * split on the last '@' (so {@code jane@example.com@my_company} is user
 * {@code jane@example.com}); without '@' the application's organization is meant. The
 * organization must be the application's. Unknown user and wrong password get one answer.
 * The name is read once, by {@link LoginName} (normalized; the token endpoint keys its
 * failed-login counter by it before any store is asked), and the user is named in the tokens as
 * their store names them.
 */
@Component
public class PasswordGrant implements GrantHandler {
    static final String BAD_CREDENTIALS = "the username or password is not valid";

    private final EndUserAuthenticator authenticator;
    private final TokenIssuer issuer;
    private final CaravanProperties.Token limits;

    public PasswordGrant(EndUserAuthenticator authenticator, TokenIssuer issuer, CaravanProperties properties) {
        this.authenticator = authenticator;
        this.issuer = issuer;
        this.limits = properties.token();
    }

    @Override
    public String grantType() {
        return "password";
    }

    @Override
    public GrantResult grant(ClientApp client, TokenForm form) {
        return grant(client, form, loginName(client, form));
    }

    /** The login name of a password grant request, read once (null username when absent). */
    public static LoginName loginName(ClientApp client, TokenForm form) {
        return LoginName.parse(form.optional("username"), client.organization());
    }

    /** The grant for a login name already read from this form by {@link #loginName}. */
    public GrantResult grant(ClientApp client, TokenForm form, LoginName login) {
        String qualified = form.required("username");
        String password = form.required("password");
        if (qualified.length() > limits.maxUsernameLength()) {
            throw OAuthException.invalidRequest("the username is too long");
        }
        if (password.length() > limits.maxPasswordLength()) {
            throw OAuthException.invalidRequest("the password is too long");
        }
        String scope = Scopes.requested(form.optional("scope"));
        if (!login.valid() || password.isBlank() || !login.organization().equals(client.organization())) {
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        char[] secret = password.toCharArray();
        Verification verdict;
        try {
            verdict = authenticator.authenticate(login.organization(), login.username(), secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (verdict instanceof Verification.Accepted accepted) {
            return issuer.forEndUser(client, accepted.user(), scope);
        }
        if (verdict instanceof Verification.Unavailable) {
            throw OAuthException.temporarilyUnavailable("the user cannot be verified right now; try again later");
        }
        throw OAuthException.invalidGrant(BAD_CREDENTIALS);
    }
}
