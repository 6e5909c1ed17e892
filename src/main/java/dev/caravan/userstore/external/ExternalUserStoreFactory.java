package dev.caravan.userstore.external;

import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.ldap.LdapUserStore;
import dev.caravan.userstore.webservice.WebServiceUserStore;
import org.springframework.stereotype.Component;

/** Makes the store a definition describes; only for definitions with their connection settings. */
@Component
public class ExternalUserStoreFactory {

    public ExternalUserStore create(SecondaryStoreDefinition definition) {
        return switch (definition.kind()) {
            case LDAP -> {
                if (definition.ldap() == null) {
                    throw new IllegalStateException("no LDAP settings for '" + definition.organization() + "' here");
                }
                yield new LdapUserStore(definition.organization(), definition.ldap());
            }
            case WEBSERVICE -> {
                if (definition.webService() == null) {
                    throw new IllegalStateException("no web-service settings for '" + definition.organization() + "' here");
                }
                yield new WebServiceUserStore(definition.organization(), definition.webService());
            }
        };
    }
}
