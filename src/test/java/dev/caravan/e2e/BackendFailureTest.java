package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A backend that cannot be reached is 502, one that does not answer within
 * {@code caravan.gateway.response-timeout} (3s in tests) is 504, one on the gateway's own ports is
 * never called (502); the body is generic and never names the backend or the exception.
 */
class BackendFailureTest extends CaravanTestBase {

    private static void assertGeneric(Http.Response response, String backendUrl) {
        URI backend = URI.create(backendUrl);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body())
                .doesNotContain(backend.getHost(), String.valueOf(backend.getPort()))
                .doesNotContainIgnoringCase("exception")
                .doesNotContainIgnoringCase("refused")
                .doesNotContainIgnoringCase("timed out")
                .doesNotContain("org.apache", "java.");
    }

    @Test
    void apiCallWhenBackendPortIsClosedThenBadGateway() {
        TestBackend backend = new TestBackend();
        String url = backend.baseUrl();
        backend.close();
        Fixtures.World world = fixtures.world(url + "/svc");
        String token = passwordGrant(world).path("access_token").asText();

        Http.Response response = Http.get(traffic(world.apiPath() + "/x"), "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().path("error").asText()).isEqualTo("backend_unavailable");
        assertGeneric(response, url);
    }

    @Test
    void apiCallWhenTheBackendIsOneOfTheGatewaysOwnPortsThenBadGatewayThoughLoopbackIsAllowed() {
        // src/test/resources/application.properties allows loopback as a backend network; the
        // gateway's own ports stay refused: its JWKS and its actuator would otherwise answer 200
        for (String[] own : new String[][] {{traffic(""), "/oauth2/jwks"}, {management("/actuator"), "/health"},
                {management("/api/v1"), "/organizations"}}) {
            Fixtures.World world = fixtures.world(own[0]);
            String token = passwordGrant(world).path("access_token").asText();

            Http.Response response = Http.get(traffic(world.apiPath() + own[1]), "Authorization", "Bearer " + token);

            assertThat(response.status()).as(own[0] + own[1] + ": " + response.body()).isEqualTo(502);
            assertThat(response.json().path("error").asText()).isEqualTo("backend_unavailable");
            assertGeneric(response, own[0]);
        }
    }

    @Test
    void apiCallWhenBackendAnswersTooLateThenGatewayTimeout() {
        try (TestBackend backend = new TestBackend()) {
            backend.delay(Duration.ofSeconds(5));
            Fixtures.World world = fixtures.world(backend.baseUrl());
            String token = passwordGrant(world).path("access_token").asText();

            long started = System.nanoTime();
            Http.Response response = Http.get(traffic(world.apiPath() + "/slow"), "Authorization", "Bearer " + token);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.json().path("error").asText()).isEqualTo("backend_timeout");
            assertGeneric(response, backend.baseUrl());
            assertThat(took).as("answered at the response timeout, not when the backend finished")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2900)).isLessThan(Duration.ofMillis(4900));
            assertThat(backend.take().path()).isEqualTo("/slow");
        }
    }

    @Test
    void apiCallAfterABackendTimeoutStillWorks() {
        try (TestBackend backend = new TestBackend()) {
            Fixtures.World world = fixtures.world(backend.baseUrl());
            String token = passwordGrant(world).path("access_token").asText();
            backend.delay(Duration.ofSeconds(5));
            assertThat(Http.get(traffic(world.apiPath() + "/slow"), "Authorization", "Bearer " + token).status())
                    .isEqualTo(504);

            backend.delay(Duration.ZERO);
            Http.Response next = Http.get(traffic(world.apiPath() + "/fast"), "Authorization", "Bearer " + token);

            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("{\"ok\":true}");
        }
    }
}
