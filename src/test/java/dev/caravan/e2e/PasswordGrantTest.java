package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.config.CaravanProperties;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The resource owner password grant (RFC 6749 §4.3) over the real traffic port. */
class PasswordGrantTest extends TokenApiTestBase {

    @Autowired
    CaravanProperties properties;

    @Autowired
    PrimaryUserRepository users;

    @Test
    void passwordGrantWhenCredentialsValidThenIssuesSignedAtJwtAndRefreshToken() throws Exception {
        long before = Instant.now().getEpochSecond();
        Http.Response response = passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD);

        JsonNode body = assertTokenIssued(response);
        long expiresIn = body.path("expires_in").asLong();
        assertThat(expiresIn).isEqualTo(properties.token().accessTokenTtl().toSeconds());
        assertThat(body.path("refresh_token").asText()).isNotBlank();
        assertThat(body.path("scope").asText()).isEqualTo("default");

        SignedJWT jwt = jwt(body.path("access_token").asText());
        JWSHeader header = jwt.getHeader();
        assertThat(header.getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(header.getKeyID()).isNotBlank();
        assertThat(header.getJWKURL()).as("jku").isNull();
        assertThat(header.getJWK()).as("embedded jwk").isNull();

        JWKSet jwks = JWKSet.parse(Http.get(traffic("/oauth2/jwks")).body());
        JWK key = jwks.getKeyByKeyId(header.getKeyID());
        assertThat(key).as("the token's kid is published in /oauth2/jwks").isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAKey()))).as("signature verifies with the published key")
                .isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(properties.token().issuer());
        assertThat(claims.getSubject()).isEqualTo(world.endUser().username() + "@" + world.organization().name());
        assertThat(claims.getAudience()).containsExactly(properties.token().audience());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(world.consumerKey());
        assertThat(claims.getStringClaim("scope")).isEqualTo("default");
        assertThat(claims.getJWTID()).isNotBlank();
        long iat = claims.getIssueTime().toInstant().getEpochSecond();
        long exp = claims.getExpirationTime().toInstant().getEpochSecond();
        assertThat(iat).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(exp - iat).isEqualTo(expiresIn);
    }

    @Test
    void passwordGrantWhenIssuedTwiceThenTokensDiffer() {
        JsonNode first = assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));
        JsonNode second = assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));
        assertThat(second.path("access_token").asText()).isNotEqualTo(first.path("access_token").asText());
        assertThat(second.path("refresh_token").asText()).isNotEqualTo(first.path("refresh_token").asText());
    }

    @Test
    void passwordGrantWhenUsernameContainsAtThenSplitsOnLastAt() throws Exception {
        fixtures.endUser(world.organization(), "jane@example.com", "jane-Pa55word!");

        Http.Response response = passwordLogin("jane@example.com@" + world.organization().name(), "jane-Pa55word!");

        JsonNode body = assertTokenIssued(response);
        JWTClaimsSet claims = jwt(body.path("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("jane@example.com@" + world.organization().name());
        assertThat(claims.getStringClaim("username")).isEqualTo("jane@example.com");
        assertThat(introspect(body.path("access_token").asText()).path("username").asText())
                .isEqualTo("jane@example.com@" + world.organization().name());
    }

    @Test
    void passwordGrantWhenUsernameHasNoOrganizationThenTheApplicationsOrganizationIsMeant() throws Exception {
        JsonNode body = assertTokenIssued(passwordLogin(world.endUser().username(), Fixtures.END_USER_PASSWORD));
        assertThat(jwt(body.path("access_token").asText()).getJWTClaimsSet().getSubject())
                .isEqualTo(world.endUserName());
    }

    @Test
    void passwordGrantWhenUserUnknownThenInvalidGrant() {
        assertOAuthError(passwordLogin("nobody@" + world.organization().name(), Fixtures.END_USER_PASSWORD),
                400, "invalid_grant");
    }

    @Test
    void passwordGrantWhenPasswordWrongThenInvalidGrant() {
        assertOAuthError(passwordLogin(world.endUserName(), "wrong-Pa55word!"), 400, "invalid_grant");
    }

    @Test
    void passwordGrantWhenUserUnknownOrPasswordWrongThenAnswersAreIdentical() {
        Http.Response unknown = passwordLogin("nobody@" + world.organization().name(), "wrong-Pa55word!");
        Http.Response wrong = passwordLogin(world.endUserName(), "wrong-Pa55word!");

        assertOAuthError(unknown, 400, "invalid_grant");
        assertThat(wrong.status()).isEqualTo(unknown.status());
        assertThat(wrong.body()).isEqualTo(unknown.body());
        assertThat(wrong.headers().map()).isEqualTo(unknown.headers().map());
    }

    @Test
    void passwordGrantWhenPasswordParameterEmptyThenInvalidRequest() {
        String user = Http.form(Http.params("username", world.endUserName()));
        assertOAuthError(rawToken(worldBasic(), "application/x-www-form-urlencoded",
                "grant_type=password&" + user + "&password="), 400, "invalid_request");
        assertOAuthError(rawToken(worldBasic(), "application/x-www-form-urlencoded",
                "grant_type=password&" + user + "&password"), 400, "invalid_request");
    }

    @Test
    void passwordGrantWhenPasswordOnlyWhitespaceThenInvalidGrant() {
        assertOAuthError(passwordLogin(world.endUserName(), "   "), 400, "invalid_grant");
    }

    @Test
    void passwordGrantWhenUsernameLongerThan256ThenInvalidRequest() {
        String suffix = "@" + world.organization().name();
        String atLimit = "u".repeat(256 - suffix.length()) + suffix;
        assertOAuthError(passwordLogin(atLimit, Fixtures.END_USER_PASSWORD), 400, "invalid_grant");
        assertOAuthError(passwordLogin("u" + atLimit, Fixtures.END_USER_PASSWORD), 400, "invalid_request");
    }

    @Test
    void passwordGrantWhenPasswordLongerThan1024ThenInvalidRequest() {
        assertOAuthError(passwordLogin(world.endUserName(), "p".repeat(1024)), 400, "invalid_grant");
        assertOAuthError(passwordLogin(world.endUserName(), "p".repeat(1025)), 400, "invalid_request");
    }

    @Test
    void passwordGrantWhenUserBelongsToAnotherOrganizationThenInvalidGrant() {
        Fixtures.World other = fixtures.world(backend.baseUrl());

        Http.Response foreign = passwordLogin(other.endUserName(), Fixtures.END_USER_PASSWORD);

        assertOAuthError(foreign, 400, "invalid_grant");
        Http.Response unknown = passwordLogin("nobody@" + world.organization().name(), Fixtures.END_USER_PASSWORD);
        assertThat(foreign.body()).as("indistinguishable from an unknown user").isEqualTo(unknown.body());
        // the other organization's own client can log that user in: the refusal is about the organization
        assertTokenIssued(token(Http.basic(other.consumerKey(), other.consumerSecret()),
                Http.params("grant_type", "password", "username", other.endUserName(),
                        "password", Fixtures.END_USER_PASSWORD)));
    }

    @Test
    void passwordGrantWhenUserDisabledThenInvalidGrant() {
        PrimaryUser user = world.endUser();
        assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));

        users.update(user.id(), user.roles(), user.email(), false);

        Http.Response disabled = passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD);
        assertOAuthError(disabled, 400, "invalid_grant");
        assertThat(disabled.body()).isEqualTo(passwordLogin(world.endUserName(), "wrong-Pa55word!").body());
    }
}
