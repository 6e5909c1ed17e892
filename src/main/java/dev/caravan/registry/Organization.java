package dev.caravan.registry;

import java.time.Instant;

/** A tenant: its APIs, applications and users. Its {@code name} is the part after the last '@' of a username. */
public record Organization(String id, String name, String displayName, Instant createdAt) {}
