package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionAdminApiTest extends AdminApiTestBase {
    private static final String BACKEND = "http://127.0.0.1:9/unused";

    private static String subscriptions(String org, JsonNode app) {
        return "/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions";
    }

    @Test
    void subscribeThenListShowsItAndGatewayLetsTheApplicationCallUntilUnsubscribed() {
        try (TestBackend backend = new TestBackend()) {
            String org = newOrganization();
            JsonNode app = newApplication(org, newSubscriber(org));
            JsonNode api = newApi(org, backend.baseUrl(), List.of("Gold", "Silver"));
            String apiId = api.path("id").asText();
            String token = expect(clientCredentialsToken(app.path("consumerKey").asText(),
                    app.path("consumerSecret").asText()), 200).json().path("access_token").asText();
            String call = traffic(api.path("context").asText() + "/1.0.0/ping");
            assertThat(Http.get(call, "Authorization", "Bearer " + token).status()).isEqualTo(403);

            Http.Response created = expect(post(subscriptions(org, app), json("apiId", apiId, "tier", "Silver")), 201);
            JsonNode subscription = created.json();
            String id = subscription.path("id").asText();
            assertThat(created.header("Location")).isEqualTo("/api/v1" + subscriptions(org, app) + "/" + id);
            assertThat(subscription.path("apiId").asText()).isEqualTo(apiId);
            assertThat(subscription.path("tier").asText()).isEqualTo("Silver");
            assertThat(subscription.path("application").asText()).isEqualTo(app.path("name").asText());
            assertThat(subscription.path("apiContext").asText()).isEqualTo(api.path("context").asText());
            assertThat(subscription.path("apiVersion").asText()).isEqualTo("1.0.0");
            JsonNode listed = expect(get(subscriptions(org, app)), 200).json();
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0)).isEqualTo(subscription);

            expect(Http.get(call, "Authorization", "Bearer " + token), 200);
            assertThat(backend.take().path()).isEqualTo("/ping");

            expect(delete(subscriptions(org, app) + "/" + id), 204);
            assertThat(expect(get(subscriptions(org, app)), 200).json()).isEmpty();
            assertThat(Http.get(call, "Authorization", "Bearer " + token).status()).isEqualTo(403);
            expect(delete(subscriptions(org, app) + "/" + id), 404);
        }
    }

    @Test
    void subscribeWhenAlreadySubscribedThenConflict() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        String apiId = newApi(org, BACKEND, List.of("Gold", "Silver")).path("id").asText();
        expect(post(subscriptions(org, app), json("apiId", apiId, "tier", "Gold")), 201);
        Http.Response again = expect(post(subscriptions(org, app), json("apiId", apiId, "tier", "Silver")), 409);
        assertThat(again.json().path("error").asText()).isEqualTo("conflict");
        assertThat(expect(get(subscriptions(org, app)), 200).json()).hasSize(1);
    }

    @Test
    void subscribeWhenTierNotOfferedByApiThenBadRequestNamingTier() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        String apiId = newApi(org, BACKEND, List.of("Gold")).path("id").asText();
        expectInvalid(post(subscriptions(org, app), json("apiId", apiId, "tier", "Platinum")), "tier");
        expectInvalid(post(subscriptions(org, app), json("apiId", apiId, "tier", "gold")), "tier");
        expectInvalid(post(subscriptions(org, app), json("apiId", apiId)), "tier");
    }

    @Test
    void subscribeWhenApiBelongsToAnotherOrganizationThenBadRequestNamingApiId() {
        String org = newOrganization();
        String other = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        String foreignApi = newApi(other, BACKEND, List.of("Gold")).path("id").asText();
        expectInvalid(post(subscriptions(org, app), json("apiId", foreignApi, "tier", "Gold")), "apiId");
    }

    @Test
    void subscribeWhenApiUnknownOrMissingThenBadRequestNamingApiId() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        expectInvalid(post(subscriptions(org, app), json("apiId", "no-such-api", "tier", "Gold")), "apiId");
        expectInvalid(post(subscriptions(org, app), json("tier", "Gold")), "apiId");
    }

    @Test
    void subscriptionsOfUnknownApplicationThenNotFound() {
        String org = newOrganization();
        expect(get("/organizations/" + org + "/applications/ghost/subscriptions"), 404);
        expect(post("/organizations/" + org + "/applications/ghost/subscriptions", json("apiId", "x", "tier", "y")),
                404);
    }

    @Test
    void deleteSubscriptionOfAnotherApplicationThenNotFoundAndKept() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        JsonNode first = newApplication(org, owner);
        JsonNode second = newApplication(org, owner);
        String apiId = newApi(org, BACKEND, List.of("Gold")).path("id").asText();
        String id = expect(post(subscriptions(org, first), json("apiId", apiId, "tier", "Gold")), 201)
                .json().path("id").asText();
        expect(delete(subscriptions(org, second) + "/" + id), 404);
        assertThat(expect(get(subscriptions(org, first)), 200).json()).hasSize(1);
    }
}
