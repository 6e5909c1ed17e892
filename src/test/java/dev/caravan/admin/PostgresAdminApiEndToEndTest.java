package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

/** {@link AdminApiEndToEndTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresAdminApiEndToEndTest extends AdminApiEndToEndTest {}
