package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client authentication at the token endpoint (RFC 6749 §2.3.1): Basic or form, never both. */
class ClientAuthenticationTest extends TokenApiTestBase {

    private static final Map<String, String> CLIENT_CREDENTIALS = Http.params("grant_type", "client_credentials");

    private static String basicRaw(String decoded) {
        return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void clientAuthenticationWhenHttpBasicThenTokenIssued() throws Exception {
        JsonNode body = assertTokenIssued(token(worldBasic(), CLIENT_CREDENTIALS));
        assertThat(jwt(body.path("access_token").asText()).getJWTClaimsSet().getStringClaim("client_id"))
                .isEqualTo(world.consumerKey());
    }

    @Test
    void clientAuthenticationWhenBasicSchemeInLowerCaseThenTokenIssued() {
        assertTokenIssued(token("basic " + worldBasic().substring(6), CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenFormClientIdAndSecretThenTokenIssued() throws Exception {
        JsonNode body = assertTokenIssued(token(null, Http.params("grant_type", "client_credentials",
                "client_id", world.consumerKey(), "client_secret", world.consumerSecret())));
        assertThat(jwt(body.path("access_token").asText()).getJWTClaimsSet().getStringClaim("client_id"))
                .isEqualTo(world.consumerKey());
    }

    @Test
    void clientAuthenticationWhenBasicWithMatchingFormClientIdThenTokenIssued() {
        assertTokenIssued(token(worldBasic(), Http.params("grant_type", "client_credentials",
                "client_id", world.consumerKey())));
    }

    @Test
    void clientAuthenticationWhenBasicAndFormSecretBothThenInvalidRequest() {
        assertOAuthError(token(worldBasic(), Http.params("grant_type", "client_credentials",
                "client_id", world.consumerKey(), "client_secret", world.consumerSecret())), 400, "invalid_request");
    }

    @Test
    void clientAuthenticationWhenBasicAndAnotherFormClientIdThenInvalidRequest() {
        assertOAuthError(token(worldBasic(), Http.params("grant_type", "client_credentials",
                "client_id", "someone_else")), 400, "invalid_request");
    }

    @Test
    void clientAuthenticationWhenSecretWrongThenInvalidClientWithBasicChallenge() {
        assertInvalidClient(token(Http.basic(world.consumerKey(), "wrong-secret"), CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenFormSecretWrongThenInvalidClientWithBasicChallenge() {
        assertInvalidClient(token(null, Http.params("grant_type", "client_credentials",
                "client_id", world.consumerKey(), "client_secret", "wrong-secret")));
    }

    @Test
    void clientAuthenticationWhenClientUnknownThenInvalidClientWithBasicChallenge() {
        assertInvalidClient(token(Http.basic("no_such_client", world.consumerSecret()), CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenClientUnknownOrSecretWrongThenAnswersAreIdentical() {
        Http.Response unknown = token(Http.basic("no_such_client", "wrong-secret"), CLIENT_CREDENTIALS);
        Http.Response wrong = token(Http.basic(world.consumerKey(), "wrong-secret"), CLIENT_CREDENTIALS);
        assertInvalidClient(unknown);
        assertThat(wrong.status()).isEqualTo(unknown.status());
        assertThat(wrong.body()).isEqualTo(unknown.body());
        assertThat(wrong.headers().map()).isEqualTo(unknown.headers().map());
    }

    @Test
    void clientAuthenticationWhenMissingThenInvalidClient() {
        assertInvalidClient(token(null, CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenOnlyFormClientIdThenInvalidClient() {
        assertInvalidClient(token(null, Http.params("grant_type", "client_credentials",
                "client_id", world.consumerKey())));
    }

    @Test
    void clientAuthenticationWhenBasicMalformedThenInvalidClient() {
        assertInvalidClient(token("Basic !!not-base64!!", CLIENT_CREDENTIALS));
        assertInvalidClient(token("Basic", CLIENT_CREDENTIALS));
        assertInvalidClient(token(basicRaw(world.consumerKey()), CLIENT_CREDENTIALS));
        assertInvalidClient(token(basicRaw(":" + world.consumerSecret()), CLIENT_CREDENTIALS));
        assertInvalidClient(token(basicRaw(world.consumerKey() + ":%zz"), CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenSchemeIsNotBasicThenInvalidClient() {
        assertInvalidClient(token("Bearer " + world.consumerSecret(), CLIENT_CREDENTIALS));
    }

    @Test
    void clientAuthenticationWhenAuthorizationHeaderRepeatedThenInvalidRequest() {
        Http.Response response = Http.request("POST", traffic("/oauth2/token"), Http.form(CLIENT_CREDENTIALS),
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", worldBasic(), "Authorization", worldBasic());
        assertOAuthError(response, 400, "invalid_request");
    }
}
