package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link ApiCallRoutingTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresApiCallRoutingTest extends ApiCallRoutingTest {}
