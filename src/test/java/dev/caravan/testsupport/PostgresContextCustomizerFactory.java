package dev.caravan.testsupport;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points every test class tagged {@code postgres} at the machine's PostgreSQL instead of H2, in
 * one fresh schema per test run. So a PostgreSQL variant of a suite is just
 * {@code @Tag("postgres") class PostgresXTest extends XTest {}}; .ci/run runs them.
 */
public class PostgresContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        boolean postgres = MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
                .stream(Tag.class)
                .map(MergedAnnotation::synthesize)
                .anyMatch(tag -> "postgres".equals(tag.value()));
        return postgres ? new PostgresDatabase() : null;
    }

    /** Equal to every other instance, so PostgreSQL test classes share contexts like H2 ones do. */
    private record PostgresDatabase() implements ContextCustomizer {
        private static final class Schema {
            static final String URL = PostgresSchemas.freshSchemaUrl();
        }

        @Override
        public void customizeContext(org.springframework.context.ConfigurableApplicationContext context,
                                     MergedContextConfiguration mergedConfig) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("caravan-postgres", Map.of(
                    "spring.datasource.url", Schema.URL,
                    "spring.datasource.username", PostgresSchemas.USER,
                    "spring.datasource.password", "")));
        }
    }
}
