package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.InvalidTokenException;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.LiveRegistry.ResolvedApi;
import dev.caravan.registry.Subscription;
import dev.caravan.testsupport.ForgedTokens;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.PlainExchange;
import dev.caravan.testsupport.TestBackend;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processors of {@link GatewayMediators}, built by calling its {@code @Bean} methods with
 * real collaborators (registry, keys, token validator, backend JWTs, revocations over an
 * in-memory H2), run on a plain exchange. On a plain exchange the entry step reads the
 * method, path and query from Camel headers (there is no HTTP request); what a client can
 * smuggle through real HTTP is covered by the route and end-to-end tests.
 */
class GatewayMediatorsTest {
    private static final String BACKEND = "http://backend.internal:8081/svc";

    private static MediatorRig rig;
    private static TestBackend jkuHost;
    private final GatewayMediators mediators = new GatewayMediators();

    private MediatorRig.World world;
    private Processor strip;
    private Processor resolve;
    private Processor authenticate;
    private Processor authorize;
    private Processor enrich;
    private Processor prepare;

    @BeforeAll
    static void collaborators() {
        rig = new MediatorRig(Map.of("caravan.traffic.max-body-size", "1024"));
        jkuHost = new TestBackend();
    }

    @AfterAll
    static void closeJkuHost() {
        jkuHost.close();
    }

    @BeforeEach
    void processors() {
        world = rig.world(BACKEND);
        strip = mediators.stripUntrustedHeaders(rig.properties);
        resolve = mediators.resolveApi(rig.registry, rig.runtimes);
        authenticate = mediators.authenticateBearerToken(rig.accessTokens, rig.revocations);
        authorize = mediators.authorizeSubscription(rig.registry);
        enrich = mediators.enrichBackendJwt(rig.backendJwts);
        prepare = mediators.prepareBackendRequest();
    }

    // ---- helpers ----

    private String apiPath(String rest) {
        return world.api().context() + "/" + world.api().version() + rest;
    }

    private static Exchange request(String method, String path, String query, Map<String, Object> headers) {
        Exchange exchange = PlainExchange.create();
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getIn().setHeader(Exchange.HTTP_PATH, path);
        if (query != null) {
            exchange.getIn().setHeader(Exchange.HTTP_QUERY, query);
        }
        headers.forEach(exchange.getIn()::setHeader);
        return exchange;
    }

    private Exchange bearer(String token) {
        return request("GET", apiPath("/items"), null, Map.of("Authorization", "Bearer " + token));
    }

    private static void run(Exchange exchange, Processor... steps) throws Exception {
        for (Processor step : steps) {
            step.process(exchange);
        }
    }

    private static GatewayException refusal(Executable call) {
        try {
            call.execute();
        } catch (GatewayException e) {
            return e;
        } catch (Throwable other) {
            throw new AssertionError("expected a GatewayException, got " + other, other);
        }
        throw new AssertionError("expected the call to be refused");
    }

    private GatewayException authenticationRefusal(String authorization) {
        Exchange exchange = request("GET", apiPath("/items"), null,
                authorization == null ? Map.of() : Map.of("Authorization", authorization));
        return refusal(() -> run(exchange, strip, resolve, authenticate));
    }

    private void assertInvalidToken(String token) {
        GatewayException refused = authenticationRefusal("Bearer " + token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bearerError()).isEqualTo("invalid_token");
    }

    private JwtClaims gatewayShapedClaims() {
        return ForgedTokens.endUserClaims(rig.properties.token().issuer(), rig.properties.token().audience(),
                world.application().consumerKey(), world.organization().name(), world.endUser().username());
    }

    private RsaJsonWebKey gatewayKey() {
        return rig.keys.signingKey();
    }

    // ---- resolve-api ----

    @Test
    void resolveApiWhenPathNamesAKnownApiThenApiAndRemainingPathAreSet() throws Exception {
        Exchange exchange = request("GET", apiPath("/items/7"), null, Map.of());

        run(exchange, strip, resolve);

        ResolvedApi api = exchange.getProperty(GatewayMediators.API, ResolvedApi.class);
        assertThat(api.api().id()).isEqualTo(world.api().id());
        assertThat(api.remainingPath()).isEqualTo("/items/7");
    }

    @Test
    void resolveApiWhenPathIsUnknownThenNotFound() {
        Exchange exchange = request("GET", "/unknown/1.0/items", null, Map.of());

        assertThat(refusal(() -> run(exchange, strip, resolve)).status()).isEqualTo(404);
    }

