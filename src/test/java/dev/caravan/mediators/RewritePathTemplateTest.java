package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.mediation.MediationException;
import dev.caravan.mediation.MediationConfigException;
import dev.caravan.mediation.MediationParameters;
import dev.caravan.mediation.RewritePathMediator;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RewritePathTemplateTest {
    private TemplateHarness harness;
    private final java.util.Set<String> instances = new java.util.HashSet<>();

    @BeforeEach
    void load() throws Exception {
        harness = TemplateHarness.load("rewrite-path", Map.of("rewritePathMediator", new RewritePathMediator()));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Exchange rewrite(String pattern, String replacement, String path) {
        String name = "rewrite-" + Integer.toHexString((pattern + "\0" + replacement).hashCode());
        if (instances.add(name)) {
            harness.instance("rewrite-path", name, Map.of("pattern", pattern, "replacement", replacement));
        }
        return harness.send(name, e -> {
            e.getIn().setHeader(Exchange.HTTP_PATH, path);
            e.getIn().setHeader(Exchange.HTTP_QUERY, "city=Oslo");
        });
    }

    private static void assertMediationFailed(Exchange result) {
        assertThat(result.getException()).isInstanceOf(MediationException.class);
        MediationException failure = (MediationException) result.getException();
        assertThat(failure.status()).isEqualTo(500);
        assertThat(failure.error()).isEqualTo("mediation_failed");
        assertThat(failure.getMessage()).doesNotContain("/", "weather");
    }

    @Test
    void rewritePathWhenPatternMatchesThenBackendPathChanges() {
        Exchange result = rewrite("^/v2/", "/v3/", "/v2/weather/today");
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/v3/weather/today");
        assertThat(result.getMessage().getHeader(Exchange.HTTP_QUERY)).isEqualTo("city=Oslo");
    }

    @Test
    void rewritePathWithGroupsThenReplacementUsesThem() {
        Exchange result = rewrite("^/v2/(\\w+)/(.+)$", "/api/$2/$1", "/v2/weather/today");
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/api/today/weather");
    }

    @Test
    void rewritePathReplacesOnlyTheFirstMatch() {
        Exchange result = rewrite("a", "b", "/a/a");
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/b/a");
    }

    @Test
    void rewritePathWhenNoMatchThenPathUnchanged() {
        Exchange result = rewrite("^/v9/", "/v3/", "/v2/weather/today");
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/v2/weather/today");
    }

    @Test
    void rewritePathWhenResultHasDotSegmentThenMediationFailedAndPathUnchanged() {
        Exchange result = rewrite("^/v2/", "/v2/../admin/", "/v2/weather/today");
        assertMediationFailed(result);
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/v2/weather/today");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v3/", "/a%2fb/", "/%2e%2e/", "/a\\\\b/", "/a b/", ""})
    void rewritePathWhenResultIsUnsafeOrRelativeThenMediationFailed(String replacement) {
        assertMediationFailed(rewrite("^/v2/", replacement, "/v2/weather/today"));
    }

    @Test
    void rewritePathWhenCallerSuppliesDotSegmentThroughAGroupThenRefused() {
        // "/v2/.-/today" is a safe path; the rewrite would assemble "/../today" from it
        assertMediationFailed(rewrite("^/v2/(.*)-(.*)/", "/$1.$2/", "/v2/.-/today"));
    }

    @Test
    void rewritePathWhenReplacementNamesAMissingGroupThenMediationFailed() {
        assertMediationFailed(rewrite("^/v2/", "/$3/", "/v2/weather"));
    }

    @Test
    void rewritePathWhenPatternBacktracksCatastrophicallyThenGivesUpQuickly() {
        // unbounded, this match reads the path about 400 million times (over a second per call)
        String path = "/" + "a".repeat(28) + "!";
        long start = System.nanoTime();
        Exchange result = rewrite("^/(.*a){12}$", "/x", path);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertMediationFailed(result);
    }

    @Test
    void rewritePathWhenPatternIsNotARegexThenConfigError() {
        Exchange result = rewrite("^/v2/(", "/v3/", "/v2/weather");
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class).hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> MediationParameters.validate("rewrite-path", Map.of("pattern", "(", "replacement", "/")))
                .isInstanceOf(MediationConfigException.class);
    }

    @Test
    void rewritePathPatternKeepsBackslashesAndBraces() {
        Exchange result = rewrite("^/v\\d{1}/", "/v3/", "/v2/weather");
        assertThat(result.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/v3/weather");
    }
}
