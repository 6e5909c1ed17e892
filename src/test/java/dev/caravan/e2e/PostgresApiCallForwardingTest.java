package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link ApiCallForwardingTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresApiCallForwardingTest extends ApiCallForwardingTest {}
