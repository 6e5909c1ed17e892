package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** {@link PasswordGrantTest} on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresPasswordGrantTest extends PasswordGrantTest {}
