package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

/** {@link AdminRacesTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresAdminRacesTest extends AdminRacesTest {}
