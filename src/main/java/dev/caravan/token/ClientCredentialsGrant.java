package dev.caravan.token;

import dev.caravan.registry.LiveRegistry.ClientApp;
import org.springframework.stereotype.Component;

/** The application's own token: subject and client_id are the consumer key. */
@Component
public class ClientCredentialsGrant {
    private final TokenIssuer issuer;

    public ClientCredentialsGrant(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    public GrantResult grant(ClientApp client, TokenForm form) {
        return issuer.forClient(client, Scopes.requested(form.optional("scope")));
    }
}
