package dev.caravan.e2e;

import dev.caravan.testsupport.PostgresSchemas;
import org.junit.jupiter.api.Tag;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The README walk-through with the demo profile on PostgreSQL instead of H2 (run by .ci/run). */
@Tag("postgres")
class PostgresReadmeWalkthroughTest extends ReadmeWalkthroughTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = PostgresSchemas.freshSchemaUrl();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> PostgresSchemas.USER);
        registry.add("spring.datasource.password", () -> "");
    }
}
