package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may call what: the admin everything, a publisher only their own organization, anyone else nothing. */
class AdminSecurityTest extends AdminApiTestBase {

    private static void expectUnauthorized(Http.Response response) {
        expect(response, 401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Basic realm=\"caravan-admin\"");
        assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
    }

    private static void expectForbidden(Http.Response response) {
        expect(response, 403);
        assertThat(response.json().path("error").asText()).isEqualTo("forbidden");
        assertThat(response.header("WWW-Authenticate")).isNull();
    }

    @Test
    void requestWithoutCredentialsThenUnauthorizedWithBasicChallenge() {
        String org = newOrganization();
        expectUnauthorized(call("GET", "/organizations", null, null));
        expectUnauthorized(call("POST", "/organizations", json("name", unique("anon")), null));
        expectUnauthorized(call("GET", "/organizations/" + org, null, null));
        expectUnauthorized(call("DELETE", "/organizations/" + org, null, null));
        expectUnauthorized(call("POST", "/organizations/" + org + "/users", json("username", "x",
                "password", PASSWORD), null));
        expectUnauthorized(call("GET", "/no-such-path", null, null));
        expectUnauthorized(Http.get(management("/api/v1")));
        expect(get("/organizations/" + org), 200);
    }

    @Test
    void requestWithWrongAdminCredentialsThenUnauthorized() {
        expectUnauthorized(call("GET", "/organizations", null, basic(ADMIN_USER, "wrong-password")));
        expectUnauthorized(call("GET", "/organizations", null, basic(ADMIN_USER, ADMIN_PASSWORD + "x")));
        expectUnauthorized(call("GET", "/organizations", null,
                basic(ADMIN_USER, ADMIN_PASSWORD.substring(0, ADMIN_PASSWORD.length() - 1))));
        expectUnauthorized(call("GET", "/organizations", null, basic("root", ADMIN_PASSWORD)));
        expectUnauthorized(call("GET", "/organizations", null, basic(ADMIN_USER.toUpperCase(), ADMIN_PASSWORD)));
    }

    @Test
    void requestWithMalformedAuthorizationThenUnauthorized() {
        String noColon = "Basic " + Base64.getEncoder().encodeToString(ADMIN_USER.getBytes());
        expectUnauthorized(call("GET", "/organizations", null, "Bearer " + ADMIN_PASSWORD));
        expectUnauthorized(call("GET", "/organizations", null, "Basic !!!not-base64!!!"));
        expectUnauthorized(call("GET", "/organizations", null, noColon));
        expectUnauthorized(call("GET", "/organizations", null, "Basic"));
        Http.Response twice = Http.request("GET", management("/api/v1/organizations"), null,
                "Authorization", basic("nobody", "nothing1"), "Authorization", ADMIN);
        expectUnauthorized(twice);
    }

    @Test
    void errorBodiesNeverEchoTheSubmittedPassword() {
        Http.Response response = call("GET", "/organizations", null, basic(ADMIN_USER, "Hunter2-guess"));
        expectUnauthorized(response);
        assertThat(response.body()).doesNotContain("Hunter2-guess");
    }

    @Test
    void publisherManagesEverythingInTheirOwnOrganization() {
        String org = newOrganization();
        String publisher = newPublisher(org);
        String base = "/organizations/" + org;

        expect(call("GET", base, null, publisher), 200);
        expect(call("POST", base + "/users", json("username", "sam", "password", PASSWORD,
                "roles", List.of("subscriber")), publisher), 201);
        expect(call("PATCH", base + "/users/sam", json("email", "sam@example.com"), publisher), 200);
        expect(call("GET", base + "/users", null, publisher), 200);
        JsonNode app = expect(call("POST", base + "/applications", json("name", "pub-app", "owner", "sam"),
                publisher), 201).json();
        assertThat(app.path("consumerSecret").asText()).isNotBlank();
        expect(call("POST", base + "/applications/pub-app/secret", null, publisher), 200);
        String apiId = expect(call("POST", base + "/apis", json("name", "Pub API", "context", "/" + unique("pub"),
                "version", "1", "backendUrl", "https://backend.example", "tiers", List.of("Gold")), publisher), 201)
                .json().path("id").asText();
        expect(call("GET", base + "/apis/" + apiId, null, publisher), 200);
        String subscription = expect(call("POST", base + "/applications/pub-app/subscriptions",
                json("apiId", apiId, "tier", "Gold"), publisher), 201).json().path("id").asText();
        expect(call("DELETE", base + "/applications/pub-app/subscriptions/" + subscription, null, publisher), 204);
        expect(call("DELETE", base + "/apis/" + apiId, null, publisher), 204);
        expect(call("DELETE", base + "/applications/pub-app", null, publisher), 204);
        expect(call("DELETE", base + "/users/sam", null, publisher), 204);
    }

