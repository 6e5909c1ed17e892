package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.Responses;
import dev.caravan.jwt.SigningKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code GET /oauth2/jwks} and {@code GET /.well-known/oauth-authorization-server} (RFC 8414). */
@Configuration(proxyBeanMethods = false)
public class DiscoveryEndpoints {

    @Bean
    public Processor jwksResponse(SigningKeys keys) {
        // the keys published now (a rotated key appears before it signs, a retired one disappears)
        return exchange -> {
            exchange.getMessage().setBody(keys.jwksBytes());
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/jwk-set+json");
            exchange.getMessage().setHeader("Cache-Control", "public, max-age=300");
        };
    }

    @Bean
    public Processor serverMetadataResponse(CaravanProperties properties) {
        String issuer = properties.token().issuer();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("token_endpoint", issuer + "/oauth2/token");
        metadata.put("revocation_endpoint", issuer + "/oauth2/revoke");
        metadata.put("introspection_endpoint", issuer + "/oauth2/introspect");
        metadata.put("jwks_uri", issuer + "/oauth2/jwks");
        metadata.put("grant_types_supported", List.of("password", "client_credentials", "refresh_token"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        metadata.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        metadata.put("introspection_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post"));
        metadata.put("response_types_supported", List.of());
        return exchange -> {
            Responses.json(exchange, 200, metadata);
            exchange.getMessage().setHeader("Cache-Control", "public, max-age=300");
        };
    }
}
