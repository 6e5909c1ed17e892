package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.time.Duration;
import java.util.Set;
import dev.caravan.testsupport.Poll;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-API policies over real ports: the X-Authorization pattern (default, swap mediator and
 * dual-token), the caller allow-list, CORS, body limit, backend timeout and the backend JWT
 * switches. Each refusal is checked on the backend too: it must have seen nothing.
 */
class ApiPolicyEndToEndTest extends PolicyTestBase {
    @Autowired
    private CamelContext camel;

    private static final Duration NOTHING = Duration.ofMillis(300);

    // ---- X-Authorization ----

    @Test
    void xAuthorizationByDefaultReachesTheBackendUntouchedAndTheApplicationTokenNever() {
        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Authorization", "Bearer backend-user-token");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.header("X-Authorization")).isEqualTo("Bearer backend-user-token");
        assertThat(received.header("Authorization")).isNull();
    }

    @Test
    void xAuthorizationRepeatedIsRefusedBeforeTheBackend() {
        Http.Response response = Http.raw(trafficPort(), "GET", world.apiPath() + "/items",
                "Authorization", "Bearer " + userToken, "X-Authorization", "Bearer one", "X-Authorization", "Bearer two");

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    @Test
    void swapMediatorGivesTheBackendTheUserTokenAsAuthorizationAndNoXAuthorization() {
        policy("{'mediation': {'request': ['swap-authorization-headers']}}");

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Authorization", "Bearer backend-user-token");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.header("Authorization")).isEqualTo("Bearer backend-user-token");
        assertThat(received.headers()).doesNotContainKey("X-Authorization");
        assertThat(received.header("X-JWT-Assertion")).isNotBlank();
    }

    @Test
    void swapMediatorPassesALongUserTokenByteForByte() {
        policy("{'mediation': {'request': ['swap-authorization-headers']}}");
        // a real access token is several hundred characters: long values take the byte path to the backend
        String longToken = "Bearer " + userToken + "." + "x".repeat(2000);

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Authorization", longToken);

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.take().header("Authorization")).isEqualTo(longToken);
    }

