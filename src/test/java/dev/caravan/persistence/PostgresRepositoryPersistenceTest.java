package dev.caravan.persistence;

import org.junit.jupiter.api.Tag;

/** The persistence tests against the machine's PostgreSQL (see PostgresContextCustomizerFactory). */
@Tag("postgres")
class PostgresRepositoryPersistenceTest extends RepositoryPersistenceTest {}
