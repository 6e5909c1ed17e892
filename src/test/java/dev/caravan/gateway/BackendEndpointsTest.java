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

        assertThat(endpoints.forApi(api, "org")).isSameAs(endpoints.forApi(sameBackend, "org"));
        assertThat(endpoints.forApi(api, "org").basePath()).isEqualTo("/base");
    }

    @Test
    void forApiPutsAQueueInItsOrganizationsNamespace() {
        BackendEndpoints endpoints = new BackendEndpoints();
        ApiDefinition api = new ApiDefinition("id1", "org", "n", "/c", "1", "queue:orders.rr", List.of("Gold"),
                Instant.now());

        assertThat(endpoints.forApi(api, "my_company").queue()).isEqualTo("my_company/orders.rr");
        assertThat(endpoints.forApi(api, "acme").queue()).isEqualTo("acme/orders.rr");
        // the dotted names that would collide under a '.' separator stay apart
        ApiDefinition dotted = new ApiDefinition("id2", "org", "n", "/c", "1", "queue:b.c", List.of("Gold"), Instant.now());
        ApiDefinition plain = new ApiDefinition("id3", "org", "n", "/c", "1", "queue:c", List.of("Gold"), Instant.now());
        assertThat(endpoints.forApi(dotted, "a").queue()).isNotEqualTo(endpoints.forApi(plain, "a.b").queue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"caravan.x", "Caravan.userstore.acme", "activemq.management"})
    void forApiGivesNoQueueToAnOrganizationNamedLikeABrokerAddress(String organization) {
        ApiDefinition api = new ApiDefinition("id1", "org", "n", "/c", "1", "queue:orders", List.of("Gold"), Instant.now());

        assertThatThrownBy(() -> new BackendEndpoints().forApi(api, organization)).isInstanceOf(IllegalArgumentException.class);
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
        "queue:|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:orders/in|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:$sys.mqtt|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:orders.#|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:orders.*|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:a::b|after queue: must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit; at most 200 characters)",
        "queue:caravan.userstore.acme|after queue: must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)",
        "queue:ActiveMQ.management|after queue: must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)",
        "queue:DLQ|after queue: must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)",
        "queue:dlq|after queue: must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)",
        "queue:ExpiryQueue|after queue: must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)",
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
