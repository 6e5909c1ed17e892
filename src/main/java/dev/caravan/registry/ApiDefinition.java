package dev.caravan.registry;

import java.time.Instant;
import java.util.List;

/**
 * A published API: calls to {@code /{context}/{version}/...} go to {@code backendUrl} (an
 * {@code http(s)} URL, or {@code queue:<name>} for an Artemis queue), shaped by its {@link ApiPolicy}.
 */
public record ApiDefinition(
        String id,
        String organizationId,
        String name,
        String context,
        String version,
        String backendUrl,
        List<String> tiers,
        Instant createdAt,
        ApiPolicy policy) {

    public ApiDefinition {
        policy = policy == null ? ApiPolicy.NONE : policy;
    }

    /** An API with the default policy. */
    public ApiDefinition(String id, String organizationId, String name, String context, String version,
                         String backendUrl, List<String> tiers, Instant createdAt) {
        this(id, organizationId, name, context, version, backendUrl, tiers, createdAt, ApiPolicy.NONE);
    }
}
