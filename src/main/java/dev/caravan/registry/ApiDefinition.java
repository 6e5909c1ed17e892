package dev.caravan.registry;

import java.time.Instant;
import java.util.List;

/** A published API: calls to {@code /{context}/{version}/...} go to {@code backendUrl}. */
public record ApiDefinition(
        String id,
        String organizationId,
        String name,
        String context,
        String version,
        String backendUrl,
        List<String> tiers,
        Instant createdAt) {}
