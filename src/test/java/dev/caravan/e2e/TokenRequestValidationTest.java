package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint parses its own form strictly and answers malformed requests with 400
 * {@code invalid_request} (never a 500), wrong grant types per RFC 6749 §5.2, and anything but
 * POST with 405.
 */
class TokenRequestValidationTest extends TokenApiTestBase {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int MAX_FORM_BYTES = 8192;

    /** A client_credentials form padded with an ignored parameter to exactly {@code size} bytes. */
    private static String paddedForm(int size) {
        String head = "grant_type=client_credentials&pad=";
        return head + "a".repeat(size - head.length());
    }

    @Test
    void tokenRequestWhenGrantTypeMissingThenInvalidRequest() {
        assertOAuthError(token(Http.params("scope", "default")), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenBodyEmptyThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM, ""), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenGrantTypeUnknownThenUnsupportedGrantType() {
        assertOAuthError(token(Http.params("grant_type", "authorization_code", "code", "x")),
                400, "unsupported_grant_type");
        assertOAuthError(token(Http.params("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")),
                400, "unsupported_grant_type");
    }

    @Test
    void tokenRequestWhenGrantNotAllowedForClientThenUnauthorizedClient() {
        Fixtures.Client machine = fixtures.client(world, Set.of("client_credentials"));
        String basic = Http.basic(machine.consumerKey(), machine.consumerSecret());

        assertOAuthError(token(basic, Http.params("grant_type", "password", "username", world.endUserName(),
                "password", Fixtures.END_USER_PASSWORD)), 400, "unauthorized_client");
        assertOAuthError(token(basic, Http.params("grant_type", "refresh_token", "refresh_token", "x")),
                400, "unauthorized_client");
        assertTokenIssued(token(basic, Http.params("grant_type", "client_credentials")));
    }

    @Test
    void tokenRequestWhenParameterRepeatedThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&grant_type=client_credentials"),
                400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=a&scope=b"),
                400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=&scope=b"),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenContentTypeJsonThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), "application/json", "{\"grant_type\":\"client_credentials\"}"),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenContentTypeMissingThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), null, "grant_type=client_credentials"), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenContentTypeOnlyStartsLikeFormThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM + "-json", "grant_type=client_credentials"),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenContentTypeHasCharsetThenAccepted() {
        assertTokenIssued(rawToken(worldBasic(), FORM + "; charset=UTF-8", "grant_type=client_credentials"));
    }

    @Test
    void tokenRequestWhenPercentEscapeMalformedThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=%zz"),
                400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=a%2"),
                400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=a%"),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenPercentEscapeIsNotUtf8ThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=client_credentials&scope=%FF"),
                400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), FORM, "grant_type=password&username="
                + world.endUserName() + "&password=%C3%28"), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenBodyIsNotUtf8ThenInvalidRequest() {
        byte[] body = "grant_type=client_credentials&scope=\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(traffic("/oauth2/token")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", FORM)
                .header("Authorization", worldBasic())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        assertOAuthError(Http.send(request), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenBodyExactly8KiBThenAccepted() {
        assertTokenIssued(rawToken(worldBasic(), FORM, paddedForm(MAX_FORM_BYTES)));
    }

    @Test
    void tokenRequestWhenBodyLargerThan8KiBThenInvalidRequest() {
        assertOAuthError(rawToken(worldBasic(), FORM, paddedForm(MAX_FORM_BYTES + 1)), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenChunkedBodyLargerThan8KiBThenInvalidRequest() {
        byte[] body = paddedForm(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        HttpRequest request = HttpRequest.newBuilder(URI.create(traffic("/oauth2/token")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", FORM)
                .header("Authorization", worldBasic())
                // an InputStream publisher has no known length: the body is sent chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        assertOAuthError(Http.send(request), 400, "invalid_request");
    }

    @Test
    void tokenEndpointWhenGetThen405AllowPost() {
        Http.Response response = Http.get(traffic("/oauth2/token?grant_type=client_credentials"),
                "Authorization", worldBasic());
        assertOAuthError(response, 405, "invalid_request");
        assertThat(response.header("Allow")).isEqualTo("POST");
    }

    @Test
    void tokenEndpointWhenPutThen405AllowPost() {
        Http.Response response = Http.request("PUT", traffic("/oauth2/token"), "grant_type=client_credentials",
                "Content-Type", FORM, "Authorization", worldBasic());
        assertOAuthError(response, 405, "invalid_request");
        assertThat(response.header("Allow")).isEqualTo("POST");
    }

    @Test
    void tokenRequestWhenScopeHasInvalidCharactersThenInvalidScope() {
        for (String scope : new String[] {"read \"write\"", "read\\write", "caf\u00e9", "read\twrite"}) {
            assertOAuthError(token(Http.params("grant_type", "client_credentials", "scope", scope)),
                    400, "invalid_scope");
        }
    }

    @Test
    void tokenRequestWhenScopeOnlySpacesThenInvalidScope() {
        assertOAuthError(token(Http.params("grant_type", "client_credentials", "scope", "   ")),
                400, "invalid_scope");
    }

    @Test
    void tokenRequestWhenScopeRequestedThenGrantedNormalised() {
        assertThat(assertTokenIssued(token(Http.params("grant_type", "client_credentials",
                "scope", " read  write read "))).path("scope").asText()).isEqualTo("read write");
    }

    @Test
    void tokenAliasWhenPasswordGrantThenWorksLikeOauth2Token() {
        Http.Response response = Http.postForm(traffic("/token"), worldBasic(), Http.params("grant_type",
                "password", "username", world.endUserName(), "password", Fixtures.END_USER_PASSWORD));
        assertThat(assertTokenIssued(response).path("refresh_token").asText()).isNotBlank();
        assertApiAccepts(response.json().path("access_token").asText());
    }

    @Test
    void tokenAliasWhenRequestInvalidThenAnswersLikeOauth2Token() {
        Http.Response alias = Http.postForm(traffic("/token"), worldBasic(), Http.params("scope", "x"));
        Http.Response canonical = Http.postForm(traffic("/oauth2/token"), worldBasic(), Http.params("scope", "x"));
        assertOAuthError(alias, 400, "invalid_request");
        assertThat(alias.body()).isEqualTo(canonical.body());
        assertInvalidClient(Http.postForm(traffic("/token"), null, Http.params("grant_type", "client_credentials")));
        Http.Response get = Http.get(traffic("/token"));
        assertOAuthError(get, 405, "invalid_request");
        assertThat(get.header("Allow")).isEqualTo("POST");
    }

    @Test
    void tokenRequestWhenUntrustedCamelHeadersSentThenIgnored() {
        Http.Response response = Http.request("POST", traffic("/oauth2/token"), "grant_type=client_credentials",
                "Content-Type", FORM, "Authorization", worldBasic(),
                "CamelHttpResponseCode", "299", "CAmelHttpUri", "http://127.0.0.1:1/", "caravanClient", "x");
        assertTokenIssued(response);
    }
}
