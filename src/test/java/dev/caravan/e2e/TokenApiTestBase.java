package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.text.ParseException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared helpers of the Token API tests: a fresh world per test (organization, end user,
 * application, API on a real loopback backend), request shortcuts for the OAuth endpoints, and
 * the assertions every OAuth answer must pass (RFC 6749 §5.1/§5.2: JSON {@code error} and
 * {@code error_description}, {@code Cache-Control: no-store}).
 */
abstract class TokenApiTestBase extends CaravanTestBase {
    static TestBackend backend;

    protected Fixtures.World world;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @BeforeEach
    void createWorld() {
        world = fixtures.world(backend.baseUrl());
    }

    protected String worldBasic() {
        return Http.basic(world.consumerKey(), world.consumerSecret());
    }

    protected Http.Response token(String authorization, Map<String, String> params) {
        return Http.postForm(traffic("/oauth2/token"), authorization, params);
    }

    /** A token request with the world's client authenticated by HTTP Basic. */
    protected Http.Response token(Map<String, String> params) {
        return token(worldBasic(), params);
    }

    protected Http.Response rawToken(String authorization, String contentType, String body) {
        return Http.postRaw(traffic("/oauth2/token"), authorization, contentType, body);
    }

    protected Http.Response passwordLogin(String username, String password) {
        return token(Http.params("grant_type", "password", "username", username, "password", password));
    }

    protected Http.Response refresh(String authorization, String refreshToken) {
        return token(authorization, Http.params("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    protected Http.Response revoke(String authorization, Map<String, String> params) {
        return Http.postForm(traffic("/oauth2/revoke"), authorization, params);
    }

    protected Http.Response introspect(String authorization, String token) {
        return Http.postForm(traffic("/oauth2/introspect"), authorization, Http.params("token", token));
    }

    /** Introspection by the world's own client; asserts a well-formed 200 answer. */
    protected JsonNode introspect(String token) {
        Http.Response response = introspect(worldBasic(), token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        return response.json();
    }

    /** An API call through the gateway with a bearer token. */
    protected Http.Response callApi(String accessToken) {
        return Http.get(traffic(world.apiPath() + "/resource"), "Authorization", "Bearer " + accessToken);
    }

    protected void assertApiAccepts(String accessToken) {
        Http.Response response = callApi(accessToken);
        assertThat(response.status()).as("API call with a valid token: %s", response.body()).isEqualTo(200);
    }

    /** RFC 6750 §3: a revoked or otherwise invalid token is 401 invalid_token with a Bearer challenge. */
    protected void assertApiRefusesAsInvalidToken(String accessToken) {
        Http.Response response = callApi(accessToken);
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_token");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer ").contains("error=\"invalid_token\"");
    }

    /** The RFC 6749 §5.2 shape: status, JSON error and a description, never cached. */
    static JsonNode assertOAuthError(Http.Response response, int status, String error) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.header("Cache-Control")).as("Cache-Control").isEqualTo("no-store");
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).as("error of %s", response.body()).isEqualTo(error);
        assertThat(body.path("error_description").asText()).as("error_description").isNotBlank();
        return body;
    }

    /** 401 invalid_client with an HTTP Basic challenge (RFC 6749 §5.2). */
    static void assertInvalidClient(Http.Response response) {
        assertOAuthError(response, 401, "invalid_client");
        assertThat(response.header("WWW-Authenticate")).as("WWW-Authenticate").startsWith("Basic ");
    }

    /** A successful token answer: 200, JSON, no-store; returns the body. */
    static JsonNode assertTokenIssued(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.path("access_token").asText()).isNotBlank();
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        return body;
    }

    static SignedJWT jwt(String accessToken) {
        try {
            return SignedJWT.parse(accessToken);
        } catch (ParseException e) {
            throw new AssertionError("not a JWS: " + accessToken, e);
        }
    }
}
