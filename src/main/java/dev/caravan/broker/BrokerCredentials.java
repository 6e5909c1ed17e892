package dev.caravan.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The one user the embedded broker accepts, and the credentials Caravan's own connections use.
 * Without a configured password a random one is made per start, so the broker is never open.
 */
public final class BrokerCredentials {
    private final String user;
    private final String password;
    private final boolean generated;

    public BrokerCredentials(BrokerProperties properties) {
        this.user = properties.user();
        this.generated = !properties.hasPassword();
        this.password = generated ? randomPassword() : properties.password();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Whether the password was made up at start-up (then no other process knows it). */
    public boolean generated() {
        return generated;
    }

    /** Constant-time check of a user and password presented to the embedded broker. */
    public boolean matches(String presentedUser, String presentedPassword) {
        if (presentedUser == null || presentedPassword == null) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(
                presentedUser.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(
                presentedPassword.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    @Override
    public String toString() {
        return "BrokerCredentials[user=" + user + "]";
    }
}
