package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Camel header smuggling (CVE-2025-27636 / 29891): request headers and query parameters named
 * like Camel's own headers, in any case, must not steer the backend call, and a client's
 * {@code X-JWT-Assertion} must never reach the backend. A decoy backend stands where the
 * smuggled {@code CamelHttpUri} points: it must receive nothing.
 */
class HeaderSmugglingTest extends CaravanTestBase {
    private TestBackend backend;
    private TestBackend decoy;
    private Fixtures.World world;
    private String token;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        decoy = new TestBackend();
        world = fixtures.world(backend.baseUrl() + "/svc");
        token = passwordGrant(world).path("access_token").asText();
    }

    @AfterEach
    void closeBackends() {
        backend.close();
        decoy.close();
    }

    private String[] smugglingHeaders() {
        return new String[] {
            "Authorization", "Bearer " + token,
            "CAmelHttpUri", decoy.baseUrl() + "/evil",
            "CamelHttpUri", "http://127.0.0.2/",
            "camelhttppath", "/evil",
            "CamelHttpQuery", "evil=1",
            "CamelHttpRawQuery", "evil=2",
            "CamelHttpMethod", "DELETE",
            "CAMELHTTPURL", decoy.baseUrl() + "/evil",
            "CamelHttpResponseCode", "299",
            "org.apache.camel.x", "y",
            "caravanBackendUri", decoy.baseUrl(),
            "X-JWT-Assertion", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
        };
    }

    private static String smugglingQuery(String decoyUrl) {
        String target = URLEncoder.encode(decoyUrl + "/evil", StandardCharsets.UTF_8);
        return "CamelHttpUri=" + target + "&CAmelHttpUri=" + target + "&camelhttppath=%2Fevil"
                + "&CamelHttpMethod=DELETE&CamelHttpQuery=evil%3D1&caravanBackendUri=" + target + "&q=1";
    }

    private void assertExactlyOneHonestRequest(String method, String path, String query) {
        TestBackend.Received received = backend.take();
        assertThat(received.method()).isEqualTo(method);
        assertThat(received.path()).isEqualTo(path);
        assertThat(received.query()).isEqualTo(query);
        List<String> internal = new ArrayList<>();
        received.headers().keySet().forEach(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("camel") || lower.startsWith("org.apache.camel") || lower.startsWith("caravan")) {
                internal.add(name);
            }
        });
        assertThat(internal).as("internal header names reaching the backend").isEmpty();
        assertThat(received.headers().get("X-JWT-Assertion")).as("exactly one assertion").hasSize(1);
        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(received.header("X-JWT-Assertion"));
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduser")).isEqualTo(world.endUserName());
        assertThat(backend.receivedNothing(Duration.ofMillis(300))).as("exactly one request").isTrue();
        assertThat(decoy.receivedNothing(Duration.ofMillis(100))).as("the smuggled URI was not called").isTrue();
    }

    @Test
    void camelHeadersInAnyCaseDoNotSteerAGet() {
        Http.Response response = Http.get(traffic(world.apiPath() + "/items?q=1"), smugglingHeaders());

        assertThat(response.status()).isEqualTo(200);
        assertExactlyOneHonestRequest("GET", "/svc/items", "q=1");
    }

    @Test
    void camelHeadersInAnyCaseDoNotSteerAPost() {
        Http.Response response = Http.request("POST", traffic(world.apiPath() + "/items"), "{\"a\":1}",
                smugglingHeaders());

        assertThat(response.status()).isEqualTo(200);
        assertExactlyOneHonestRequest("POST", "/svc/items", null);
    }

    @Test
    void camelNamesAsQueryParametersDoNotSteerTheCallAndReachTheBackendOnlyAsItsQuery() {
        String query = smugglingQuery(decoy.baseUrl());

        Http.Response response = Http.get(traffic(world.apiPath() + "/items?" + query),
                "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        assertExactlyOneHonestRequest("GET", "/svc/items", query);
    }

    @Test
    void camelNamesAsHeadersAndQueryTogetherDoNotSteerAPut() {
        String query = smugglingQuery(decoy.baseUrl());

        Http.Response response = Http.request("PUT", traffic(world.apiPath() + "/items/1?" + query), "x",
                smugglingHeaders());

        assertThat(response.status()).isEqualTo(200);
        assertExactlyOneHonestRequest("PUT", "/svc/items/1", query);
    }

    @Test
    void aClientAssertionAloneNeverReachesTheBackend() {
        String forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.";

        Http.get(traffic(world.apiPath() + "/me"), "Authorization", "Bearer " + token, "x-jwt-assertion", forged);

        TestBackend.Received received = backend.take();
        assertThat(received.headers().get("X-JWT-Assertion")).hasSize(1).doesNotContain(forged);
        new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(received.header("X-JWT-Assertion"));
    }

    @Test
    void smuggledHeadersDoNotMakeARefusedCallReachTheBackend() {
        String[] headers = smugglingHeaders();
        headers[1] = "Bearer not-a-token";

        Http.Response response = Http.get(traffic(world.apiPath() + "/items"), headers);

        assertThat(response.status()).isEqualTo(401);
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
        assertThat(decoy.receivedNothing(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void camelHeadersSetByTheClientAreNotEchoedInTheResponse() {
        Http.Response response = Http.get(traffic(world.apiPath() + "/items"), smugglingHeaders());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().map().keySet())
                .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("camel"))
                .noneMatch(name -> name.equalsIgnoreCase("X-JWT-Assertion"));
    }
}
