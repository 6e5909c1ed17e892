package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrganizationAdminApiTest extends AdminApiTestBase {

    @Test
    void createOrganizationThenGetAndListShowIt() {
        String name = unique("acme");
        Http.Response created = expect(post("/organizations", json("name", name, "displayName", "Acme Inc.")), 201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/organizations/" + name);
        assertThat(created.json().path("name").asText()).isEqualTo(name);
        assertThat(created.json().path("displayName").asText()).isEqualTo("Acme Inc.");
        assertThat(created.json().path("createdAt").asText()).isNotBlank();

        JsonNode fetched = expect(get("/organizations/" + name), 200).json();
        assertThat(fetched.path("name").asText()).isEqualTo(name);
        assertThat(fetched.path("displayName").asText()).isEqualTo("Acme Inc.");

        List<String> names = new ArrayList<>();
        expect(get("/organizations"), 200).json().forEach(org -> names.add(org.path("name").asText()));
        assertThat(names).contains(name);
    }

    @Test
    void createOrganizationWithoutDisplayNameThenAccepted() {
        String name = unique("plain");
        JsonNode created = expect(post("/organizations", json("name", name)), 201).json();
        assertThat(created.has("displayName")).isFalse();
    }

    @Test
    void deleteOrganizationThenGetIsNotFoundAndListLacksIt() {
        String name = newOrganization();
        expect(delete("/organizations/" + name), 204);
        expect(get("/organizations/" + name), 404);
        assertThat(get("/organizations").body()).doesNotContain("\"" + name + "\"");
        expect(delete("/organizations/" + name), 404);
    }

    @Test
    void deleteOrganizationThenGatewayForgetsItsApplications() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        JsonNode app = newApplication(org, owner);
        String key = app.path("consumerKey").asText();
        String secret = app.path("consumerSecret").asText();
        expect(clientCredentialsToken(key, secret), 200);

        expect(delete("/organizations/" + org), 204);

        assertThat(clientCredentialsToken(key, secret).status()).isEqualTo(401);
    }

    @Test
    void getOrganizationWhenUnknownThenNotFoundAsJson() {
        Http.Response response = expect(get("/organizations/" + unique("nobody")), 404);
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
        assertThat(response.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void createOrganizationWhenNameTakenThenConflict() {
        String name = newOrganization();
        Http.Response response = expect(post("/organizations", json("name", name)), 409);
        assertThat(response.json().path("error").asText()).isEqualTo("conflict");
        assertThat(response.json().path("field").asText()).isEqualTo("name");
    }

    @Test
    void createOrganizationWhenNameMissingThenBadRequestNamingField() {
        expectInvalid(post("/organizations", json("displayName", "no name")), "name");
    }

    @Test
    void createOrganizationWhenNameBreaksPatternThenBadRequestNamingField() {
        expectInvalid(post("/organizations", json("name", "has space")), "name");
        expectInvalid(post("/organizations", json("name", "slash/name")), "name");
        expectInvalid(post("/organizations", json("name", "")), "name");
        expectInvalid(post("/organizations", json("name", "x".repeat(65))), "name");
        expectInvalid(post("/organizations", json("name", "..")), "name");
    }

    @Test
    void createOrganizationWhenDisplayNameHasControlCharactersThenBadRequestNamingField() {
        expectInvalid(post("/organizations", json("name", unique("ok"), "displayName", "bad\nname")), "displayName");
    }

    @Test
    void createOrganizationWhenFieldHasWrongJsonTypeThenBadRequestNamingField() {
        expectInvalid(post("/organizations", "{\"name\": {\"nested\": true}}"), "name");
    }

    @Test
    void createOrganizationWhenBodyIsMalformedJsonThenBadRequestWithoutStackTrace() {
        Http.Response response = expect(post("/organizations", "{\"name\": \"broken"), 400);
        JsonNode error = response.json();
        assertThat(error.path("error").asText()).isEqualTo("malformed_json");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at com.").doesNotContain("broken");
    }

    @Test
    void createOrganizationWhenBodyIsEmptyThenBadRequest() {
        Http.Response response = expect(post("/organizations", ""), 400);
        assertThat(response.json().path("error").asText()).isEqualTo("malformed_json");
    }

    @Test
    void createOrganizationWhenContentTypeIsNotJsonThenUnsupportedMediaType() {
        Http.Response response = Http.request("POST", management("/api/v1/organizations"), "name=x",
                "Authorization", ADMIN, "Content-Type", "application/x-www-form-urlencoded");
        expect(response, 415);
        assertThat(response.json().path("error").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void unsupportedMethodOnOrganizationsThenMethodNotAllowedAsJson() {
        Http.Response response = expect(call("PUT", "/organizations", json("name", "x"), ADMIN), 405);
        assertThat(response.json().path("error").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void unknownAdminPathThenNotFoundAsJson() {
        Http.Response response = expect(get("/no-such-thing"), 404);
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
    }
}
