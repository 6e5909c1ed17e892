package dev.caravan.e2e;

import org.junit.jupiter.api.Tag;

/** The README walk-through with the demo profile on PostgreSQL instead of H2. */
@Tag("postgres")
class PostgresReadmeWalkthroughTest extends ReadmeWalkthroughTest {}
