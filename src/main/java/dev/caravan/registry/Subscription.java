package dev.caravan.registry;

import java.time.Instant;

/** An application's right to call one API version, at one tier. */
public record Subscription(String id, String applicationId, String apiId, String tier, Instant createdAt) {}
