package dev.caravan.userstore;

import java.time.Instant;
import java.util.Set;

/** A user of the primary userstore. Roles: {@code publisher}, {@code subscriber}; none for a plain end user. */
public record PrimaryUser(
        String id,
        String organizationId,
        String username,
        String passwordHash,
        Set<String> roles,
        String email,
        boolean enabled,
        Instant createdAt) {

    public static final String PUBLISHER = "publisher";
    public static final String SUBSCRIBER = "subscriber";
    public static final Set<String> ROLES = Set.of(PUBLISHER, SUBSCRIBER);

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
