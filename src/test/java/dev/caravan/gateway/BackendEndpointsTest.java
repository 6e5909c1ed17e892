package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.registry.ApiDefinition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Backend URL to Camel endpoint, and the admin API's validation of backend URLs. */
class BackendEndpointsTest {

    @Test
    void parseWhenUrlHasAPathThenEndpointIsTheOriginAndThePathIsTheBasePath() {
        BackendEndpoints.Backend backend = BackendEndpoints.parse("http://backend.internal:8080/svc/v2/");

        assertThat(backend).isEqualTo(new BackendEndpoints.Backend(false, "backend.internal", 8080, "/svc/v2"));
    }

    @Test
    void parseWhenUrlHasNoPathThenBasePathIsEmpty() {
        BackendEndpoints.Backend backend = BackendEndpoints.parse("https://backend.internal");

        assertThat(backend).isEqualTo(new BackendEndpoints.Backend(true, "backend.internal", 443, ""));
    }

    @Test
    void parseKeepsAnEncodedBasePathAsItIs() {
        assertThat(BackendEndpoints.parse("http://b/a%20b/c").basePath()).isEqualTo("/a%20b/c");
    }

    @Test
    void parseWhenSchemeIsUpperCaseThenItIsNormalised() {
        assertThat(BackendEndpoints.parse("HTTPS://b:8443/x").tls()).isTrue();
        assertThat(BackendEndpoints.parse("HTTP://b/x").port()).isEqualTo(80);
    }

    @Test
    void parseWhenHostIsAnIpv6LiteralThenTheBracketsAreDropped() {
        assertThat(BackendEndpoints.parse("http://[::1]:9000/x"))
                .isEqualTo(new BackendEndpoints.Backend(false, "::1", 9000, "/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://b/x", "file:///etc/passwd", "jms:queue:x", "b.internal/x"})
    void parseWhenSchemeIsNotHttpThenRefused(String url) {
        assertThatThrownBy(() -> BackendEndpoints.parse(url)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forApiReusesOneEndpointPerBackendUrl() {
        BackendEndpoints endpoints = new BackendEndpoints();
        ApiDefinition api = new ApiDefinition("id1", "org", "n", "/c", "1", "http://b:1/base", List.of("Gold"),
                Instant.now());
        ApiDefinition sameBackend = new ApiDefinition("id2", "org", "n2", "/c2", "1", "http://b:1/base",
                List.of("Gold"), Instant.now());

        assertThat(endpoints.forApi(api)).isSameAs(endpoints.forApi(sameBackend));
        assertThat(endpoints.forApi(api).basePath()).isEqualTo("/base");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://backend:8080", "https://backend/base/path", "http://10.0.0.1:1/x/"})
    void problemWhenUrlIsAnAbsoluteHttpUrlThenNone(String url) {
        assertThat(BackendEndpoints.problem(url)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://backend/x|must be an http or https URL, or queue:<name> for an Artemis queue",
        "/relative/path|must be an http or https URL, or queue:<name> for an Artemis queue",
        "queue:|must name a queue after queue: (letters, digits, dot, underscore, hyphen; at most 200 characters)",
        "queue:orders/in|must name a queue after queue: (letters, digits, dot, underscore, hyphen; at most 200 characters)",
        "queue:caravan.userstore.acme|must not name a queue of Caravan (caravan.*) or of the broker (activemq.*)",
        "queue:ActiveMQ.management|must not name a queue of Caravan (caravan.*) or of the broker (activemq.*)",
        "http:/no-host|must name a host",
        "http://user:secret@backend/x|must not carry credentials",
        "http://backend/x?debug=1|must not have a query or fragment",
        "http://backend/x#frag|must not have a query or fragment",
        "http://back end/x|is not a valid URL"})
    void problemWhenUrlIsUnsuitableThenNamesTheProblem(String url, String problem) {
        assertThat(BackendEndpoints.problem(url)).isEqualTo(problem);
    }

    @Test
    void parseWhenUrlNamesAQueueThenTheBackendIsThatQueue() {
        BackendEndpoints.Backend backend = BackendEndpoints.parse("queue:orders.in");
        assertThat(backend.isQueue()).isTrue();
        assertThat(backend.queue()).isEqualTo("orders.in");
        assertThat(BackendEndpoints.problem("queue:orders.in")).isNull();
    }
}
