package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link ApiCallAuthenticationTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresApiCallAuthenticationTest extends ApiCallAuthenticationTest {}
