package dev.caravan.registry;

import java.time.Instant;
import java.util.Set;

/**
 * An OAuth client. The consumer secret is never stored: only its SHA-256, since it is a
 * 256-bit random value (a slow password hash adds nothing against guessing there).
 */
public record Application(
        String id,
        String organizationId,
        String ownerId,
        String name,
        String consumerKey,
        String consumerSecretHash,
        Set<String> grantTypes,
        Instant createdAt) {

    public boolean allowsGrant(String grantType) {
        return grantTypes.contains(grantType);
    }
}
