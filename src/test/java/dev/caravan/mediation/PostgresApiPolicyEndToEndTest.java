package dev.caravan.mediation;

import org.junit.jupiter.api.Tag;

/** {@link ApiPolicyEndToEndTest} on PostgreSQL instead of H2 (policies stored and read back by PostgreSQL). */
@Tag("postgres")
class PostgresApiPolicyEndToEndTest extends ApiPolicyEndToEndTest {}
