package dev.caravan.token;

import dev.caravan.registry.LiveRegistry.ClientApp;
import java.util.Map;

/** One OAuth 2.0 grant type. Each is a separate bean; the token endpoint dispatches by {@code grant_type}. */
public interface GrantHandler {
    String grantType();

    /** The token response body (RFC 6749 §5.1), or an {@link OAuthException}. */
    Map<String, Object> grant(ClientApp client, TokenForm form);
}
