package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link RevocationTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresRevocationTest extends RevocationTest {}
