package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.token.Secrets;
import dev.caravan.testsupport.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ApplicationAdminApiTest extends AdminApiTestBase {

    @Autowired
    ApplicationRepository applications;

    @Test
    void createApplicationThenSecretShownOnceAndNeverAgain() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        Http.Response created = expect(post("/organizations/" + org + "/applications",
                json("name", "weather-app", "owner", owner)), 201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/organizations/" + org + "/applications/weather-app");
        assertThat(created.header("Cache-Control")).contains("no-store");
        JsonNode app = created.json();
        String key = app.path("consumerKey").asText();
        String secret = app.path("consumerSecret").asText();
        assertThat(app.path("name").asText()).isEqualTo("weather-app");
        assertThat(app.path("owner").asText()).isEqualTo(owner);
        assertThat(key).hasSize(32);
        assertThat(secret).hasSize(43);

        Http.Response fetched = expect(get("/organizations/" + org + "/applications/weather-app"), 200);
        Http.Response listed = expect(get("/organizations/" + org + "/applications"), 200);
        assertThat(fetched.json().path("consumerKey").asText()).isEqualTo(key);
        assertThat(fetched.json().has("consumerSecret")).isFalse();
        assertThat(listed.json()).hasSize(1);
        assertThat(listed.json().get(0).has("consumerSecret")).isFalse();
        assertThat(fetched.body()).doesNotContain(secret);
        assertThat(listed.body()).doesNotContain(secret);

        var stored = applications.findByConsumerKey(key).orElseThrow();
        assertThat(stored.consumerSecretHash()).isEqualTo(Secrets.sha256Hex(secret)).isNotEqualTo(secret);
        expect(clientCredentialsToken(key, secret), 200);
    }

    @Test
    void createApplicationWithoutGrantTypesThenAllThreeAllowed() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        assertThat(app.path("grantTypes").toString())
                .isEqualTo("[\"password\",\"client_credentials\",\"refresh_token\"]");
    }

    @Test
    void createApplicationWithSomeGrantTypesThenOnlyThoseAllowedAtTokenEndpoint() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        newUser(org, "enduser", PASSWORD, List.of());
        JsonNode app = expect(post("/organizations/" + org + "/applications", json("name", "cc-only",
                "owner", owner, "grantTypes", List.of("client_credentials"))), 201).json();
        assertThat(app.path("grantTypes").toString()).isEqualTo("[\"client_credentials\"]");
        String key = app.path("consumerKey").asText();
        String secret = app.path("consumerSecret").asText();

        expect(clientCredentialsToken(key, secret), 200);
        Http.Response password = passwordToken(key, secret, "enduser@" + org, PASSWORD);
        assertThat(password.status()).isEqualTo(400);
        assertThat(password.json().path("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void regenerateSecretThenNewSecretShownOnceAndOldOneStopsWorking() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        String name = app.path("name").asText();
        String key = app.path("consumerKey").asText();
        String oldSecret = app.path("consumerSecret").asText();
        expect(clientCredentialsToken(key, oldSecret), 200);

        Http.Response regenerated = expect(post("/organizations/" + org + "/applications/" + name + "/secret",
                null), 200);
        assertThat(regenerated.header("Cache-Control")).contains("no-store");
        String newSecret = regenerated.json().path("consumerSecret").asText();
        assertThat(regenerated.json().path("consumerKey").asText()).isEqualTo(key);
        assertThat(newSecret).hasSize(43).isNotEqualTo(oldSecret);

        assertThat(clientCredentialsToken(key, oldSecret).status()).isEqualTo(401);
        expect(clientCredentialsToken(key, newSecret), 200);
        Http.Response fetched = expect(get("/organizations/" + org + "/applications/" + name), 200);
        assertThat(fetched.body()).doesNotContain(newSecret).doesNotContain("consumerSecret");
    }

    @Test
    void deleteApplicationThenNotFoundAndItsCredentialsRejected() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        String name = app.path("name").asText();
        expect(delete("/organizations/" + org + "/applications/" + name), 204);
        expect(get("/organizations/" + org + "/applications/" + name), 404);
        expect(delete("/organizations/" + org + "/applications/" + name), 404);
        assertThat(clientCredentialsToken(app.path("consumerKey").asText(), app.path("consumerSecret").asText())
                .status()).isEqualTo(401);
    }

    @Test
    void applicationWhenUnknownThenNotFound() {
        String org = newOrganization();
        expect(get("/organizations/" + org + "/applications/nope"), 404);
        expect(post("/organizations/" + org + "/applications/nope/secret", null), 404);
        expect(delete("/organizations/" + org + "/applications/nope"), 404);
    }

    @Test
    void createApplicationWhenNameTakenThenConflict() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        expect(post("/organizations/" + org + "/applications", json("name", "dup", "owner", owner)), 201);
        Http.Response again = expect(post("/organizations/" + org + "/applications",
                json("name", "dup", "owner", owner)), 409);
        assertThat(again.json().path("field").asText()).isEqualTo("name");
        assertThat(again.body()).doesNotContain("consumerSecret");
    }

    @Test
    void createApplicationWhenNameInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        String path = "/organizations/" + org + "/applications";
        expectInvalid(post(path, json("owner", owner)), "name");
        expectInvalid(post(path, json("name", "has space", "owner", owner)), "name");
        expectInvalid(post(path, json("name", "x".repeat(101), "owner", owner)), "name");
    }

    @Test
    void createApplicationWhenOwnerMissingOrUnknownThenBadRequestNamingField() {
        String org = newOrganization();
        String path = "/organizations/" + org + "/applications";
        expectInvalid(post(path, json("name", "a1")), "owner");
        expectInvalid(post(path, json("name", "a1", "owner", "nobody")), "owner");
    }

    @Test
    void createApplicationWhenOwnerIsNotSubscriberThenBadRequestNamingField() {
        String org = newOrganization();
        newUser(org, "publisher-only", PASSWORD, List.of("publisher"));
        newUser(org, "end-user", PASSWORD, List.of());
        String path = "/organizations/" + org + "/applications";
        expectInvalid(post(path, json("name", "a2", "owner", "publisher-only")), "owner");
        expectInvalid(post(path, json("name", "a2", "owner", "end-user")), "owner");
    }

    @Test
    void createApplicationWhenOwnerBelongsToAnotherOrganizationThenBadRequestNamingField() {
        String org = newOrganization();
        String other = newOrganization();
        String foreigner = newSubscriber(other);
        expectInvalid(post("/organizations/" + org + "/applications", json("name", "a3", "owner", foreigner)),
                "owner");
    }

    @Test
    void createApplicationWhenGrantTypesInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        String path = "/organizations/" + org + "/applications";
        expectInvalid(post(path, json("name", "a4", "owner", owner, "grantTypes", List.of("implicit"))),
                "grantTypes");
        expectInvalid(post(path, json("name", "a4", "owner", owner, "grantTypes", List.of())), "grantTypes");
        expectInvalid(post(path, json("name", "a4", "owner", owner, "grantTypes", "password")), "grantTypes");
        List<String> names = new ArrayList<>();
        expect(get(path), 200).json().forEach(app -> names.add(app.path("name").asText()));
        assertThat(names).isEmpty();
    }
}
