package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link RefreshTokenGrantTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresRefreshTokenGrantTest extends RefreshTokenGrantTest {}
