package dev.caravan.registry;

import org.junit.jupiter.api.Tag;

/** {@link RegistryPollingTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresRegistryPollingTest extends RegistryPollingTest {}
