package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.caravan.jwt.SigningKeys;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.ForgedTokens;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * RFC 6750 bearer authentication of API calls over real ports. Every refused call must not
 * reach the backend. Tokens "signed with the gateway key" are built by the test with the key
 * the gateway itself signs with, so each one fails for exactly the one reason under test (a
 * control token built the same way with nothing changed is accepted).
 */
class ApiCallAuthenticationTest extends CaravanTestBase {
    private static final String BARE_CHALLENGE = "Bearer realm=\"caravan\"";

    @Autowired
    private SigningKeys signingKeys;

    private TestBackend backend;
    private Fixtures.World world;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        world = fixtures.world(backend.baseUrl());
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private String api() {
        return traffic(world.apiPath() + "/items");
    }

    private JwtClaims gatewayShapedClaims() {
        return ForgedTokens.endUserClaims("http://localhost:8280", "caravan-gateway", world.consumerKey(),
                world.organization().name(), world.endUser().username());
    }

    private String signedWithGatewayKey(JwtClaims claims, String typ) {
        RsaJsonWebKey key = signingKeys.signingKey();
        return ForgedTokens.rs256(claims, key.getPrivateKey(), key.getKeyId(), typ);
    }

    private void assertRefusedWithoutCredentials(Http.Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(BARE_CHALLENGE);
        assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    private void assertInvalidToken(String token) {
        Http.Response response = Http.get(api(), "Authorization", "Bearer " + token);
        assertThat(response.status()).as("status for %s", token).isEqualTo(401);
        String challenge = response.header("WWW-Authenticate");
        assertThat(challenge).startsWith("Bearer realm=\"caravan\", error=\"invalid_token\"");
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_token");
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void apiCallWhenNoTokenThenUnauthorizedWithBareChallenge() {
        assertRefusedWithoutCredentials(Http.get(api()));
    }

    @Test
    void apiCallWhenSchemeIsNotBearerThenUnauthorizedWithBareChallenge() {
        String token = passwordGrant(world).path("access_token").asText();

        assertRefusedWithoutCredentials(Http.get(api(), "Authorization", "Basic " + token));
        assertRefusedWithoutCredentials(Http.get(api(), "Authorization", "Token " + token));
        assertRefusedWithoutCredentials(Http.get(api(), "Authorization", "Bearer"));
    }

    @Test
    void apiCallWhenTokenIsGarbageThenInvalidToken() {
        assertInvalidToken("garbage");
        assertInvalidToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    }

    @Test
    void apiCallWithATokenBuiltLikeTheGatewaysThenAccepted() {
        // the control for the forgeries below
        Http.Response response = Http.get(api(), "Authorization",
                "Bearer " + signedWithGatewayKey(gatewayShapedClaims(), "at+jwt"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.take().path()).isEqualTo("/items");
    }

    @Test
    void apiCallWhenTokenIsSignedByAnotherKeyThenInvalidToken() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();

        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), foreign.getPrivateKey(), foreign.getKeyId(),
                "at+jwt"));
        assertInvalidToken(ForgedTokens.rs256(gatewayShapedClaims(), foreign.getPrivateKey(),
                signingKeys.signingKey().getKeyId(), "at+jwt"));
    }

    @Test
    void apiCallWhenTokenIsUnsignedThenInvalidToken() {
        assertInvalidToken(ForgedTokens.unsigned(gatewayShapedClaims(), signingKeys.signingKey().getKeyId(), "at+jwt"));
    }

    @Test
    void apiCallWhenTokenIsHmacSignedWithThePublishedPublicKeyThenInvalidToken() throws Exception {
        // what an attacker has: the key set the gateway publishes
        RSAKey published = new BackendJwtVerifier(traffic("/oauth2/jwks")).keys().getKeys().get(0).toRSAKey();
        byte[] publicKeyDer = published.toRSAPublicKey().getEncoded();
        byte[] publicJwk = published.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertInvalidToken(ForgedTokens.hs256(gatewayShapedClaims(), publicKeyDer, published.getKeyID(), "at+jwt"));
        assertInvalidToken(ForgedTokens.hs256(gatewayShapedClaims(), publicJwk, published.getKeyID(), "at+jwt"));
    }

    @Test
    void apiCallWhenTokenTypeIsNotAtJwtThenInvalidToken() {
        assertInvalidToken(signedWithGatewayKey(gatewayShapedClaims(), "JWT"));
        assertInvalidToken(signedWithGatewayKey(gatewayShapedClaims(), null));
    }

    @Test
    void apiCallWhenIssuerIsWrongThenInvalidToken() {
        assertInvalidToken(signedWithGatewayKey(
                ForgedTokens.with(gatewayShapedClaims(), c -> c.setIssuer("https://idp.example")), "at+jwt"));
    }

    @Test
    void apiCallWhenAudienceIsWrongThenInvalidToken() {
        assertInvalidToken(signedWithGatewayKey(
                ForgedTokens.with(gatewayShapedClaims(), c -> c.setAudience("another-api")), "at+jwt"));
    }

    @Test
    void apiCallWhenWrongIssuerAndAudienceUnderAForeignKeyThenInvalidToken() {
        RsaJsonWebKey foreign = ForgedTokens.foreignKey();
        JwtClaims claims = ForgedTokens.with(gatewayShapedClaims(), c -> {
            c.setIssuer("https://idp.example");
            c.setAudience("another-api");
        });

        assertInvalidToken(ForgedTokens.rs256(claims, foreign.getPrivateKey(), foreign.getKeyId(), "at+jwt"));
    }

    @Test
    void apiCallWhenTokenHasExpiredThenInvalidToken() {
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        String expired = signedWithGatewayKey(ForgedTokens.with(gatewayShapedClaims(), c -> {
            c.setIssuedAt(NumericDate.fromSeconds(past.minus(Duration.ofHours(1)).getEpochSecond()));
            c.setExpirationTime(NumericDate.fromSeconds(past.getEpochSecond()));
        }), "at+jwt");

        assertInvalidToken(expired);
        assertThat(Http.get(api(), "Authorization", "Bearer " + expired).header("WWW-Authenticate"))
                .contains("error_description=\"token expired\"");
    }

    @Test
    void apiCallWhenTokenWasRevokedThenInvalidToken() {
        String token = passwordGrant(world).path("access_token").asText();
        assertThat(Http.get(api(), "Authorization", "Bearer " + token).status()).isEqualTo(200);
        backend.take();

        Http.Response revoked = Http.postForm(traffic("/oauth2/revoke"),
                Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("token", token, "token_type_hint", "access_token"));
        assertThat(revoked.status()).isEqualTo(200);

        assertInvalidToken(token);
        assertThat(Http.get(api(), "Authorization", "Bearer " + token).header("WWW-Authenticate"))
                .contains("revoked");
    }

    @Test
    void apiCallWhenAuthorizationHeaderIsRepeatedThenBadRequest() {
        String token = passwordGrant(world).path("access_token").asText();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api()))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();

        Http.Response response = Http.send(request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void refusedCallsNeverEchoTheTokenBack() {
        String token = signedWithGatewayKey(ForgedTokens.with(gatewayShapedClaims(), c -> c.setAudience("x")),
                "at+jwt");

        Http.Response response = Http.get(api(), "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).doesNotContain(token.substring(0, 20));
        assertThat(response.header("WWW-Authenticate")).doesNotContain(token.substring(0, 20));
    }
}
