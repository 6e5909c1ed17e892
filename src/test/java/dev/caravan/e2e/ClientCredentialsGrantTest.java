package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.Http;
import org.junit.jupiter.api.Test;

/** The application's own token (RFC 6749 §4.4): the client is the subject, no refresh token. */
class ClientCredentialsGrantTest extends TokenApiTestBase {

    @Test
    void clientCredentialsGrantThenSubjectIsClientIdAndNoRefreshToken() throws Exception {
        JsonNode body = assertTokenIssued(token(Http.params("grant_type", "client_credentials")));

        assertThat(body.has("refresh_token")).as("no refresh token for client_credentials").isFalse();
        assertThat(body.path("scope").asText()).isEqualTo("default");
        assertThat(body.path("expires_in").asLong()).isPositive();
        JWTClaimsSet claims = jwt(body.path("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(world.consumerKey());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(world.consumerKey());
        assertThat(claims.getClaim("username")).isNull();
        assertThat(jwt(body.path("access_token").asText()).getHeader().getType().getType()).isEqualTo("at+jwt");
    }

    @Test
    void clientCredentialsGrantWhenScopeRequestedThenTokenCarriesIt() throws Exception {
        JsonNode body = assertTokenIssued(token(Http.params("grant_type", "client_credentials",
                "scope", "read write")));
        assertThat(body.path("scope").asText()).isEqualTo("read write");
        assertThat(jwt(body.path("access_token").asText()).getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("read write");
    }

    @Test
    void clientCredentialsGrantThenTokenIsAcceptedByTheGateway() {
        backend.clear();
        String accessToken = assertTokenIssued(token(Http.params("grant_type", "client_credentials")))
                .path("access_token").asText();
        assertApiAccepts(accessToken);
        assertThat(backend.take().header("Authorization")).as("the application's token is not forwarded").isNull();
    }

    @Test
    void clientCredentialsGrantThenIntrospectionHasNoUsername() {
        String accessToken = assertTokenIssued(token(Http.params("grant_type", "client_credentials")))
                .path("access_token").asText();
        JsonNode introspection = introspect(accessToken);
        assertThat(introspection.path("active").asBoolean()).isTrue();
        assertThat(introspection.path("sub").asText()).isEqualTo(world.consumerKey());
        assertThat(introspection.has("username")).isFalse();
    }
}
