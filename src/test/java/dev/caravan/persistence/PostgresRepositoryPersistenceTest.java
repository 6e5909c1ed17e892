package dev.caravan.persistence;

import dev.caravan.testsupport.PostgresSchemas;
import org.junit.jupiter.api.Tag;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The persistence tests against the machine's PostgreSQL, in a fresh schema (run by .ci/run). */
@Tag("postgres")
class PostgresRepositoryPersistenceTest extends RepositoryPersistenceTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = PostgresSchemas.freshSchemaUrl();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> PostgresSchemas.USER);
        registry.add("spring.datasource.password", () -> "");
    }
}
