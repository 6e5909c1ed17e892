package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.gateway.MissingCredentialsException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shipped template, loaded from mediators/ by Camel's own YAML DSL loader. */
class SwapAuthorizationHeadersTemplateTest {
    private CamelContext context;

    @BeforeEach
    void load() throws Exception {
        context = new DefaultCamelContext();
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString(
                "swap-authorization-headers.yaml",
                java.nio.file.Files.readString(Path.of("mediators/swap-authorization-headers.yaml"))));
        context.start();
        TemplatedRouteBuilder.builder(context, "swap-authorization-headers").parameter("name", "swap-test").add();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private Exchange send(Map<String, Object> headers) {
        return context.createProducerTemplate().send("direct:swap-test", e -> e.getIn().setHeaders(new java.util.HashMap<>(headers)));
    }

    @Test
    void backendReceivesUserTokenAsAuthorizationAndNoXAuthorization() {
        Exchange result = send(Map.of("Authorization", "Bearer app-token", "X-Authorization", "Bearer user-token"));
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader("Authorization")).isEqualTo("Bearer user-token");
        assertThat(result.getMessage().getHeaders()).doesNotContainKey("X-Authorization");
    }

    @Test
    void headerNamesMatchCaseInsensitively() {
        Exchange result = send(Map.of("x-authorization", "Bearer user-token"));
        assertThat(result.getMessage().getHeader("Authorization")).isEqualTo("Bearer user-token");
        assertThat(result.getMessage().getHeader("X-Authorization")).isNull();
    }

    @Test
    void missingXAuthorizationIsRefusedWithMissingCredentials() {
        Exchange result = send(Map.of("Authorization", "Bearer app-token"));
        assertThat(result.getException()).isInstanceOf(MissingCredentialsException.class);
        assertThat(result.getMessage().getHeader("Authorization")).isEqualTo("Bearer app-token");
    }

    @Test
    void emptyXAuthorizationIsRefused() {
        assertThatThrownBy(() -> context.createProducerTemplate()
                .requestBodyAndHeader("direct:swap-test", null, "X-Authorization", ""))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(MissingCredentialsException.class);
    }
}
