package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Everything a caller needs, set up through the admin API alone (no fixtures, no
 * repositories): then a password grant on the traffic port and an API call through the
 * gateway. This only works if the gateway's in-memory registry follows admin changes.
 */
class AdminApiEndToEndTest extends AdminApiTestBase {
    private static final String DIALECT = "http://wso2.org/claims/";

    private record Setup(String org, String consumerKey, String consumerSecret, String context, String subscriptionPath) {}

    /** Creates subscriber, end user, application, API and subscription in {@code org} as {@code caller}. */
    private Setup publish(String org, String caller, String backendUrl) {
        String base = "/organizations/" + org;
        expect(call("POST", base + "/users", json("username", "dev", "password", "Subscriber-pw-1",
                "roles", List.of("subscriber")), caller), 201);
        expect(call("POST", base + "/users", json("username", "jane@example.com", "password", "End-user-pw-1",
                "email", "jane@example.com"), caller), 201);
        JsonNode app = expect(call("POST", base + "/applications", json("name", "travel-app", "owner", "dev"),
                caller), 201).json();
        String context = "/" + unique("places");
        JsonNode api = expect(call("POST", base + "/apis", json("name", "Place Finder", "context", context,
                "version", "1.0.0", "backendUrl", backendUrl, "tiers", List.of("Gold", "Silver")), caller), 201).json();
        JsonNode subscription = expect(call("POST", base + "/applications/travel-app/subscriptions",
                json("apiId", api.path("id").asText(), "tier", "Silver"), caller), 201).json();
        return new Setup(org, app.path("consumerKey").asText(), app.path("consumerSecret").asText(), context,
                base + "/applications/travel-app/subscriptions/" + subscription.path("id").asText());
    }

    private static JsonNode claims(String jwt) throws Exception {
        String payload = jwt.split("\\.")[1];
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    @Test
    void adminSetsUpEverythingThenEndUserGetsTokenAndCallsApiThroughGateway() throws Exception {
        try (TestBackend backend = new TestBackend().respond(200, "{\"places\":[\"Kandy\"]}")) {
            String org = unique("travel");
            expect(post("/organizations", json("name", org, "displayName", "Travel Co")), 201);
            Setup setup = publish(org, ADMIN, backend.baseUrl() + "/places-backend");

            Http.Response token = passwordToken(setup.consumerKey(), setup.consumerSecret(),
                    "jane@example.com@" + org, "End-user-pw-1");
            assertThat(token.status()).as(token.body()).isEqualTo(200);
            String accessToken = token.json().path("access_token").asText();

            Http.Response call = Http.get(traffic(setup.context() + "/1.0.0/search?q=tea"),
                    "Authorization", "Bearer " + accessToken);
            assertThat(call.status()).as(call.body()).isEqualTo(200);
            assertThat(call.body()).isEqualTo("{\"places\":[\"Kandy\"]}");

            TestBackend.Received received = backend.take();
            assertThat(received.path()).isEqualTo("/places-backend/search");
            assertThat(received.query()).isEqualTo("q=tea");
            JsonNode backendJwt = claims(received.header("X-JWT-Assertion"));
            assertThat(backendJwt.path(DIALECT + "enduser").asText()).isEqualTo("jane@example.com@" + org);
            assertThat(backendJwt.path(DIALECT + "subscriber").asText()).isEqualTo("dev@" + org);
            assertThat(backendJwt.path(DIALECT + "applicationname").asText()).isEqualTo("travel-app");
            assertThat(backendJwt.path(DIALECT + "tier").asText()).isEqualTo("Silver");
            assertThat(backendJwt.path(DIALECT + "apicontext").asText()).isEqualTo(setup.context());

            // and the gateway follows removals too: unsubscribed, the same token no longer passes
            expect(delete(setup.subscriptionPath()), 204);
            assertThat(Http.get(traffic(setup.context() + "/1.0.0/search"), "Authorization", "Bearer " + accessToken)
                    .status()).isEqualTo(403);
            assertThat(backend.receivedNothing(java.time.Duration.ofMillis(100))).isTrue();
        }
    }

    @Test
    void publisherSetsUpTheirOrganizationThenEndUserCallsApiThroughGateway() {
        try (TestBackend backend = new TestBackend()) {
            String org = newOrganization();
            String publisher = newPublisher(org);
            Setup setup = publish(org, publisher, backend.baseUrl());

            Http.Response token = passwordToken(setup.consumerKey(), setup.consumerSecret(),
                    "jane@example.com@" + org, "End-user-pw-1");
            assertThat(token.status()).as(token.body()).isEqualTo(200);
            Http.Response call = Http.get(traffic(setup.context() + "/1.0.0/anything"),
                    "Authorization", "Bearer " + token.json().path("access_token").asText());
            assertThat(call.status()).as(call.body()).isEqualTo(200);
            assertThat(backend.take().path()).isEqualTo("/anything");
        }
    }
}
