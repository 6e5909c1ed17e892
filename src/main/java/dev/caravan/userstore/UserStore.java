package dev.caravan.userstore;

import java.util.Optional;

/**
 * The userstore SPI. The primary JDBC store implements it; LDAP/AD and authentication
 * web-service stores plug in behind {@link SecondaryUserStores}.
 */
public interface UserStore {

    /** A short name for logs and audit: {@code primary}, {@code ldap}, {@code webservice}. */
    String kind();

    /** Checks a password. Implementations never log or keep it. */
    Verification verify(String organization, String username, char[] password);

    /**
     * Whether a password is missing, empty or only whitespace: such a password never reaches an
     * external store (an empty LDAP simple bind is anonymous and "succeeds").
     */
    static boolean isBlank(char[] password) {
        if (password == null) {
            return true;
        }
        for (char c : password) {
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** Attributes and roles of a user, without checking any password. */
    Optional<AuthenticatedUser> lookup(String organization, String username);
}
