package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.testsupport.Http;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class UserAdminApiTest extends AdminApiTestBase {

    @Autowired
    OrganizationRepository organizations;

    @Autowired
    PrimaryUserRepository users;

    private PrimaryUser stored(String org, String username) {
        return users.find(organizations.findByName(org).orElseThrow().id(), username).orElseThrow();
    }

    @Test
    void createUserThenGetAndListShowItWithoutPasswordOrHash() {
        String org = newOrganization();
        String password = "Cr3ate-secret-" + unique("p");
        Http.Response created = expect(post("/organizations/" + org + "/users", json("username", "alice",
                "password", password, "roles", List.of("subscriber", "publisher"), "email", "alice@example.com")), 201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/organizations/" + org + "/users/alice");
        JsonNode user = created.json();
        assertThat(user.path("username").asText()).isEqualTo("alice");
        assertThat(user.path("roles").toString()).isEqualTo("[\"publisher\",\"subscriber\"]");
        assertThat(user.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(user.path("enabled").asBoolean()).isTrue();

        Http.Response fetched = expect(get("/organizations/" + org + "/users/alice"), 200);
        Http.Response listed = expect(get("/organizations/" + org + "/users"), 200);
        List<String> names = new ArrayList<>();
        listed.json().forEach(u -> names.add(u.path("username").asText()));
        assertThat(names).containsExactly("alice");
        for (Http.Response response : List.of(created, fetched, listed)) {
            assertThat(response.body()).doesNotContain(password).doesNotContain("argon2")
                    .doesNotContain("password").doesNotContain("Hash");
        }
    }

    @Test
    void createUserThenPasswordIsStoredAsArgon2idHash() {
        String org = newOrganization();
        String password = "Hashed-secret-" + unique("p");
        expect(post("/organizations/" + org + "/users", json("username", "bob", "password", password)), 201);
        String hash = stored(org, "bob").passwordHash();
        assertThat(hash).startsWith("$argon2id$").doesNotContain(password);
    }

    @Test
    void createUserWithoutRolesThenPlainEndUser() {
        String org = newOrganization();
        JsonNode user = expect(post("/organizations/" + org + "/users",
                json("username", "carol", "password", PASSWORD)), 201).json();
        assertThat(user.path("roles").isArray()).isTrue();
        assertThat(user.path("roles")).isEmpty();
        assertThat(stored(org, "carol").roles()).isEmpty();
    }

    @Test
    void createUserWhenUsernameContainsAtThenAddressableByPath() {
        String org = newOrganization();
        newUser(org, "jane@example.com", PASSWORD, List.of("publisher"));
        JsonNode user = expect(get("/organizations/" + org + "/users/jane@example.com"), 200).json();
        assertThat(user.path("username").asText()).isEqualTo("jane@example.com");
        // and she logs in to the admin API as jane@example.com@org, split on the last '@'
        expect(call("GET", "/organizations/" + org, null, basic("jane@example.com@" + org, PASSWORD)), 200);
    }

    @Test
    void createUserDisabledThenStoredDisabledAndCannotLogIn() {
        String org = newOrganization();
        JsonNode user = expect(post("/organizations/" + org + "/users", json("username", "dora",
                "password", PASSWORD, "roles", List.of("publisher"), "enabled", false)), 201).json();
        assertThat(user.path("enabled").asBoolean()).isFalse();
        assertThat(stored(org, "dora").enabled()).isFalse();
        expect(call("GET", "/organizations/" + org, null, basic("dora@" + org, PASSWORD)), 401);
    }

    @Test
    void patchUserPasswordThenNewPasswordWorksAndOldDoesNot() {
        String org = newOrganization();
        newUser(org, "erin", PASSWORD, List.of("publisher"));
        String newPassword = "Brand-new-" + unique("pw");
        JsonNode patched = expect(patch("/organizations/" + org + "/users/erin", json("password", newPassword)), 200)
                .json();
        assertThat(patched.toString()).doesNotContain(newPassword);
        assertThat(patched.path("roles").toString()).isEqualTo("[\"publisher\"]");

        expect(call("GET", "/organizations/" + org, null, basic("erin@" + org, newPassword)), 200);
        expect(call("GET", "/organizations/" + org, null, basic("erin@" + org, PASSWORD)), 401);
    }

    @Test
    void patchUserRolesEmailAndEnabledThenChangedAndOtherFieldsKept() {
        String org = newOrganization();
        expect(post("/organizations/" + org + "/users", json("username", "finn", "password", PASSWORD,
                "roles", List.of("subscriber"), "email", "finn@example.com")), 201);

        JsonNode patched = expect(patch("/organizations/" + org + "/users/finn",
                json("roles", List.of("publisher", "subscriber"))), 200).json();
        assertThat(patched.path("roles").toString()).isEqualTo("[\"publisher\",\"subscriber\"]");
        assertThat(patched.path("email").asText()).isEqualTo("finn@example.com");
        assertThat(patched.path("enabled").asBoolean()).isTrue();

        patched = expect(patch("/organizations/" + org + "/users/finn",
                json("email", "finn@other.example", "enabled", false)), 200).json();
        assertThat(patched.path("email").asText()).isEqualTo("finn@other.example");
        assertThat(patched.path("enabled").asBoolean()).isFalse();
        assertThat(patched.path("roles").toString()).isEqualTo("[\"publisher\",\"subscriber\"]");

        patched = expect(patch("/organizations/" + org + "/users/finn", json("email", "")), 200).json();
        assertThat(patched.has("email")).isFalse();
        PrimaryUser user = stored(org, "finn");
        assertThat(user.email()).isNull();
        assertThat(user.enabled()).isFalse();
        assertThat(user.roles()).containsExactlyInAnyOrder("publisher", "subscriber");
    }

    @Test
    void patchUserDisabledThenPublisherCanNoLongerLogIn() {
        String org = newOrganization();
        newUser(org, "gus", PASSWORD, List.of("publisher"));
        expect(call("GET", "/organizations/" + org, null, basic("gus@" + org, PASSWORD)), 200);
        expect(patch("/organizations/" + org + "/users/gus", json("enabled", false)), 200);
        expect(call("GET", "/organizations/" + org, null, basic("gus@" + org, PASSWORD)), 401);
    }

    @Test
    void patchUserWhenUsernameDiffersThenBadRequestNamingField() {
        String org = newOrganization();
        newUser(org, "hank", PASSWORD, List.of());
        expectInvalid(patch("/organizations/" + org + "/users/hank", json("username", "henry")), "username");
    }

    @Test
    void patchUserWhenPasswordTooShortThenBadRequestAndNothingChanged() {
        String org = newOrganization();
        newUser(org, "iris", PASSWORD, List.of());
        String before = stored(org, "iris").passwordHash();
        expectInvalid(patch("/organizations/" + org + "/users/iris",
                json("password", "short", "enabled", false)), "password");
        assertThat(stored(org, "iris").passwordHash()).isEqualTo(before);
        assertThat(stored(org, "iris").enabled()).isTrue();
    }

    @Test
    void deleteUserThenNotFound() {
        String org = newOrganization();
        newUser(org, "jack", PASSWORD, List.of());
        expect(delete("/organizations/" + org + "/users/jack"), 204);
        expect(get("/organizations/" + org + "/users/jack"), 404);
        expect(delete("/organizations/" + org + "/users/jack"), 404);
    }

    @Test
    void deleteOwnerOfApplicationThenGatewayForgetsTheApplication() {
        String org = newOrganization();
        String owner = newSubscriber(org);
        JsonNode app = newApplication(org, owner);
        String key = app.path("consumerKey").asText();
        String secret = app.path("consumerSecret").asText();
        expect(clientCredentialsToken(key, secret), 200);

        expect(delete("/organizations/" + org + "/users/" + owner), 204);

        expect(get("/organizations/" + org + "/applications/" + app.path("name").asText()), 404);
        assertThat(clientCredentialsToken(key, secret).status()).isEqualTo(401);
    }

    @Test
    void createUserWhenUsernameTakenThenConflict() {
        String org = newOrganization();
        newUser(org, "kim", PASSWORD, List.of());
        Http.Response response = expect(post("/organizations/" + org + "/users",
                json("username", "kim", "password", PASSWORD)), 409);
        assertThat(response.json().path("field").asText()).isEqualTo("username");
    }

    @Test
    void usernamesAreStoredNormalizedAndAreUniqueIgnoringCase() {
        String org = newOrganization();
        String path = "/organizations/" + org + "/users";
        Http.Response created = expect(post(path, json("username", "  Zoe\u0308   Smith ", "password", PASSWORD)), 201);
        assertThat(created.json().path("username").asText()).isEqualTo("Zo\u00eb Smith");

        for (String taken : new String[] {"zo\u00eb smith", "ZOE\u0308 SMITH", "Zo\u00eb\u00a0Smith"}) {
            Http.Response conflict = expect(post(path, json("username", taken, "password", PASSWORD)), 409);
            assertThat(conflict.json().path("field").asText()).isEqualTo("username");
            assertThat(conflict.json().path("message").asText()).contains("Zo\u00eb Smith");
        }
        expectInvalid(post(path, json("username", "ev\u200be", "password", PASSWORD)), "username");
        expect(get(path + "/zo%C3%AB%20smith"), 200);
    }

    @Test
    void aPublisherLogsInToTheAdminApiByAnySpellingOfTheirName() {
        String org = newOrganization();
        newUser(org, "Gwen", PASSWORD, List.of("publisher"));
        for (String spelling : new String[] {"Gwen@" + org, "gwen@" + org, " GWEN @ " + org}) {
            expect(call("GET", "/organizations/" + org, null, basic(spelling, PASSWORD)), 200);
        }
    }

    @Test
    void sameUsernameInTwoOrganizationsThenBothExist() {
        String first = newOrganization();
        String second = newOrganization();
        newUser(first, "lee", PASSWORD, List.of());
        newUser(second, "lee", PASSWORD, List.of());
        expect(get("/organizations/" + second + "/users/lee"), 200);
    }

    @Test
    void getUserWhenUnknownThenNotFound() {
        String org = newOrganization();
        expect(get("/organizations/" + org + "/users/nobody"), 404);
        expect(get("/organizations/" + unique("no_org") + "/users"), 404);
    }

    @Test
    void createUserWhenUsernameInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        String path = "/organizations/" + org + "/users";
        expectInvalid(post(path, json("password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "", "password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "   ", "password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "x".repeat(257), "password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "tab\there", "password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "null\u0000byte", "password", PASSWORD)), "username");
        expectInvalid(post(path, json("username", "a/b", "password", PASSWORD)), "username");
        // 256 characters is still fine
        expect(post(path, json("username", "y".repeat(256), "password", PASSWORD)), 201);
    }

    @Test
    void createUserWhenPasswordInvalidThenBadRequestNamingFieldWithoutEchoingIt() {
        String org = newOrganization();
        String path = "/organizations/" + org + "/users";
        expectInvalid(post(path, json("username", "mia")), "password");
        JsonNode tooShort = expectInvalid(post(path, json("username", "mia", "password", "Sh0rt!x")), "password");
        assertThat(tooShort.toString()).doesNotContain("Sh0rt!x");
        String huge = "L0ng".repeat(256) + "!";
        JsonNode tooLong = expectInvalid(post(path, json("username", "mia", "password", huge)), "password");
        assertThat(tooLong.toString()).doesNotContain(huge);
        expect(post(path, json("username", "mia", "password", "Exactly8")), 201);
    }

    @Test
    void createUserWhenRoleUnknownThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(post("/organizations/" + org + "/users",
                json("username", "ned", "password", PASSWORD, "roles", List.of("admin"))), "roles");
        expectInvalid(post("/organizations/" + org + "/users",
                json("username", "ned", "password", PASSWORD, "roles", "publisher")), "roles");
    }

    @Test
    void createUserWhenEmailInvalidThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(post("/organizations/" + org + "/users",
                json("username", "olga", "password", PASSWORD, "email", "not-an-address")), "email");
        expectInvalid(post("/organizations/" + org + "/users",
                json("username", "olga", "password", PASSWORD, "email", "olga @example.com")), "email");
    }

    @Test
    void createUserWhenEnabledIsNotBooleanThenBadRequestNamingField() {
        String org = newOrganization();
        expectInvalid(post("/organizations/" + org + "/users",
                json("username", "pia", "password", PASSWORD, "enabled", List.of("yes"))), "enabled");
    }

    @Test
    void createUserInUnknownOrganizationThenNotFound() {
        expect(post("/organizations/" + unique("ghost") + "/users", json("username", "q", "password", PASSWORD)),
                404);
    }
}
