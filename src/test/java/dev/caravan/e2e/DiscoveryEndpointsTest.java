package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.config.CaravanProperties;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code GET /oauth2/jwks} and the RFC 8414 authorization server metadata. */
class DiscoveryEndpointsTest extends CaravanTestBase {

    @Autowired
    CaravanProperties properties;

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void jwksThenPublishesRsaPublicKeysWithKidAndNoPrivateParts() {
        Http.Response response = Http.get(traffic("/oauth2/jwks"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/jwk-set+json");
        JsonNode keys = response.json().path("keys");
        assertThat(keys.isArray()).isTrue();
        assertThat(keys.size()).isPositive();
        for (JsonNode key : keys) {
            assertThat(key.path("kid").asText()).isNotBlank();
            assertThat(key.path("kty").asText()).isEqualTo("RSA");
            assertThat(key.path("n").asText()).isNotBlank();
            assertThat(key.path("e").asText()).isNotBlank();
            for (String secret : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
                assertThat(key.has(secret)).as("private member %s in %s", secret, key).isFalse();
            }
        }
    }

    /** GET only: a POST falls through to the API route, which knows no such API (404). */
    @Test
    void jwksWhenPostThenRefused() {
        Http.Response response = Http.postRaw(traffic("/oauth2/jwks"), null, "application/json", "{}");
        assertThat(response.status()).isBetween(400, 499);
        assertThat(response.body()).doesNotContain("\"keys\"");
    }

    @Test
    void serverMetadataThenNamesIssuerAndEndpoints() {
        Http.Response response = Http.get(traffic("/.well-known/oauth-authorization-server"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode metadata = response.json();
        String issuer = properties.token().issuer();
        assertThat(metadata.path("issuer").asText()).isEqualTo(issuer);
        assertThat(metadata.path("token_endpoint").asText()).isEqualTo(issuer + "/oauth2/token");
        assertThat(metadata.path("revocation_endpoint").asText()).isEqualTo(issuer + "/oauth2/revoke");
        assertThat(metadata.path("introspection_endpoint").asText()).isEqualTo(issuer + "/oauth2/introspect");
        assertThat(metadata.path("jwks_uri").asText()).isEqualTo(issuer + "/oauth2/jwks");
        assertThat(texts(metadata.path("grant_types_supported")))
                .containsExactlyInAnyOrder("password", "client_credentials", "refresh_token");
        assertThat(texts(metadata.path("token_endpoint_auth_methods_supported")))
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
    }
}
