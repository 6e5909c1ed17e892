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

    /** Attributes and roles of a user, without checking any password. */
    Optional<AuthenticatedUser> lookup(String organization, String username);
}
