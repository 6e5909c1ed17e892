package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.mediation.MediationConfigException;
import dev.caravan.mediation.MediationParameters;
import dev.caravan.mediation.SetHeaderMediator;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SetHeaderTemplateTest {
    private TemplateHarness harness;

    @BeforeEach
    void load() throws Exception {
        harness = TemplateHarness.load("set-header", Map.of("setHeaderMediator", new SetHeaderMediator()));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Exchange setAndSend(String header, String value, Map<String, Object> headers) {
        harness.instance("set-header", "set-test", Map.of("header", header, "value", value));
        return harness.send("set-test", e -> e.getIn().setHeaders(new java.util.HashMap<>(headers)));
    }

    @Test
    void setHeaderWhenAbsentThenBackendReceivesIt() {
        Exchange result = setAndSend("X-Api-Version", "2", Map.of("Accept", "application/json"));
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader("X-Api-Version")).isEqualTo("2");
        assertThat(result.getMessage().getHeader("Accept")).isEqualTo("application/json");
    }

    @Test
    void setHeaderWhenPresentInOtherCaseThenReplacesIt() {
        Exchange result = setAndSend("X-Api-Version", "2", Map.of("x-api-version", "1"));
        assertThat(result.getMessage().getHeader("X-API-VERSION")).isEqualTo("2");
        assertThat(result.getMessage().getHeaders().keySet())
                .filteredOn(k -> k.equalsIgnoreCase("X-Api-Version")).hasSize(1);
    }

    @Test
    void setHeaderValueIsTakenLiterallyNotEvaluated() {
        Exchange result = setAndSend("X-Echo", "${header.Authorization} #bean:x $1", Map.of("Authorization", "Bearer secret"));
        assertThat(result.getMessage().getHeader("X-Echo")).isEqualTo("${header.Authorization} #bean:x $1");
    }

    @Test
    void setHeaderLeavesNoParameterOnTheExchange() {
        Exchange result = setAndSend("X-Api-Version", "2", Map.of());
        assertThat(result.getProperties().keySet()).noneMatch(k -> k.startsWith(MediationParameters.PREFIX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v\r\nX-Injected: 1", "v\nX-Injected: 1", "v\rX", "v\0"})
    void setHeaderWhenValueHasCrLfOrNulThenRefusedAndNothingSet(String value) {
        Exchange result = setAndSend("X-Api-Version", value, Map.of());
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class)
                .hasMessageContaining("'value'").hasMessageNotContaining("Injected");
        assertThat(result.getMessage().getHeader("X-Api-Version")).isNull();
        assertThat(result.getMessage().getHeader("X-Injected")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"camelHttpUri", "CamelHttpPath", "CAMELHTTPURI", "org.apache.camel.x", "caravanApi"})
    void setHeaderWhenNameIsCamelsOrCaravansThenRefused(String header) {
        Exchange result = setAndSend(header, "http://evil.example/", Map.of());
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class).hasMessageContaining("'header'");
        assertThat(result.getMessage().getHeader(header)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding", "connection", "Upgrade", "TE", "Host", "Content-Length", "Proxy-Authorization"})
    void setHeaderWhenNameIsHopByHopOrServerComputedThenRefused(String header) {
        Exchange result = setAndSend(header, "x", Map.of());
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X Api", "X-Api:", "X(Api)", "Ünicode", "X\r\nY"})
    void setHeaderWhenNameIsNotATokenThenRefused(String header) {
        Exchange result = setAndSend(header, "x", Map.of());
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class)
                .hasMessageContaining("not a valid HTTP header name");
    }

    @Test
    void validateRefusesBadParametersBeforeInstantiation() {
        assertThatThrownBy(() -> MediationParameters.validate("set-header", Map.of("header", "X-A", "value", "a\r\nb")))
                .isInstanceOf(MediationConfigException.class).hasMessage("set-header: parameter 'value' contains CR, LF or NUL");
        assertThatThrownBy(() -> MediationParameters.validate("set-header", Map.of("header", "camelHttpUri", "value", "x")))
                .isInstanceOf(MediationConfigException.class).hasMessageContaining("'header'");
        MediationParameters.validate("set-header", Map.of("header", "X-Api-Version", "value", "2"));
    }

    @Test
    void validateRefusesPlaceholdersThatCamelWouldResolve() {
        // Camel resolves placeholders nested in template parameters: this would send a system property
        assertThatThrownBy(() -> MediationParameters.validate("set-header",
                Map.of("header", "X-Leak", "value", "{{sys:user.home}}")))
                .isInstanceOf(MediationConfigException.class).hasMessageContaining("'value'");
    }
}