    @Test
    void resolveApiWhenVersionIsUnknownThenNotFound() {
        Exchange exchange = request("GET", world.api().context() + "/9.9.9/items", null, Map.of());

        assertThat(refusal(() -> run(exchange, strip, resolve)).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/items/../../admin", "/%2e%2e/admin", "/%2E./admin", "/..%2Fadmin", "/..%5cadmin",
        "/..;jsessionid=1/admin", "/./items", "/..", "/x\\..\\..\\admin"})
    void resolveApiWhenPathHasDotSegmentsThenBadRequest(String rest) {
        Exchange exchange = request("GET", apiPath(rest), null, Map.of());

        GatewayException refused = refusal(() -> run(exchange, strip, resolve));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/items/...", "/a..b/c.", "/.hidden", "/%2e%2e%2e"})
    void resolveApiWhenPathMerelyContainsDotsThenResolved(String rest) throws Exception {
        Exchange exchange = request("GET", apiPath(rest), null, Map.of());

        run(exchange, strip, resolve);

        assertThat(exchange.getProperty(GatewayMediators.API, ResolvedApi.class).remainingPath()).isEqualTo(rest);
    }

    // ---- authenticate-bearer-token ----

    @Test
    void authenticateWhenTokenIsValidThenClaimsAreSetAndAuthorizationIsRemoved() throws Exception {
        Exchange exchange = bearer(rig.endUserToken(world));

        run(exchange, strip, resolve, authenticate);

        AccessTokenClaims claims = exchange.getProperty(GatewayMediators.TOKEN, AccessTokenClaims.class);
        assertThat(claims.username()).isEqualTo(world.endUser().username());
        assertThat(claims.organization()).isEqualTo(world.organization().name());
        assertThat(claims.clientId()).isEqualTo(world.application().consumerKey());
        assertThat(exchange.getIn().getHeader("Authorization")).isNull();
    }

    @Test
    void authenticateAcceptsTheSchemeNameInAnyCase() throws Exception {
        Exchange exchange = request("GET", apiPath("/x"), null,
                Map.of("Authorization", "bEaReR " + rig.endUserToken(world)));

        run(exchange, strip, resolve, authenticate);

        assertThat(exchange.getProperty(GatewayMediators.TOKEN)).isNotNull();
    }

    @Test
    void authenticateWhenNoAuthorizationThenBareChallenge() {
        GatewayException refused = authenticationRefusal(null);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bearerError()).isNull();
    }

