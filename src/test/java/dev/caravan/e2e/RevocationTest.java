package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token revocation (RFC 7009) and its effect on the gateway and on introspection. */
class RevocationTest extends TokenApiTestBase {

    private JsonNode login() {
        return assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));
    }

    private static void assertRevokeOk(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void revokeWhenAccessTokenThenGatewayAnswersInvalidTokenAndIntrospectionInactive() {
        String accessToken = login().path("access_token").asText();
        assertApiAccepts(accessToken);
        assertThat(introspect(accessToken).path("active").asBoolean()).isTrue();

        assertRevokeOk(revoke(worldBasic(), Http.params("token", accessToken)));

        assertApiRefusesAsInvalidToken(accessToken);
        assertThat(introspect(accessToken).path("active").asBoolean()).isFalse();
    }

    @Test
    void revokeWhenAccessTokenWithHintThenRevoked() {
        String accessToken = login().path("access_token").asText();
        assertRevokeOk(revoke(worldBasic(), Http.params("token", accessToken, "token_type_hint", "access_token")));
        assertApiRefusesAsInvalidToken(accessToken);
    }

    @Test
    void revokeWhenAccessTokenWithWrongHintThenStillRevoked() {
        String accessToken = login().path("access_token").asText();
        assertRevokeOk(revoke(worldBasic(), Http.params("token", accessToken, "token_type_hint", "refresh_token")));
        assertApiRefusesAsInvalidToken(accessToken);
    }

    @Test
    void revokeWhenAccessTokenThenOnlyThatTokenIsRevoked() {
        JsonNode login = login();
        String revoked = login.path("access_token").asText();
        String sibling = login().path("access_token").asText();

        assertRevokeOk(revoke(worldBasic(), Http.params("token", revoked)));

        assertApiRefusesAsInvalidToken(revoked);
        assertApiAccepts(sibling);
        assertTokenIssued(refresh(worldBasic(), login.path("refresh_token").asText()));
    }

    @Test
    void revokeWhenRefreshTokenThenItsFamilyIsRevoked() {
        JsonNode first = login();
        JsonNode second = assertTokenIssued(refresh(worldBasic(), first.path("refresh_token").asText()));
        String refreshToken = second.path("refresh_token").asText();

        assertRevokeOk(revoke(worldBasic(), Http.params("token", refreshToken, "token_type_hint", "refresh_token")));

        assertOAuthError(refresh(worldBasic(), refreshToken), 400, "invalid_grant");
        assertApiRefusesAsInvalidToken(first.path("access_token").asText());
        assertApiRefusesAsInvalidToken(second.path("access_token").asText());
        assertThat(introspect(second.path("access_token").asText()).path("active").asBoolean()).isFalse();
        assertThat(introspect(refreshToken).path("active").asBoolean()).isFalse();
    }

    @Test
    void revokeWhenRefreshTokenWithoutHintThenItsFamilyIsRevoked() {
        JsonNode login = login();
        assertRevokeOk(revoke(worldBasic(), Http.params("token", login.path("refresh_token").asText())));
        assertApiRefusesAsInvalidToken(login.path("access_token").asText());
        assertOAuthError(refresh(worldBasic(), login.path("refresh_token").asText()), 400, "invalid_grant");
    }

    @Test
    void revokeWhenTokenUnknownThen200() {
        assertRevokeOk(revoke(worldBasic(), Http.params("token", "no-such-token")));
        assertRevokeOk(revoke(worldBasic(), Http.params("token", "x".repeat(4000), "token_type_hint", "access_token")));
    }

    @Test
    void revokeWhenTokenOfAnotherClientThen200AndTokenStaysValid() {
        JsonNode login = login();
        Fixtures.Client other = fixtures.client(world, Set.of("client_credentials"));
        String otherBasic = Http.basic(other.consumerKey(), other.consumerSecret());

        assertRevokeOk(revoke(otherBasic, Http.params("token", login.path("access_token").asText())));
        assertRevokeOk(revoke(otherBasic, Http.params("token", login.path("refresh_token").asText())));

        assertApiAccepts(login.path("access_token").asText());
        assertTokenIssued(refresh(worldBasic(), login.path("refresh_token").asText()));
    }

    @Test
    void revokeWhenTokenParameterMissingThenInvalidRequest() {
        assertOAuthError(revoke(worldBasic(), Http.params("token_type_hint", "access_token")), 400, "invalid_request");
    }

    @Test
    void revokeWhenTokenTypeHintUnknownThenUnsupportedTokenType() {
        String accessToken = login().path("access_token").asText();
        assertOAuthError(revoke(worldBasic(), Http.params("token", accessToken, "token_type_hint", "id_token")),
                400, "unsupported_token_type");
        assertApiAccepts(accessToken);
    }

    @Test
    void revokeWhenNoClientAuthenticationThen401InvalidClient() {
        String accessToken = login().path("access_token").asText();
        assertInvalidClient(revoke(null, Http.params("token", accessToken)));
        assertInvalidClient(revoke(Http.basic(world.consumerKey(), "wrong-secret"), Http.params("token", accessToken)));
        assertApiAccepts(accessToken);
    }

    @Test
    void revokeWhenGetThen405() {
        Http.Response response = Http.get(traffic("/oauth2/revoke"), "Authorization", worldBasic());
        assertOAuthError(response, 405, "invalid_request");
        assertThat(response.header("Allow")).isEqualTo("POST");
    }

    @Test
    void revokeAliasWhenAccessTokenThenRevoked() {
        String accessToken = login().path("access_token").asText();

        assertRevokeOk(Http.postForm(traffic("/revoke"), worldBasic(), Http.params("token", accessToken)));

        assertApiRefusesAsInvalidToken(accessToken);
        assertInvalidClient(Http.postForm(traffic("/revoke"), null, Http.params("token", accessToken)));
    }
}
