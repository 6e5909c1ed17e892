package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.mediation.MediationConfigException;
import dev.caravan.mediation.MediationParameters;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemoveHeaderTemplateTest {
    private TemplateHarness harness;

    @BeforeEach
    void load() throws Exception {
        harness = TemplateHarness.load("remove-header",
                Map.of("removeHeaderMediator", new dev.caravan.mediation.RemoveHeaderMediator()));
        harness.instance("remove-header", "remove-test", Map.of("header", "X-Internal-Trace"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void removeHeaderWhenPresentInAnyCaseThenGoneAndOthersKept() {
        Exchange result = harness.send("remove-test",
                e -> e.getIn().setHeaders(new HashMap<>(Map.of("x-internal-TRACE", "abc", "Accept", "text/plain"))));
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader("X-Internal-Trace")).isNull();
        assertThat(result.getMessage().getHeaders()).containsOnlyKeys("Accept");
    }

    @Test
    void removeHeaderWhenAbsentThenNothingChanges() {
        Exchange result = harness.send("remove-test", e -> e.getIn().setHeader("Accept", "text/plain"));
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeaders()).containsOnlyKeys("Accept");
    }

    @Test
    void validateRefusesCamelHeadersAndNonTokens() {
        assertThatThrownBy(() -> MediationParameters.validate("remove-header", Map.of("header", "CamelHttpPath")))
                .isInstanceOf(MediationConfigException.class);
        assertThatThrownBy(() -> MediationParameters.validate("remove-header", Map.of("header", "X Y")))
                .isInstanceOf(MediationConfigException.class);
        MediationParameters.validate("remove-header", Map.of("header", "X-Internal-Trace"));
    }
}
