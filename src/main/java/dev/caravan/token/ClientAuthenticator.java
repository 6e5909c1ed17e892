package dev.caravan.token;

import dev.caravan.http.InboundRequest;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.registry.LiveRegistry.ClientApp;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Authenticates the OAuth client: HTTP Basic (RFC 6749 §2.3.1, with form-encoded id and
 * secret) or {@code client_id}/{@code client_secret} form parameters, never both. Unknown
 * client and wrong secret get the same answer and the same work.
 */
@Component
public class ClientAuthenticator {
    private static final String DECOY_HASH = Secrets.sha256Hex("decoy");

    private final LiveRegistry registry;

    public ClientAuthenticator(LiveRegistry registry) {
        this.registry = registry;
    }

    public ClientApp authenticate(InboundRequest request, TokenForm form) {
        String authorization;
        try {
            authorization = request.singleHeader("Authorization");
        } catch (InboundRequest.DuplicateHeaderException e) {
            throw OAuthException.invalidRequest("the Authorization header is repeated");
        }
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (authorization != null && !basic) {
            throw OAuthException.invalidClient("client authentication must use HTTP Basic");
        }
        String clientId;
        String clientSecret;
        if (basic) {
            if (form.has("client_secret")) {
                throw OAuthException.invalidRequest("use one client authentication method, not two");
            }
            String[] credentials = decodeBasic(authorization.substring(6).trim());
            clientId = credentials[0];
            clientSecret = credentials[1];
            if (form.has("client_id") && !form.optional("client_id").equals(clientId)) {
                throw OAuthException.invalidRequest("client_id does not match the authenticated client");
            }
        } else {
            clientId = form.optional("client_id");
            clientSecret = form.optional("client_secret");
            if (clientId == null || clientSecret == null) {
                throw OAuthException.invalidClient("client authentication is required");
            }
        }
        Optional<ClientApp> client = registry.client(clientId);
        String storedHash = client.map(c -> c.application().consumerSecretHash()).orElse(DECOY_HASH);
        boolean matches = Secrets.matchesSha256(clientSecret, storedHash);
        if (client.isEmpty() || !matches) {
            throw OAuthException.invalidClient("client authentication failed");
        }
        return client.get();
    }

    private static String[] decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw OAuthException.invalidClient("malformed Basic credentials");
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
            };
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("malformed Basic credentials");
        }
    }
}
