package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

/** {@link ApplicationAdminApiTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresApplicationAdminApiTest extends ApplicationAdminApiTest {}
