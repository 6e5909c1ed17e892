package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

/** {@link UserAdminApiTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresUserAdminApiTest extends UserAdminApiTest {}
