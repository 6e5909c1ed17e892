package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link RefreshedClaimsEndToEndTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresRefreshedClaimsEndToEndTest extends RefreshedClaimsEndToEndTest {}
