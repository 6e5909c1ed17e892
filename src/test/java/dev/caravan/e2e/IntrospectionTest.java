package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token introspection (RFC 7662): only the client's own tokens, and nothing about the others. */
class IntrospectionTest extends TokenApiTestBase {
    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.jdbc.core.simple.JdbcClient jdbc;


    private JsonNode login() {
        return assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));
    }

    private static void assertInactiveOnly(JsonNode introspection) {
        assertThat(introspection.path("active").isBoolean()).isTrue();
        assertThat(introspection.path("active").asBoolean()).isFalse();
        assertThat(introspection.size()).as("an inactive answer says nothing else: %s", introspection).isEqualTo(1);
    }

    @Test
    void introspectWhenAccessTokenActiveThenActiveWithClaims() throws Exception {
        String accessToken = login().path("access_token").asText();
        JWTClaimsSet claims = jwt(accessToken).getJWTClaimsSet();

        JsonNode introspection = introspect(accessToken);

        assertThat(introspection.path("active").asBoolean()).isTrue();
        assertThat(introspection.path("client_id").asText()).isEqualTo(world.consumerKey());
        assertThat(introspection.path("username").asText()).isEqualTo(world.endUserName());
        assertThat(introspection.path("sub").asText()).isEqualTo(world.endUserName());
        assertThat(introspection.path("scope").asText()).isEqualTo("default");
        assertThat(introspection.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(introspection.path("exp").asLong()).isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
        assertThat(introspection.path("iat").asLong()).isEqualTo(claims.getIssueTime().toInstant().getEpochSecond());
        assertThat(introspection.path("jti").asText()).isEqualTo(claims.getJWTID());
    }

    @Test
    void introspectWhenRefreshTokenActiveThenActive() {
        JsonNode login = login();
        JsonNode introspection = introspect(login.path("refresh_token").asText());
        assertThat(introspection.path("active").asBoolean()).isTrue();
        assertThat(introspection.path("client_id").asText()).isEqualTo(world.consumerKey());
        assertThat(introspection.path("sub").asText()).isEqualTo(world.endUserName());
        assertThat(introspection.path("exp").asLong()).isPositive();
    }

    /** Another node's revocation is only in the database until this node's poll: introspection reads the database. */
    @Test
    void introspectWhenRevokedThroughAnotherNodeThenInactiveAtOnce() throws Exception {
        JsonNode login = login();
        String accessToken = login.path("access_token").asText();
        JWTClaimsSet claims = jwt(accessToken).getJWTClaimsSet();
        String family = (String) claims.getClaim("sid");
        jdbc.sql("insert into revocation(kind, item, expires_at, created_at) values ('family', ?, ?, ?)")
                .params(family, dev.caravan.registry.Db.ts(java.time.Instant.now().plusSeconds(3600)),
                        dev.caravan.registry.Db.ts(java.time.Instant.now()))
                .update();

        assertInactiveOnly(introspect(accessToken));
        assertInactiveOnly(introspect(login.path("refresh_token").asText()));
    }

    @Test
    void introspectWhenGarbageThenInactive() {
        assertInactiveOnly(introspect("garbage"));
        assertInactiveOnly(introspect("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertInactiveOnly(introspect("x".repeat(5000)));
    }

    @Test
    void introspectWhenAccessTokenTamperedThenInactive() {
        String accessToken = login().path("access_token").asText();
        String[] parts = accessToken.split("\\.");
        String otherPayload = jwt(clientCredentials(world).path("access_token").asText()).getParsedParts()[1]
                .toString();
        assertInactiveOnly(introspect(parts[0] + "." + otherPayload + "." + parts[2]));
    }

    @Test
    void introspectWhenTokenOfAnotherClientThenInactive() {
        JsonNode login = login();
        Fixtures.Client other = fixtures.client(world, Set.of("client_credentials"));
        String otherBasic = Http.basic(other.consumerKey(), other.consumerSecret());

        Http.Response access = introspect(otherBasic, login.path("access_token").asText());
        Http.Response refresh = introspect(otherBasic, login.path("refresh_token").asText());

        assertThat(access.status()).isEqualTo(200);
        assertInactiveOnly(access.json());
        assertThat(refresh.status()).isEqualTo(200);
        assertInactiveOnly(refresh.json());
        assertThat(introspect(login.path("access_token").asText()).path("active").asBoolean())
                .as("still active for its own client").isTrue();
    }

    @Test
    void introspectWhenNoClientAuthenticationThen401InvalidClient() {
        String accessToken = login().path("access_token").asText();
        assertInvalidClient(introspect(null, accessToken));
        assertInvalidClient(introspect(Http.basic(world.consumerKey(), "wrong-secret"), accessToken));
        assertInvalidClient(introspect(Http.basic("no_such_client", world.consumerSecret()), accessToken));
    }

    @Test
    void introspectWhenTokenParameterMissingThenInvalidRequest() {
        assertOAuthError(Http.postForm(traffic("/oauth2/introspect"), worldBasic(),
                Http.params("token_type_hint", "access_token")), 400, "invalid_request");
    }

    @Test
    void introspectWhenGetThen405() {
        Http.Response response = Http.get(traffic("/oauth2/introspect"), "Authorization", worldBasic());
        assertOAuthError(response, 405, "invalid_request");
        assertThat(response.header("Allow")).isEqualTo("POST");
    }
}
