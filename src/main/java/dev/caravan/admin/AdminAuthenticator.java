package dev.caravan.admin;

import dev.caravan.config.CaravanProperties;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserStore;
import dev.caravan.userstore.Verification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides who an admin API caller is. The admin's name and password are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever
 * the input. Any other caller must be {@code username@organization} (split on the last '@' and
 * normalized like every login name, {@link LoginName}), an enabled publisher of that organization in the primary userstore, whose verification
 * costs the same for an unknown user as for a wrong password.
 */
@Component
class AdminAuthenticator {
    private final byte[] adminUsernameDigest;
    private final byte[] adminPasswordDigest;
    private final String adminUsername;
    private final PrimaryUserStore primary;

    AdminAuthenticator(CaravanProperties properties, PrimaryUserStore primary) {
        this.adminUsername = properties.admin().username();
        this.adminUsernameDigest = sha256(properties.admin().username());
        this.adminPasswordDigest = sha256(properties.admin().password());
        this.primary = primary;
    }

    Optional<AdminPrincipal> authenticate(BasicCredentials credentials) {
        boolean nameMatches = MessageDigest.isEqual(sha256(credentials.username()), adminUsernameDigest);
        boolean passwordMatches = MessageDigest.isEqual(sha256(credentials.password()), adminPasswordDigest);
        if (nameMatches & passwordMatches) {
            return Optional.of(AdminPrincipal.admin(adminUsername));
        }
        LoginName login = LoginName.parse(credentials.username(), null);
        if (!login.valid()) {
            return Optional.empty();
        }
        char[] password = credentials.password().toCharArray();
        Verification verdict;
        try {
            verdict = primary.verify(login.organization(), login.username(), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (verdict instanceof Verification.Accepted accepted
                && accepted.user().roles().contains(PrimaryUser.PUBLISHER)) {
            return Optional.of(AdminPrincipal.publisher(accepted.user().qualifiedName(), accepted.user().organization()));
        }
        return Optional.empty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
