package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link IntrospectionTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresIntrospectionTest extends IntrospectionTest {}