    @Test
    void authenticateWhenSchemeIsNotBearerThenBareChallenge() {
        GatewayException refused = authenticationRefusal("Basic " + rig.endUserToken(world));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bearerError()).isNull();
    }

    @Test
    void authenticateWhenAuthorizationIsRepeatedThenBadRequest() {
        String token = rig.endUserToken(world);
        Exchange exchange = request("GET", apiPath("/x"), null,
                Map.of("Authorization", List.of("Bearer " + token, "Bearer " + token)));

        GatewayException refused = refusal(() -> run(exchange, strip, resolve, authenticate));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.bearerError()).isEqualTo("invalid_request");
    }

    @Test
    void authenticateWhenTokenIsGarbageThenInvalidToken() {
        assertInvalidToken("not-a-jwt");
        assertInvalidToken("a.b.c");
        assertInvalidToken("");
    }

    @Test
    void authenticateWhenTokenIsForgedWithTheGatewayKeyAndGatewayClaimsThenAccepted() throws Exception {
        // the control for the forgeries below: each differs from this token in one respect only
        String token = ForgedTokens.rs256(gatewayShapedClaims(), gatewayKey().getPrivateKey(), gatewayKey().getKeyId(),
                "at+jwt");
        Exchange exchange = bearer(token);

        run(exchange, strip, resolve, authenticate);

        assertThat(exchange.getProperty(GatewayMediators.TOKEN, AccessTokenClaims.class).username())
                .isEqualTo(world.endUser().username());
    }

    @Test
    void authenticateWhenSignedByAnotherKeyUnderTheGatewayKidThenInvalidToken() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();

        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), foreign.getPrivateKey(), gatewayKey().getKeyId(),
                "at+jwt"));
    }

    @Test
    void authenticateWhenKidIsUnknownThenInvalidToken() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();

        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), foreign.getPrivateKey(), foreign.getKeyId(),
                "at+jwt"));
    }

    @Test
    void authenticateWhenAlgIsNoneThenInvalidToken() {
        assertInvalidToken(ForgedTokens.unsigned(gatewayShapedClaims(), gatewayKey().getKeyId(), "at+jwt"));
        assertInvalidToken(ForgedTokens.unsigned(gatewayShapedClaims(), null, "at+jwt"));
    }

    @Test
    void authenticateWhenHmacSignedWithThePublicKeyThenInvalidToken() {
        byte[] publicKey = gatewayKey().getPublicKey().getEncoded();
        byte[] modulus = ((RSAPublicKey) gatewayKey().getPublicKey()).getModulus().toByteArray();

        assertInvalidToken(ForgedTokens.hs256(gatewayShapedClaims(), publicKey, gatewayKey().getKeyId(), "at+jwt"));
        assertInvalidToken(ForgedTokens.hs256(gatewayShapedClaims(), modulus, gatewayKey().getKeyId(), "at+jwt"));
    }

    @Test
    void authenticateWhenTypIsNotAtJwtThenInvalidToken() {
        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), gatewayKey().getPrivateKey(),
                gatewayKey().getKeyId(), "JWT"));
        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), gatewayKey().getPrivateKey(),
                gatewayKey().getKeyId(), null));
    }

    @Test
    void authenticateWhenIssuerIsWrongThenInvalidToken() {
        JwtClaims claims = ForgedTokens.with(gatewayShapedClaims(), c -> c.setIssuer("https://evil.example"));

        assertInvalidToken(ForgedTokens.rs256(claims, gatewayKey().getPrivateKey(), gatewayKey().getKeyId(), "at+jwt"));
    }

    @Test
    void authenticateWhenAudienceIsWrongThenInvalidToken() {
        JwtClaims claims = ForgedTokens.with(gatewayShapedClaims(), c -> c.setAudience("some-other-service"));

        assertInvalidToken(ForgedTokens.rs256(claims, gatewayKey().getPrivateKey(), gatewayKey().getKeyId(), "at+jwt"));
    }

    @Test
    void authenticateWhenExpiredBeyondTheClockSkewThenInvalidToken() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        JwtClaims claims = ForgedTokens.with(gatewayShapedClaims(), c -> {
            c.setIssuedAt(NumericDate.fromSeconds(past.minusSeconds(600).getEpochSecond()));
            c.setExpirationTime(NumericDate.fromSeconds(past.getEpochSecond()));
        });

        GatewayException refused = authenticationRefusal("Bearer "
                + ForgedTokens.rs256(claims, gatewayKey().getPrivateKey(), gatewayKey().getKeyId(), "at+jwt"));

        assertThat(refused.bearerError()).isEqualTo("invalid_token");
        assertThat(refused.getMessage()).isEqualTo("token expired");
    }

    @Test
    void authenticateWhenExpiryIsMissingThenInvalidToken() {
        JwtClaims claims = ForgedTokens.with(gatewayShapedClaims(), c -> c.unsetClaim("exp"));

        assertInvalidToken(ForgedTokens.rs256(claims, gatewayKey().getPrivateKey(), gatewayKey().getKeyId(), "at+jwt"));
    }

    @Test
    void authenticateWhenKeyIsEmbeddedInTheHeaderThenInvalidToken() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();

        assertInvalidToken(ForgedTokens.sign(gatewayShapedClaims(), foreign.getPrivateKey(), "RS256",
                foreign.getKeyId(), "at+jwt", jws -> jws.setJwkHeader(new RsaJsonWebKey(foreign.getRsaPublicKey()))));
    }

    @Test
    void authenticateWhenJkuPointsAtAnotherKeySetThenInvalidTokenAndNothingIsFetched() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();

        assertInvalidToken(ForgedTokens.sign(gatewayShapedClaims(), foreign.getPrivateKey(), "RS256",
                foreign.getKeyId(), "at+jwt", jws -> {
                    jws.setHeader("jku", jkuHost.baseUrl() + "/jwks.json");
                    jws.setHeader("x5u", jkuHost.baseUrl() + "/cert.pem");
                }));
        assertThat(jkuHost.receivedNothing(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void authenticateWhenTokenIsRevokedThenInvalidToken() throws InvalidTokenException {
        String token = rig.endUserToken(world);
        AccessTokenClaims claims = rig.accessTokens.validate(token);

        rig.revocations.revokeToken(claims.jti(), claims.expiresAt());

        GatewayException refused = authenticationRefusal("Bearer " + token);
        assertThat(refused.bearerError()).isEqualTo("invalid_token");
        assertThat(refused.getMessage()).isEqualTo("token has been revoked");
    }

    // ---- authorize-subscription ----

    @Test
    void authorizeWhenApplicationIsSubscribedThenClientAndSubscriptionAreSet() throws Exception {
        Exchange exchange = bearer(rig.endUserToken(world));

        run(exchange, strip, resolve, authenticate, authorize);

        assertThat(exchange.getProperty(GatewayMediators.CLIENT, ClientApp.class).application().id())
                .isEqualTo(world.application().id());
        assertThat(exchange.getProperty(GatewayMediators.SUBSCRIPTION, Subscription.class).tier()).isEqualTo("Silver");
    }

    @Test
    void authorizeWhenApplicationIsNotSubscribedThenForbidden() {
        var other = rig.apis.create(world.organization().id(), "other", "/other_" + world.api().name(), "1", BACKEND,
                List.of("Gold"));
        rig.registry.reload();
        Exchange exchange = request("GET", other.context() + "/1/x", null,
                Map.of("Authorization", "Bearer " + rig.endUserToken(world)));

        GatewayException refused = refusal(() -> run(exchange, strip, resolve, authenticate, authorize));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("subscription_required");
    }

    @Test
    void authorizeWhenSubscribedAtATierTheApiNoLongerOffersThenForbidden() {
        var goldOnly = rig.apis.create(world.organization().id(), "gold", "/gold_" + world.api().name(), "1", BACKEND,
                List.of("Gold"));
        rig.subscriptions.create(world.application().id(), goldOnly.id(), "Bronze");
        rig.registry.reload();
        Exchange exchange = request("GET", goldOnly.context() + "/1/x", null,
                Map.of("Authorization", "Bearer " + rig.endUserToken(world)));

        assertThat(refusal(() -> run(exchange, strip, resolve, authenticate, authorize)).status()).isEqualTo(403);
    }

    @Test
    void authorizeWhenTheTokensApplicationNoLongerExistsThenInvalidToken() {
        String token = rig.endUserToken(world);
        rig.applications.delete(world.application().id());
        rig.registry.reload();

        GatewayException refused = refusal(() -> run(bearer(token), strip, resolve, authenticate, authorize));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bearerError()).isEqualTo("invalid_token");
    }

    // ---- enrich-backend-jwt ----

    @Test
    void enrichReplacesAnyClientAssertionWithOneSignedByTheGateway() throws Exception {
        Exchange exchange = bearer(rig.endUserToken(world));
        exchange.getIn().setHeader("X-JWT-Assertion", "client-forged");
        run(exchange, strip, resolve, authenticate, authorize);
        exchange.getIn().setHeader("x-jwt-assertion", "smuggled-after-the-entry");

        enrich.process(exchange);

        String assertion = exchange.getIn().getHeader("X-JWT-Assertion", String.class);
        JwtConsumer verifier = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(rig.keys.verificationKeys()))
                .setExpectedAudience(world.api().context() + "/" + world.api().version())
                .setExpectedIssuer(rig.properties.backendJwtIssuer())
                .setRequireExpirationTime()
                .build();
        JwtClaims claims = verifier.processToClaims(assertion);
        String dialect = rig.properties.backendJwt().claimDialect();
        assertThat(claims.getStringClaimValue(dialect + "enduser"))
                .isEqualTo(world.endUser().username() + "@" + world.organization().name());
        assertThat(claims.getStringClaimValue(dialect + "subscriber"))
                .isEqualTo(world.subscriber().username() + "@" + world.organization().name());
        assertThat(claims.getStringClaimValue(dialect + "tier")).isEqualTo("Silver");
    }

    @Test
    void enrichForAnApplicationTokenNamesTheApplicationOwnerAsEndUser() throws Exception {
        Exchange exchange = bearer(rig.applicationToken(world));
        run(exchange, strip, resolve, authenticate, authorize, enrich);

        JwtConsumer reader = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(rig.keys.verificationKeys()))
                .setSkipDefaultAudienceValidation()
                .build();
        JwtClaims claims = reader.processToClaims(exchange.getIn().getHeader("X-JWT-Assertion", String.class));
        assertThat(claims.getStringClaimValue(rig.properties.backendJwt().claimDialect() + "enduser"))
                .isEqualTo(world.subscriber().username() + "@" + world.organization().name());
    }

    @Test
    void enrichWhenDisabledThenTheClientAssertionIsStillRemoved() throws Exception {
        Processor disabled = mediators.enrichBackendJwt(rig.backendJwts);
        Processor resolveWithJwtOff = mediators.resolveApi(rig.registry,
                rig.runtimes(Map.of("caravan.backend-jwt.enabled", "false")));
        Exchange exchange = bearer(rig.endUserToken(world));
        run(exchange, strip, resolveWithJwtOff, authenticate, authorize);
        exchange.getIn().setHeader("X-JWT-Assertion", "client-forged");

        disabled.process(exchange);

        assertThat(exchange.getIn().getHeader("X-JWT-Assertion")).isNull();
    }

    // ---- prepare-backend-request ----

    @Test
    void prepareSetsMethodBackendPathQueryBodyAndEndpoint() throws Exception {
        Exchange exchange = request("POST", apiPath("/items/7"), "a=1&b=%20x",
                Map.of("Authorization", "Bearer " + rig.endUserToken(world), "Content-Type", "application/json"));
        exchange.getIn().setBody("{\"n\":1}");

        run(exchange, strip, resolve, authenticate, authorize, enrich, prepare);

        assertThat(exchange.getIn().getHeader(Exchange.HTTP_METHOD)).isEqualTo("POST");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_PATH)).isEqualTo("/svc/items/7");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_RAW_QUERY)).isEqualTo("a=1&b=%20x");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_QUERY)).isEqualTo("a=1&b=%20x");
        assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(exchange.getProperty(GatewayMediators.BACKEND))
                .isEqualTo(new BackendEndpoints.Backend(false, "backend.internal", 8081, "/svc"));
        assertThat(exchange.getIn().getHeaders()).containsOnlyKeys("Content-Type", "X-JWT-Assertion",
                Exchange.HTTP_METHOD, Exchange.HTTP_PATH, Exchange.HTTP_RAW_QUERY, Exchange.HTTP_QUERY);
    }

    @Test
    void prepareWhenThereIsNoQueryOrBodyThenNoneIsSent() throws Exception {
        Exchange exchange = bearer(rig.endUserToken(world));

        run(exchange, strip, resolve, authenticate, authorize, enrich, prepare);

        assertThat(exchange.getIn().getHeader(Exchange.HTTP_QUERY)).isNull();
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_RAW_QUERY)).isNull();
        assertThat(exchange.getIn().getBody()).isNull();
    }

    @Test
    void prepareReadsAStreamedBodyByteForByte() throws Exception {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Exchange exchange = request("PUT", apiPath("/blob"), null,
                Map.of("Authorization", "Bearer " + rig.endUserToken(world)));
        exchange.getIn().setBody(new ByteArrayInputStream(binary));

        run(exchange, strip, resolve, authenticate, authorize, enrich, prepare);

        assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo(binary);
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_METHOD)).isEqualTo("PUT");
    }

    @Test
    void prepareWhenBodyExceedsTheLimitThenPayloadTooLarge() throws Exception {
        Exchange exchange = request("POST", apiPath("/x"), null,
                Map.of("Authorization", "Bearer " + rig.endUserToken(world)));
        exchange.getIn().setBody(new byte[1025]);
        run(exchange, strip, resolve, authenticate, authorize, enrich);

        GatewayException refused = refusal(() -> prepare.process(exchange));

        assertThat(refused.status()).isEqualTo(413);
    }

    @Test
    void prepareWhenBodyIsExactlyAtTheLimitThenItIsSent() throws Exception {
        Exchange exchange = request("POST", apiPath("/x"), null,
                Map.of("Authorization", "Bearer " + rig.endUserToken(world)));
        exchange.getIn().setBody(new byte[1024]);

        run(exchange, strip, resolve, authenticate, authorize, enrich, prepare);

        assertThat(exchange.getIn().getBody(byte[].class)).hasSize(1024);
    }

    @Test
    void theChainRunsOnlyOnAnExchangeWhoseRequestWasCapturedFirst() {
        Exchange exchange = bearer(rig.endUserToken(world));

        assertThatThrownBy(() -> resolve.process(exchange)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("capture");
    }
}
