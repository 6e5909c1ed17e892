package dev.caravan.token;

import dev.caravan.registry.LiveRegistry.ClientApp;

/** One OAuth 2.0 grant type. Each is a separate bean; the token endpoint dispatches by {@code grant_type}. */
public interface GrantHandler {
    String grantType();

    /** The token response and whom it was issued to, or an {@link OAuthException}. */
    GrantResult grant(ClientApp client, TokenForm form);
}
