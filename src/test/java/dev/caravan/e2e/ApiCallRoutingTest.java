package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which calls reach which API, over real ports: subscriptions (403), unknown APIs (404), and
 * the separation of the traffic port (APIs, OAuth) from the management port (admin, actuator).
 */
class ApiCallRoutingTest extends CaravanTestBase {
    private TestBackend backend;
    private Fixtures.World world;
    private String token;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        world = fixtures.world(backend.baseUrl());
        token = passwordGrant(world).path("access_token").asText();
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private Http.Response call(String path) {
        return Http.get(traffic(path), "Authorization", "Bearer " + token);
    }

    @Test
    void apiCallWhenSubscribedThenForwarded() {
        // the control for the refusals below
        assertThat(call(world.apiPath() + "/x").status()).isEqualTo(200);
        assertThat(backend.take().path()).isEqualTo("/x");
    }

    @Test
    void apiCallWhenNotSubscribedThenForbidden() {
        ApiDefinition other = fixtures.unsubscribedApi(world.organization(), backend.baseUrl());

        Http.Response response = call(other.context() + "/" + other.version() + "/x");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().path("error").asText()).isEqualTo("subscription_required");
        assertThat(response.header("WWW-Authenticate")).isNull();
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void apiCallWhenAnotherOrganizationsApplicationCallsThenForbidden() {
        Fixtures.World stranger = fixtures.world(backend.baseUrl());
        String strangerToken = passwordGrant(stranger).path("access_token").asText();

        Http.Response response = Http.get(traffic(world.apiPath() + "/x"), "Authorization", "Bearer " + strangerToken);

        assertThat(response.status()).isEqualTo(403);
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void apiCallWhenPathNamesNoApiThenNotFound() {
        Http.Response response = call("/no_such_api/1.0.0/x");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void apiCallWhenContextIsKnownButVersionIsNotThenNotFound() {
        Http.Response response = call(world.api().context() + "/9.9.9/x");

        assertThat(response.status()).isEqualTo(404);
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void apiCallWhenPathStopsAtTheContextThenNotFound() {
        assertThat(call(world.api().context()).status()).isEqualTo(404);
        assertThat(call("/").status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x/../../admin", "/x/%2e%2e/%2E%2e/admin", "/..%2f..%2fadmin", "/x/..%5c..%5cadmin",
        "/x/..;/..;/admin", "/./x", "/..", "/%2e", "/a%2fb", "/a%5Cb"})
    void apiCallWhenPathHasDotSegmentsOrEncodedSeparatorsThenBadRequestAndTheBackendReceivesNothing(String rest) {
        Http.Response response = Http.raw(trafficPort(), "GET", world.apiPath() + rest,
                "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x/...", "/a..b/.c/d.", "/.well-known/x", "/v1.0/items"})
    void apiCallWhenPathMerelyContainsDotsThenForwardedAsSent(String rest) {
        Http.Response response = Http.raw(trafficPort(), "GET", world.apiPath() + rest,
                "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.take().path()).isEqualTo(rest);
    }

    @Test
    void trafficPortDoesNotServeTheAdminApiOrTheActuator() {
        assertThat(Http.get(traffic("/oauth2/jwks")).status()).as("control: traffic port answers").isEqualTo(200);

        assertThat(Http.get(traffic("/api/v1/organizations"), "Authorization",
                Http.basic(ADMIN_USER, ADMIN_PASSWORD)).status()).isEqualTo(404);
        assertThat(Http.get(traffic("/actuator/health")).status()).isEqualTo(404);
        assertThat(Http.get(traffic("/actuator/prometheus")).status()).isEqualTo(404);
        assertThat(Http.get(traffic("/actuator")).status()).isEqualTo(404);
    }

    @Test
    void managementPortDoesNotServeTheOAuthEndpoints() {
        assertThat(Http.get(management("/actuator/health")).status()).as("control: management port answers")
                .isEqualTo(200);

        Http.Response tokenRequest = Http.postForm(management("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()), Http.params("grant_type", "client_credentials"));
        assertThat(tokenRequest.status()).isEqualTo(404);
        assertThat(tokenRequest.body()).doesNotContain("access_token");
        assertThat(Http.get(management("/oauth2/jwks")).status()).isEqualTo(404);
        assertThat(Http.get(management(world.apiPath() + "/x"), "Authorization", "Bearer " + token).status())
                .isEqualTo(404);
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }
}
