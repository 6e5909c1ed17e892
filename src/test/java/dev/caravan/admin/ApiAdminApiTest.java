package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiAdminApiTest extends AdminApiTestBase {
    private static final String BACKEND = "http://127.0.0.1:9/backend";
    private static final List<String> TIERS = List.of("Gold", "Silver");

    private Http.Response createApi(String org, Object... overrides) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", "Places");
        body.put("context", "/" + unique("places"));
        body.put("version", "1.0.0");
        body.put("backendUrl", BACKEND);
        body.put("tiers", TIERS);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                body.remove((String) overrides[i]);
            } else {
                body.put((String) overrides[i], overrides[i + 1]);
            }
        }
        try {
            return post("/organizations/" + org + "/apis", JSON.writeValueAsString(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void createApiThenGetAndListShowIt() {
        String org = newOrganization();
        String context = "/" + unique("geo") + "/places";
        Http.Response created = expect(createApi(org, "context", context, "version", "v2",
                "tiers", List.of("Gold", "Silver", "Gold")), 201);
        JsonNode api = created.json();
        String id = api.path("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/v1/organizations/" + org + "/apis/" + id);
        assertThat(api.path("name").asText()).isEqualTo("Places");
        assertThat(api.path("context").asText()).isEqualTo(context);
        assertThat(api.path("version").asText()).isEqualTo("v2");
        assertThat(api.path("backendUrl").asText()).isEqualTo(BACKEND);
        assertThat(api.path("tiers").toString()).isEqualTo("[\"Gold\",\"Silver\"]");

        JsonNode fetched = expect(get("/organizations/" + org + "/apis/" + id), 200).json();
        assertThat(fetched).isEqualTo(api);
        List<String> ids = new ArrayList<>();
        expect(get("/organizations/" + org + "/apis"), 200).json().forEach(a -> ids.add(a.path("id").asText()));
        assertThat(ids).containsExactly(id);
    }

    @Test
    void replaceApiThenNameBackendAndTiersChange() {
        String org = newOrganization();
        JsonNode api = expect(createApi(org), 201).json();
        String path = "/organizations/" + org + "/apis/" + api.path("id").asText();
        JsonNode replaced = expect(put(path, json("name", "Places v1", "context", api.path("context").asText(),
                "version", "1.0.0", "backendUrl", "https://places.example/v1", "tiers", List.of("Bronze"))), 200).json();
        assertThat(replaced.path("name").asText()).isEqualTo("Places v1");
        assertThat(replaced.path("backendUrl").asText()).isEqualTo("https://places.example/v1");
        assertThat(replaced.path("tiers").toString()).isEqualTo("[\"Bronze\"]");
        assertThat(expect(get(path), 200).json()).isEqualTo(replaced);
    }

    @Test
    void replaceApiBackendUrlThenGatewayForwardsToTheNewBackend() {
        try (TestBackend first = new TestBackend(); TestBackend second = new TestBackend()) {
            String org = newOrganization();
            String owner = newSubscriber(org);
            JsonNode app = newApplication(org, owner);
            JsonNode api = newApi(org, first.baseUrl() + "/one", List.of("Gold"));
            expect(post("/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions",
                    json("apiId", api.path("id").asText(), "tier", "Gold")), 201);
            String token = expect(clientCredentialsToken(app.path("consumerKey").asText(),
                    app.path("consumerSecret").asText()), 200).json().path("access_token").asText();
            String call = traffic(api.path("context").asText() + "/1.0.0/thing");

            expect(Http.get(call, "Authorization", "Bearer " + token), 200);
            assertThat(first.take().path()).isEqualTo("/one/thing");

            expect(put("/organizations/" + org + "/apis/" + api.path("id").asText(), json("name", "moved",
                    "context", api.path("context").asText(), "version", "1.0.0",
                    "backendUrl", second.baseUrl() + "/two", "tiers", List.of("Gold"))), 200);

            expect(Http.get(call, "Authorization", "Bearer " + token), 200);
            assertThat(second.take().path()).isEqualTo("/two/thing");
            assertThat(first.receivedNothing(java.time.Duration.ofMillis(100))).isTrue();
        }
    }

    @Test
    void replaceApiWhenContextOrVersionChangesThenBadRequestNamingField() {
        String org = newOrganization();
        JsonNode api = expect(createApi(org), 201).json();
        String path = "/organizations/" + org + "/apis/" + api.path("id").asText();
        expectInvalid(put(path, json("name", "n", "context", "/" + unique("elsewhere"), "version", "1.0.0",
                "backendUrl", BACKEND, "tiers", TIERS)), "context");
        expectInvalid(put(path, json("name", "n", "context", api.path("context").asText(), "version", "2.0.0",
                "backendUrl", BACKEND, "tiers", TIERS)), "version");
    }

    @Test
    void replaceApiWhenBodyInvalidThenBadRequestNamingFieldAndNothingChanged() {
        String org = newOrganization();
        JsonNode api = expect(createApi(org), 201).json();
        String path = "/organizations/" + org + "/apis/" + api.path("id").asText();
        expectInvalid(put(path, json("name", "n", "context", api.path("context").asText(), "version", "1.0.0",
                "backendUrl", "file:///etc/passwd", "tiers", TIERS)), "backendUrl");
        expectInvalid(put(path, json("name", "n", "context", api.path("context").asText(), "version", "1.0.0",
                "backendUrl", BACKEND)), "tiers");
        assertThat(expect(get(path), 200).json()).isEqualTo(api);
    }

    @Test
    void replaceApiWhenRemovedTierIsSubscribedThenConflictNamingTiers() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        JsonNode api = newApi(org, BACKEND, List.of("Gold", "Silver"));
        expect(post("/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions",
                json("apiId", api.path("id").asText(), "tier", "Silver")), 201);
        Http.Response response = expect(put("/organizations/" + org + "/apis/" + api.path("id").asText(),
                json("name", "n", "context", api.path("context").asText(), "version", "1.0.0",
                        "backendUrl", BACKEND, "tiers", List.of("Gold"))), 409);
        assertThat(response.json().path("field").asText()).isEqualTo("tiers");
        assertThat(response.json().path("message").asText()).contains("Silver");
    }

    @Test
    void deleteApiThenNotFoundAndGatewayNoLongerRoutesIt() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        JsonNode api = newApi(org, BACKEND, List.of("Gold"));
        String id = api.path("id").asText();
        expect(post("/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions",
                json("apiId", id, "tier", "Gold")), 201);
        expect(delete("/organizations/" + org + "/apis/" + id), 204);
        expect(get("/organizations/" + org + "/apis/" + id), 404);
        expect(delete("/organizations/" + org + "/apis/" + id), 404);
        assertThat(expect(get("/organizations/" + org + "/applications/" + app.path("name").asText()
                + "/subscriptions"), 200).json()).isEmpty();

        String token = expect(clientCredentialsToken(app.path("consumerKey").asText(),
                app.path("consumerSecret").asText()), 200).json().path("access_token").asText();
        Http.Response call = Http.get(traffic(api.path("context").asText() + "/1.0.0/x"),
                "Authorization", "Bearer " + token);
        assertThat(call.status()).isEqualTo(404);
    }

    @Test
    void getApiOfAnotherOrganizationThenNotFound() {
        String org = newOrganization();
        String other = newOrganization();
        String foreignId = expect(createApi(other), 201).json().path("id").asText();
        expect(get("/organizations/" + org + "/apis/" + foreignId), 404);
        expect(delete("/organizations/" + org + "/apis/" + foreignId), 404);
        expect(get("/organizations/" + other + "/apis/" + foreignId), 200);
    }

    @Test
    void createApiWhenContextAndVersionTakenThenConflictEvenInAnotherOrganization() {
        String org = newOrganization();
        String other = newOrganization();
        String context = "/" + unique("shared");
        expect(createApi(org, "context", context), 201);
        Http.Response conflict = expect(createApi(other, "context", context), 409);
        assertThat(conflict.json().path("error").asText()).isEqualTo("conflict");
        // another version of the same context is a different API
        expect(createApi(org, "context", context, "version", "2.0.0"), 201);
    }

    @Test
    void createApiWhenBackendUrlIsNotHttpThenBadRequestNamingField() {
        String org = newOrganization();
        JsonNode error = expectInvalid(createApi(org, "backendUrl", "ftp://files.example/x"), "backendUrl");
        assertThat(error.path("message").asText()).contains("http");
    }

    @Test
    void createApiWhenBackendUrlIsUnsafeOrMalformedThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(createApi(org, "backendUrl", null), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "not a url"), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "http:///no-host"), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "http://user:pw@backend.example/"), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "http://backend.example/?debug=true"), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "http://backend.example/#frag"), "backendUrl");
        expectInvalid(createApi(org, "backendUrl", "http://backend.example/" + "x".repeat(2000)), "backendUrl");
    }

    @Test
    void createApiWhenContextInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(createApi(org, "context", null), "context");
        expectInvalid(createApi(org, "context", "no-leading-slash"), "context");
        expectInvalid(createApi(org, "context", "/"), "context");
        expectInvalid(createApi(org, "context", "/trailing/"), "context");
        expectInvalid(createApi(org, "context", "/double//slash"), "context");
        expectInvalid(createApi(org, "context", "/bad char"), "context");
        expectInvalid(createApi(org, "context", "/semi;colon"), "context");
        expectInvalid(createApi(org, "context", "/a/../b"), "context");
        expectInvalid(createApi(org, "context", "/" + "c".repeat(200)), "context");
        expectInvalid(createApi(org, "context", "/oauth2"), "context");
        expectInvalid(createApi(org, "context", "/.well-known/x"), "context");
        // the traffic port's aliases /token and /revoke are its own too, and no root is another's in another case
        expectInvalid(createApi(org, "context", "/token"), "context");
        expectInvalid(createApi(org, "context", "/revoke/v1"), "context");
        expectInvalid(createApi(org, "context", "/OAuth2"), "context");
        expectInvalid(createApi(org, "context", "/Token"), "context");
        expectInvalid(createApi(org, "context", "/.Well-Known"), "context");
        expect(createApi(org, "context", "/" + unique("token")), 201);
    }

    @Test
    void createApiWhenVersionInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(createApi(org, "version", null), "version");
        expectInvalid(createApi(org, "version", ""), "version");
        expectInvalid(createApi(org, "version", "1/0"), "version");
        expectInvalid(createApi(org, "version", "v~1"), "version");
        expectInvalid(createApi(org, "version", ".."), "version");
        expectInvalid(createApi(org, "version", "1".repeat(51)), "version");
    }

    @Test
    void createApiWhenTiersInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(createApi(org, "tiers", null), "tiers");
        expectInvalid(createApi(org, "tiers", List.of()), "tiers");
        expectInvalid(createApi(org, "tiers", List.of("Gold", "with space")), "tiers");
        expectInvalid(createApi(org, "tiers", List.of("comma,separated")), "tiers");
        expectInvalid(createApi(org, "tiers", List.of("t".repeat(51))), "tiers");
        expectInvalid(createApi(org, "tiers", "Gold"), "tiers");
    }

    @Test
    void createApiWhenNameInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(createApi(org, "name", null), "name");
        expectInvalid(createApi(org, "name", " "), "name");
        expectInvalid(createApi(org, "name", "line\nbreak"), "name");
        expectInvalid(createApi(org, "name", "n".repeat(101)), "name");
        assertThat(expect(get("/organizations/" + org + "/apis"), 200).json()).isEmpty();
    }
}
