package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every admin API body refuses a field it does not have, with a 400 naming it and nothing
 * changed, instead of dropping it: {@code "role": "subscriber"} must not create a user without
 * a role. The value of the unknown field is never repeated.
 */
class UnknownFieldsAdminApiTest extends AdminApiTestBase {
    private static final String SECRET_VALUE = "never-echoed-Secret-77";

    private static void expectUnknown(Http.Response response, String field) {
        JsonNode error = expectInvalid(response, field);
        assertThat(error.path("message").asText()).isEqualTo(field + " is not a known field");
        assertThat(response.body()).doesNotContain(SECRET_VALUE);
    }

    @Test
    void creatingAUserWithRoleForRolesIsRefusedAndNoUserExists() {
        String org = newOrganization();

        expectUnknown(post("/organizations/" + org + "/users", json("username", "ada", "password", PASSWORD,
                "role", "subscriber")), "role");

        expect(get("/organizations/" + org + "/users/ada"), 404);
    }

    @Test
    void patchingAUserWithAnUnknownFieldChangesNothing() {
        String org = newOrganization();
        newUser(org, "ada", PASSWORD, List.of("subscriber"));

        expectUnknown(patch("/organizations/" + org + "/users/ada", json("roles", List.of("publisher"),
                "passwd", SECRET_VALUE)), "passwd");

        assertThat(expect(get("/organizations/" + org + "/users/ada"), 200).json().path("roles").toString())
                .isEqualTo("[\"subscriber\"]");
    }

    @Test
    void creatingAnOrganizationWithAnUnknownFieldIsRefused() {
        String name = unique("org");

        expectUnknown(post("/organizations", json("name", name, "display_name", "Org")), "display_name");

        expect(get("/organizations/" + name), 404);
    }

    @Test
    void creatingAnApplicationWithAnUnknownFieldIsRefused() {
        String org = newOrganization();
        String owner = newSubscriber(org);

        expectUnknown(post("/organizations/" + org + "/applications", json("name", "app", "owner", owner,
                "consumerSecret", SECRET_VALUE)), "consumerSecret");

        expect(get("/organizations/" + org + "/applications/app"), 404);
    }

    @Test
    void creatingOrReplacingAnApiWithAnUnknownFieldIsRefused() {
        String org = newOrganization();
        String context = "/" + unique("strict");

        expectUnknown(post("/organizations/" + org + "/apis", json("name", "Strict", "context", context,
                "version", "1.0", "backendUrl", "http://127.0.0.1:9/x", "tiers", List.of("Gold"),
                "backendSecurity", "weather-backend")), "backendSecurity");
        assertThat(expect(get("/organizations/" + org + "/apis"), 200).json()).isEmpty();

        JsonNode api = newApi(org, "http://127.0.0.1:9/x", List.of("Gold"));
        expectUnknown(put("/organizations/" + org + "/apis/" + api.path("id").asText(), json("name", "Renamed",
                "context", api.path("context").asText(), "version", "1.0.0", "backendUrl", "http://127.0.0.1:9/x",
                "tiers", List.of("Gold"), "organization", "another")), "organization");
        assertThat(expect(get("/organizations/" + org + "/apis/" + api.path("id").asText()), 200).json()
                .path("name").asText()).isEqualTo(api.path("name").asText());
    }

    @Test
    void creatingASubscriptionWithAnUnknownFieldIsRefused() {
        String org = newOrganization();
        JsonNode app = newApplication(org, newSubscriber(org));
        JsonNode api = newApi(org, "http://127.0.0.1:9/x", List.of("Gold"));
        String subscriptions = "/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions";

        expectUnknown(post(subscriptions, json("apiId", api.path("id").asText(), "tier", "Gold",
                "application", "someone-elses")), "application");

        assertThat(expect(get(subscriptions), 200).json()).isEmpty();
    }

    @Test
    void theUserstoreProbeRefusesAnUnknownFieldWithoutRepeatingItsValue() {
        String org = newOrganization();

        expectUnknown(post("/organizations/" + org + "/userstore/test", json("username", "jane",
                "pasword", SECRET_VALUE)), "pasword");
    }

    @Test
    void anOverlongUnknownKeyIsNotRepeated() {
        String org = newOrganization();
        String key = "k".repeat(5000);

        Http.Response response = post("/organizations/" + org + "/users", json("username", "ada",
                "password", PASSWORD, key, "x"));

        expectInvalid(response, "body");
        assertThat(response.body()).doesNotContain(key);
    }

    @Test
    void aPublisherGetsTheSameAnswer() {
        String org = newOrganization();
        String publisher = newPublisher(org);

        expectUnknown(call("POST", "/organizations/" + org + "/users", json("username", "ada",
                "password", PASSWORD, "role", "publisher"), publisher), "role");

        expect(get("/organizations/" + org + "/users/ada"), 404);
    }
}