    @Test
    void swapMediatorWithoutXAuthorizationIsA401AndTheBackendSeesNothing() {
        policy("{'mediation': {'request': ['swap-authorization-headers']}}");

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.json().path("error_description").asText()).contains("X-Authorization");
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    @Test
    void swapMediatorStillStripsSmuggledHeaders() {
        policy("{'mediation': {'request': ['swap-authorization-headers']}}");

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Authorization", "Bearer backend-user-token", "X-JWT-Assertion", "forged", "CAMELHTTPURI",
                "http://127.0.0.2/", "camelHttpPath", "/evil", "caravanApiRuntime", "x");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.path()).isEqualTo("/svc/items");
        assertThat(received.header("X-JWT-Assertion")).isNotEqualTo("forged");
        assertThat(received.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("camel")
                || name.toLowerCase().startsWith("caravan"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer a\rX-Injected: 1", "Bearer a\u0000b", "Bearer a\r\n X-Injected: 1"})
    void controlCharactersInXAuthorizationNeverReachTheBackend(String value) {
        policy("{'mediation': {'request': ['swap-authorization-headers']}}");

        Http.Response response = Http.raw(trafficPort(), "GET", world.apiPath() + "/items",
                "Authorization", "Bearer " + userToken, "X-Authorization", value);

        if (response.status() == 200) {
            TestBackend.Received received = backend.take();
            assertThat(received.headers()).doesNotContainKey("X-Injected");
            assertThat(received.header("Authorization")).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000");
        } else {
            assertThat(response.status()).isEqualTo(400);
            assertThat(backend.receivedNothing(NOTHING)).isTrue();
        }
    }

    @Test
    void dualTokenPutsTheUserOfXAuthorizationIntoTheBackendJwt() throws Exception {
        policy("{'dualToken': true}");
        String appToken = clientCredentials(world).path("access_token").asText();

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + appToken,
                "X-Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(received.header("X-JWT-Assertion"));
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduser")).isEqualTo(world.endUserName());
        assertThat(claims.getSubject()).isEqualTo(world.endUserName());
        assertThat(received.headers()).doesNotContainKey("X-Authorization");
        assertThat(received.header("Authorization")).isNull();
    }

    @Test
    void dualTokenRefusesAMissingForeignOrNonUserToken() {
        policy("{'dualToken': true}");
        String appToken = clientCredentials(world).path("access_token").asText();
        Fixtures.World other = fixtures.world(backend.baseUrl());
        String otherAppsUserToken = passwordGrant(other).path("access_token").asText();

        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + appToken).status()).isEqualTo(401);
        for (String value : new String[] {"Bearer " + appToken, "Bearer " + otherAppsUserToken, "Bearer not.a.jwt",
                "Basic dXNlcjpwYXNz"}) {
            Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + appToken,
                    "X-Authorization", value);
            assertThat(response.status()).as(value).isEqualTo(401);
            assertThat(response.json().path("error").asText()).isEqualTo("invalid_token");
        }
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    // ---- callers ----

    @Test
    void callerOutsideTheAllowListGets403AndTheBackendSeesNothing() {
        policy("{'allowedCallers': ['10.0.0.0/8', '2001:db8::/32']}");

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "10.1.2.3");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().path("error").asText()).isEqualTo("caller_not_allowed");
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    @Test
    void callerInsideTheAllowListIsServed() {
        policy("{'allowedCallers': ['10.0.0.0/8', '127.0.0.0/8']}");

        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(200);
        assertThat(backend.take().path()).isEqualTo("/svc/items");
    }

    // ---- methods ----

    @Test
    void aMethodTheApiDoesNotListIs405WithItsMethodsAndTheBackendSeesNothing() {
        policy("{'methods': ['GET', 'HEAD']}");

        for (String method : new String[] {"POST", "DELETE", "PATCH", "PUT"}) {
            Http.Response response = call(method, "/items", "{}", "Authorization", "Bearer " + userToken,
                    "Content-Type", "application/json");

            assertThat(response.status()).as(method).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(response.json().path("error").asText()).isEqualTo("method_not_allowed");
        }
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(200);
        assertThat(backend.take().method()).isEqualTo("GET");
    }

    @Test
    void aMethodIsRefusedBeforeAuthenticationAndAPreflightOfACorsApiIsStillAnswered() {
        policy("{'methods': ['POST'], 'cors': {'allowOrigins': ['https://app.example.com'], 'allowMethods': ['POST']}}");

        Http.Response anonymous = call("GET", "/items", null);
        Http.Response preflight = call("OPTIONS", "/items", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST");

        assertThat(anonymous.status()).isEqualTo(405);
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    @Test
    void theMethodListIsCheckedWhenSaved() {
        assertRefused(putPolicy("{'methods': ['get']}"), "policy.methods[0]");
        assertRefused(putPolicy("{'methods': ['TRACE']}"), "policy.methods[0]");
        assertRefused(putPolicy("{'methods': ['GET', 'GET']}"), "policy.methods[1]");
        assertRefused(putPolicy("{'methods': []}"), "policy.methods");
        Http.Response saved = putPolicy("{'methods': ['POST', 'GET']}");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.json().path("policy").path("methods").toString()).isEqualTo("[\"GET\",\"POST\"]");
    }

    // ---- CORS ----

    @Test
    void corsPreflightFromAnAllowedOriginIsAnsweredWithoutATokenAndNeverForwarded() {
        policy("{'cors': {'allowOrigins': ['https://app.example.com'], 'allowMethods': ['GET', 'POST'],"
                + " 'allowHeaders': ['Authorization', 'Content-Type'], 'maxAge': '10m'}}");

        Http.Response response = call("OPTIONS", "/items", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(response.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
        assertThat(response.header("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(response.header("Vary")).isEqualTo("Origin");
        assertThat(backend.receivedNothing(NOTHING)).isTrue();
    }

    @Test
    void corsPreflightFromAnotherOriginOrForAnotherMethodIs403() {
        policy("{'cors': {'allowOrigins': ['https://app.example.com'], 'allowMethods': ['GET']}}");

        assertThat(call("OPTIONS", "/items", null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "GET").status()).isEqualTo(403);
        assertThat(call("OPTIONS", "/items", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "DELETE").status()).isEqualTo(403);
        assertThat(call("OPTIONS", "/items", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Secret").status()).isEqualTo(403);
    }

    @Test
    void corsHeadersOnAnswersAndErrorsForAllowedOriginsOnly() {
        policy("{'cors': {'allowOrigins': ['https://app.example.com'], 'exposeHeaders': ['X-Trace']}}");

        Http.Response ok = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "Origin", "https://app.example.com");
        Http.Response refused = call("GET", "/items", null, "Origin", "https://app.example.com");
        Http.Response foreign = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "Origin", "https://evil.example");

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(ok.header("Access-Control-Expose-Headers")).isEqualTo("X-Trace");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
    }

    // ---- limits ----

    @Test
    void bodyOverTheApisLimitIs413AndNeverForwarded() {
        policy("{'maxRequestBodySize': 16}");

        Http.Response tooLarge = call("POST", "/items", "x".repeat(17), "Authorization", "Bearer " + userToken,
                "Content-Type", "text/plain");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(backend.receivedNothing(NOTHING)).isTrue();

        Http.Response fits = call("POST", "/items", "x".repeat(16), "Authorization", "Bearer " + userToken,
                "Content-Type", "text/plain");
        assertThat(fits.status()).isEqualTo(200);
        assertThat(backend.take().bodyText()).isEqualTo("x".repeat(16));
    }

    @Test
    void backendSlowerThanTheApisTimeoutIs504() {
        policy("{'backendTimeout': '300ms'}");
        backend.delay(Duration.ofSeconds(2));

        long started = System.nanoTime();
        Http.Response response = call("GET", "/slow", null, "Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1900));
    }

    // ---- backend JWT ----

    @Test
    void backendJwtOffForOneApiSendsNoneAndStillDropsAForgedOne() {
        policy("{'backendJwt': {'enabled': false}}");

        call("GET", "/items", null, "Authorization", "Bearer " + userToken, "X-JWT-Assertion", "forged");

        assertThat(backend.take().headers()).doesNotContainKey("X-JWT-Assertion");
    }

    @Test
    void backendJwtClaimSetLimitsTheDialectClaims() throws Exception {
        policy("{'backendJwt': {'claims': ['enduser', 'apicontext']}}");

        call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(backend.take().header("X-JWT-Assertion"));
        Set<String> dialect = claims.getClaims().keySet().stream()
                .filter(name -> name.startsWith(BackendJwtVerifier.DIALECT)).collect(java.util.stream.Collectors.toSet());
        assertThat(dialect).containsExactlyInAnyOrder(BackendJwtVerifier.DIALECT + "enduser",
                BackendJwtVerifier.DIALECT + "apicontext");
        assertThat(claims.getSubject()).isEqualTo(world.endUserName());
    }

    @Test
    void aPolicyChangeTakesEffectOnTheNextCall() {
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(200);
        backend.take();
        policy("{'allowedCallers': ['10.0.0.0/8']}");
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(403);
        policy("{}");
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(200);
    }

    @Test
    void deletingAnApiRemovesItsMediationRoutes() {
        policy("{'mediation': {'request': ['swap-authorization-headers']}, 'backendTimeout': '500ms'}");
        call("GET", "/items", null, "Authorization", "Bearer " + userToken, "X-Authorization", "Bearer u");
        String prefix = "mediation-" + world.api().id() + "-";
        assertThat(camel.getRoutes()).anyMatch(route -> route.getRouteId().startsWith(prefix));

        Http.Response deleted = Http.request("DELETE", management("/api/v1/organizations/" + world.organization().name()
                + "/apis/" + world.api().id()), null, "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD));
        assertThat(deleted.status()).isEqualTo(204);

        Poll.until(Duration.ofSeconds(15), () -> camel.getRoutes().stream()
                .noneMatch(route -> route.getRouteId().startsWith(prefix)), Boolean::booleanValue);
    }

    // ---- admin API ----

    @Test
    void adminApiShowsThePolicyAndRefusesWhatCannotRun() {
        Http.Response saved = putPolicy("{'mediation': {'request': ['swap-authorization-headers']}, 'dualToken': true}");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.json().path("policy").path("mediation").path("request").get(0).path("mediator").asText())
                .isEqualTo("swap-authorization-headers");
        assertThat(saved.json().path("policy").path("dualToken").asBoolean()).isTrue();

        assertRefused(putPolicy("{'mediation': {'request': ['no-such-mediator']}}"), "policy.mediation.request[0]");
        assertRefused(putPolicy("{'mediation': {'request': [{'mediator': 'swap-authorization-headers',"
                + " 'parameters': {'unknown': 'x'}}]}}"), "policy.mediation.request[0].parameters.unknown");
        assertRefused(putPolicy("{'backendSecurity': 'not-configured'}"), "policy.backendSecurity");
        assertRefused(putPolicy("{'queue': {'mode': 'fire-and-forget'}}"), "policy.queue");
        assertRefused(putPolicy("{'allowedCallers': ['intranet.example']}"), "policy.allowedCallers[0]");
        assertRefused(putApi("queue:caravan.audit.events", "{}"), "backendUrl");
    }

    private static void assertRefused(Http.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("field").asText()).isEqualTo(field);
    }
}
