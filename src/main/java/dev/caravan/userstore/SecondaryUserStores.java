package dev.caravan.userstore;

import java.util.Optional;

/**
 * Finds an organization's secondary userstore (LDAP/AD directory or authentication web service).
 * The default has none; external stores register their own implementation.
 */
public interface SecondaryUserStores {
    Optional<UserStore> forOrganization(String organization);

    SecondaryUserStores NONE = organization -> Optional.empty();
}
