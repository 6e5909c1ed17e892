package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.SubscriptionRepository;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A successful API call over real ports: what the backend receives (path, query, method, body
 * byte for byte, the gateway's backend JWT, no application token) and what the caller gets
 * back (the backend's status, headers and body, without hop-by-hop headers).
 */
class ApiCallForwardingTest extends CaravanTestBase {
    @Autowired
    private SubscriptionRepository subscriptions;

    private TestBackend backend;
    private Fixtures.World world;
    private String token;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        world = fixtures.world(backend.baseUrl() + "/svc/v1");
        token = passwordGrant(world).path("access_token").asText();
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private String api(String rest) {
        return traffic(world.apiPath() + rest);
    }

    private String bearer() {
        return "Bearer " + token;
    }

    @Test
    void apiCallReachesTheBackendAtItsBasePathWithMethodAndRawQuery() {
        Http.Response response = Http.get(api("/items/42?q=a%20b&x=1&x=2&plus=a+b"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/svc/v1/items/42");
        assertThat(received.query()).isEqualTo("q=a%20b&x=1&x=2&plus=a+b");
        assertThat(received.body()).isEmpty();
    }

    @Test
    void apiCallToTheApiRootReachesTheBackendBasePath() {
        assertThat(Http.get(api(""), "Authorization", bearer()).status()).isEqualTo(200);

        TestBackend.Received received = backend.take();
        assertThat(received.path()).isEqualTo("/svc/v1");
        assertThat(received.query()).isNull();
    }

    @Test
    void postJsonBodyPassesThroughByteForByte() {
        String json = "{ \"name\" : \"Colombo\",\n  \"tags\":[\"é\",\"☃\"], \"n\": 1.50 }";

        Http.Response response = Http.request("POST", api("/places"), json, "Authorization", bearer(),
                "Content-Type", "application/json; charset=utf-8");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.body()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(received.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }

    @Test
    void postFormBodyPassesThroughUnparsed() {
        String form = "a=1&a=2&b=%26x%3D&CamelHttpMethod=DELETE&CamelHttpUri=http%3A%2F%2F127.0.0.2%2F&empty=&=odd";

        Http.Response response = Http.request("POST", api("/form"), form, "Authorization", bearer(),
                "Content-Type", "application/x-www-form-urlencoded");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/svc/v1/form");
        assertThat(received.bodyText()).isEqualTo(form);
        assertThat(received.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(received.query()).isNull();
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void binaryBodyPassesThroughByteForByte() {
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(api("/blobs/1")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", bearer())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(binary))
                .build();

        assertThat(Http.send(request).status()).isEqualTo(200);

        TestBackend.Received received = backend.take();
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.body()).isEqualTo(binary);
    }

    @Test
    void patchAndDeleteKeepTheirMethods() {
        assertThat(Http.request("PATCH", api("/items/1"), "{\"n\":2}", "Authorization", bearer(),
                "Content-Type", "application/json").status()).isEqualTo(200);
        assertThat(Http.request("DELETE", api("/items/1"), null, "Authorization", bearer()).status()).isEqualTo(200);

        TestBackend.Received patch = backend.take();
        assertThat(patch.method()).isEqualTo("PATCH");
        assertThat(patch.bodyText()).isEqualTo("{\"n\":2}");
        TestBackend.Received delete = backend.take();
        assertThat(delete.method()).isEqualTo("DELETE");
        assertThat(delete.body()).isEmpty();
    }

    @Test
    void backendReceivesAVerifiableJwtForTheEndUserAndNoApplicationToken() {
        Http.Response response = Http.get(api("/items"), "Authorization", bearer(), "Accept", "application/json",
                "X-Request-ID", "req-7", "X-Forwarded-For", "10.9.9.9", "Cookie", "session=abc");
        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();

        assertThat(received.header("Authorization")).isNull();
        assertThat(received.header("Accept")).isEqualTo("application/json");
        assertThat(received.header("X-Request-ID")).isEqualTo("req-7");
        assertThat(received.header("X-Forwarded-For")).as("not on the allow-list").isNull();
        assertThat(received.header("Cookie")).as("not on the allow-list").isNull();
        assertThat(received.headers().get("X-JWT-Assertion")).hasSize(1);

        String assertion = received.header("X-JWT-Assertion");
        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(assertion);
        String org = world.organization().name();
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduser")).isEqualTo(world.endUserName());
        assertThat(claims.getSubject()).isEqualTo(world.endUserName());
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "subscriber"))
                .isEqualTo(world.subscriber().username() + "@" + org);
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "applicationname"))
                .isEqualTo(world.application().name());
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "applicationid")).isEqualTo(world.application().id());
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "apicontext")).isEqualTo(world.api().context());
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "version")).isEqualTo(world.api().version());
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "tier")).isEqualTo("Silver");
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduserTenantId")).isEqualTo(org);
        assertThat(claims.getAudience()).containsExactly(world.apiPath());
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:8280");
        assertThat(claims.getJWTID()).isNotBlank();
        long now = Instant.now().getEpochSecond();
        assertThat(claims.getExpirationTime()).as("exp is required").isNotNull();
        assertThat(claims.getExpirationTime().toInstant().getEpochSecond()).as("exp in seconds, at most 15 min ahead")
                .isBetween(now, now + 15 * 60 + 5);
    }

    @Test
    void backendJwtHeaderIsRs256WithAPublishedKid() throws Exception {
        Http.get(api("/items"), "Authorization", bearer());

        JWSObject jws = JWSObject.parse(backend.take().header("X-JWT-Assertion"));

        assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(new BackendJwtVerifier(traffic("/oauth2/jwks")).keys().getKeyByKeyId(jws.getHeader().getKeyID()))
                .isNotNull();
    }

    @Test
    void backendJwtForAnApplicationTokenNamesTheApplicationOwnerAsEndUser() {
        String appToken = clientCredentials(world).path("access_token").asText();

        assertThat(Http.get(api("/items"), "Authorization", "Bearer " + appToken).status()).isEqualTo(200);

        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks"))
                .verify(backend.take().header("X-JWT-Assertion"));
        String owner = world.subscriber().username() + "@" + world.organization().name();
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduser")).isEqualTo(owner);
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "subscriber")).isEqualTo(owner);
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "applicationname"))
                .isEqualTo(world.application().name());
    }

    @Test
    void twoCallsWithOneTokenCarryTheSameBackendJwtAndAnotherTokenGetsAnother() {
        Http.get(api("/a"), "Authorization", bearer());
        Http.get(api("/b"), "Authorization", bearer());
        String first = backend.take().header("X-JWT-Assertion");
        String second = backend.take().header("X-JWT-Assertion");

        String otherToken = passwordGrant(world).path("access_token").asText();
        Http.get(api("/c"), "Authorization", "Bearer " + otherToken);
        String third = backend.take().header("X-JWT-Assertion");

        assertThat(first).isNotBlank();
        assertThat(second).as("signed once per token and API, then cached").isEqualTo(first);
        assertThat(third).isNotEqualTo(first);
        BackendJwtVerifier verifier = new BackendJwtVerifier(traffic("/oauth2/jwks"));
        assertThat(verifier.verify(third).getJWTID()).isNotEqualTo(verifier.verify(first).getJWTID());
    }

    @Test
    void oneTokenOnTwoApisGetsABackendJwtPerApi() {
        ApiDefinition other = fixtures.unsubscribedApi(world.organization(), backend.baseUrl() + "/other");
        subscriptions.create(world.application().id(), other.id(), "Gold");

        Http.get(api("/a"), "Authorization", bearer());
        Http.get(traffic(other.context() + "/" + other.version() + "/a"), "Authorization", bearer());

        BackendJwtVerifier verifier = new BackendJwtVerifier(traffic("/oauth2/jwks"));
        TestBackend.Received first = backend.take();
        TestBackend.Received second = backend.take();
        assertThat(second.path()).isEqualTo("/other/a");
        assertThat(verifier.verify(first.header("X-JWT-Assertion")).getAudience()).containsExactly(world.apiPath());
        JWTClaimsSet otherClaims = verifier.verify(second.header("X-JWT-Assertion"));
        assertThat(otherClaims.getAudience()).containsExactly(other.context() + "/" + other.version());
        assertThat(otherClaims.getClaim(BackendJwtVerifier.DIALECT + "tier")).isEqualTo("Gold");
    }

    @Test
    void backendStatusHeadersAndBodyAreRelayed() {
        backend.respond(201, "{\"id\":\"n-1\"}").withResponseHeaders(Map.of("Location", "/svc/v1/items/n-1",
                "ETag", "\"v1\"", "X-Backend-Trace", "t-9"));

        Http.Response response = Http.request("POST", api("/items"), "{}", "Authorization", bearer(),
                "Content-Type", "application/json");

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"id\":\"n-1\"}");
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.header("Location")).isEqualTo("/svc/v1/items/n-1");
        assertThat(response.header("ETag")).isEqualTo("\"v1\"");
        assertThat(response.header("X-Backend-Trace")).isEqualTo("t-9");
    }

    @Test
    void backendNotFoundIsRelayedAsItIs() {
        backend.respond(404, "{\"backend\":\"no such item\"}");

        Http.Response response = Http.get(api("/items/missing"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"backend\":\"no such item\"}");
        assertThat(backend.take().path()).isEqualTo("/svc/v1/items/missing");
    }

    @Test
    void backendServerErrorIsRelayedAsItIs() {
        backend.respond(500, "{\"backend\":\"exploded\"}");

        Http.Response response = Http.get(api("/items"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"backend\":\"exploded\"}");
    }

    @Test
    void hopByHopAndInternalResponseHeadersAreNotRelayed() {
        backend.withResponseHeaders(Map.of("Keep-Alive", "timeout=99, max=7", "Proxy-Authenticate", "Basic realm=x",
                "Server", "secret-backend/1.0", "CamelHttpResponseCode", "299", "X-Kept", "yes"));

        Http.Response response = Http.get(api("/items"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Kept")).isEqualTo("yes");
        assertThat(response.header("Keep-Alive")).isNull();
        assertThat(response.header("Proxy-Authenticate")).isNull();
        assertThat(response.header("Server")).isNull();
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("camel"));
    }

    @Test
    void aRepeatedResponseHeaderIsRelayedWithEveryValueInOrder() {
        backend.withRepeatedResponseHeader("Set-Cookie", "a=1; HttpOnly", "b=2; Secure", "c=3")
                .withResponseHeaders(Map.of("X-Kept", "yes"));

        Http.Response response = Http.get(api("/items"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("a=1; HttpOnly", "b=2; Secure", "c=3");
        assertThat(response.headers().allValues("X-Kept")).containsExactly("yes");
    }

    @Test
    void headersTheBackendNamesInItsConnectionHeaderAreNotRelayed() {
        backend.withResponseHeaders(Map.of("Connection", "X-Backend-Session, keep-alive",
                "X-Backend-Session", "internal-session-id", "X-Kept", "yes"));

        Http.Response response = Http.get(api("/items"), "Authorization", bearer());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Kept")).isEqualTo("yes");
        assertThat(response.header("X-Backend-Session")).isNull();
    }
}