    @Test
    void publisherOfOneOrganizationIsForbiddenInAnother() {
        String orgA = newOrganization();
        String orgB = newOrganization();
        String publisherA = newPublisher(orgA);
        newUser(orgB, "victim", PASSWORD, List.of("subscriber"));
        String apiB = newApi(orgB, "https://b.example", List.of("Gold")).path("id").asText();
        String b = "/organizations/" + orgB;

        expectForbidden(call("GET", b, null, publisherA));
        expectForbidden(call("GET", b + "/users", null, publisherA));
        expectForbidden(call("GET", b + "/users/victim", null, publisherA));
        expectForbidden(call("PATCH", b + "/users/victim", json("password", "Takeover-123"), publisherA));
        expectForbidden(call("DELETE", b + "/users/victim", null, publisherA));
        expectForbidden(call("POST", b + "/users", json("username", "mole", "password", PASSWORD,
                "roles", List.of("publisher")), publisherA));
        expectForbidden(call("POST", b + "/applications", json("name", "x", "owner", "victim"), publisherA));
        expectForbidden(call("GET", b + "/apis/" + apiB, null, publisherA));
        expectForbidden(call("PUT", b + "/apis/" + apiB, json("name", "hijacked", "context", "/x", "version", "1",
                "backendUrl", "https://evil.example", "tiers", List.of("Gold")), publisherA));
        expectForbidden(call("DELETE", b + "/apis/" + apiB, null, publisherA));
        // an organization that does not exist is forbidden too, not a 404 that tells it apart
        expectForbidden(call("GET", "/organizations/" + unique("ghost") + "/users", null, publisherA));

        // nothing changed in B
        expect(get(b + "/users/victim"), 200);
        expect(get(b + "/users/mole"), 404);
        assertThat(expect(get(b + "/apis/" + apiB), 200).json().path("name").asText()).startsWith("API ");
    }

    @Test
    void publisherCannotReachAnotherOrganizationThroughPathTricks() {
        String orgA = newOrganization();
        String orgB = newOrganization();
        String publisherA = newPublisher(orgA);
        String encodedB = orgB.chars().mapToObj(c -> String.format("%%%02X", c)).reduce("", String::concat);

        newUser(orgB, "secret-agent", PASSWORD, List.of());

        // Spring MVC matches the raw path, so a dot-segment path reaches no controller at all
        Http.Response dotted = call("GET", "/organizations/" + orgA + "/../" + orgB + "/users", null, publisherA);
        assertThat(dotted.status()).isIn(403, 404);
        assertThat(dotted.body()).doesNotContain("secret-agent");
        expectForbidden(call("GET", "/organizations/" + orgB + ";x=" + orgA + "/users", null, publisherA));
        expectForbidden(call("GET", "/organizations/" + encodedB + "/users", null, publisherA));
        expect(call("GET", "/organizations/" + encodedB + "/users", null, ADMIN), 200);
    }

    @Test
    void publisherCannotCreateListOrDeleteOrganizations() {
        String org = newOrganization();
        String publisher = newPublisher(org);
        expectForbidden(call("POST", "/organizations", json("name", unique("mine")), publisher));
        expectForbidden(call("GET", "/organizations", null, publisher));
        expectForbidden(call("DELETE", "/organizations/" + org, null, publisher));
        expect(get("/organizations/" + org), 200);
    }

    @Test
    void userWithoutPublisherRoleCannotUseTheAdminApi() {
        String org = newOrganization();
        newUser(org, "only-sub", PASSWORD, List.of("subscriber"));
        newUser(org, "end-user", PASSWORD, List.of());
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("only-sub@" + org, PASSWORD)));
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("end-user@" + org, PASSWORD)));
    }

    @Test
    void publisherWithWrongPasswordOrOrganizationThenUnauthorized() {
        String org = newOrganization();
        String other = newOrganization();
        newUser(org, "pat", PASSWORD, List.of("publisher"));
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("pat@" + org, "Wrong-password-1")));
        expectUnauthorized(call("GET", "/organizations/" + other, null, basic("pat@" + other, PASSWORD)));
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("pat", PASSWORD)));
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("pat@", PASSWORD)));
        expectUnauthorized(call("GET", "/organizations/" + org, null, basic("@" + org, PASSWORD)));
        expect(call("GET", "/organizations/" + org, null, basic("pat@" + org, PASSWORD)), 200);
    }
}
