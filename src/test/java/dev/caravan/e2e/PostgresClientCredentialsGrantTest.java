package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link ClientCredentialsGrantTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresClientCredentialsGrantTest extends ClientCredentialsGrantTest {}
