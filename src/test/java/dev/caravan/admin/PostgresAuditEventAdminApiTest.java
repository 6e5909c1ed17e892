package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

/** {@link AuditEventAdminApiTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresAuditEventAdminApiTest extends AuditEventAdminApiTest {}
