package dev.caravan.registry;

/** Published after any write to organizations, applications, APIs or subscriptions. */
public record RegistryChangedEvent(String what) {}
