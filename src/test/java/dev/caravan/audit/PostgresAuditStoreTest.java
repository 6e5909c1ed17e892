package dev.caravan.audit;

import org.junit.jupiter.api.Tag;

/** {@link AuditStoreTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresAuditStoreTest extends AuditStoreTest {}
