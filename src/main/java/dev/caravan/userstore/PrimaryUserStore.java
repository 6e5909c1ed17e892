package dev.caravan.userstore;

import java.nio.CharBuffer;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The organization's own publishers, subscribers and end users, in the database, Argon2id-hashed.
 * Case rule: a username reaches its user whatever its case (usernames are unique within an
 * organization ignoring case, see {@link PrimaryUserRepository}), and the user is named as they
 * were created: {@code ADA} and {@code ada} both log in as the one user {@code Ada}.
 */
@Component
public class PrimaryUserStore implements UserStore {
    private final PrimaryUserRepository users;
    private final PasswordHasher hasher;

    public PrimaryUserStore(PrimaryUserRepository users, PasswordHasher hasher) {
        this.users = users;
        this.hasher = hasher;
    }

    @Override
    public String kind() {
        return "primary";
    }

    @Override
    public Verification verify(String organization, String username, char[] password) {
        try {
            return check(organization, username, password);
        } catch (PasswordHasher.BusyException e) {
            return new Verification.Unavailable("password checks are saturated");
        }
    }

    private Verification check(String organization, String username, char[] password) {
        CharBuffer secret = CharBuffer.wrap(password);
        Optional<PrimaryUser> found = find(organization, username);
        if (found.isEmpty()) {
            return new Verification.UnknownUser();
        }
        return check(found.get(), organization, secret);
    }

    /**
     * Checks the password of a user {@link #find} found (Argon2id): accepted, rejected (wrong
     * password or disabled user), or unavailable when password checks are saturated.
     */
    public Verification checkPassword(PrimaryUser user, String organization, char[] password) {
        try {
            return check(user, organization, CharBuffer.wrap(password));
        } catch (PasswordHasher.BusyException e) {
            return new Verification.Unavailable("password checks are saturated");
        }
    }

    private Verification check(PrimaryUser user, String organization, CharBuffer secret) {
        boolean matches = hasher.matches(secret, user.passwordHash());
        if (!matches || !user.enabled()) {
            return new Verification.Rejected();
        }
        return new Verification.Accepted(toAuthenticated(user, organization));
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String organization, String username) {
        return find(organization, username)
                .map(user -> toAuthenticated(user, organization));
    }

    /** The user a normalized {@code username} reaches in the organization named {@code organization}. */
    public Optional<PrimaryUser> find(String organization, String username) {
        // one query: this runs for every password and refresh grant
        return users.findInOrganizationNamed(organization, username);
    }

    /** The user as the store describes them to the token issuer (roles, email claim). */
    public AuthenticatedUser toAuthenticated(PrimaryUser user, String organization) {
        Map<String, String> attributes = user.email() == null ? Map.of() : Map.of("email", user.email());
        return new AuthenticatedUser(user.username(), organization, kind(), user.roles(), attributes);
    }
}
