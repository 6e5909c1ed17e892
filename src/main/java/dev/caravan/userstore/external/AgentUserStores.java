package dev.caravan.userstore.external;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Agent mode ({@code caravan.agent.enabled}): serves verification for each organization under
 * {@code caravan.userstores}, from this process, next to the directory. The gateway reaches it
 * only through the broker.
 */
@Component
@ConditionalOnProperty(name = "caravan.agent.enabled", havingValue = "true")
public class AgentUserStores implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(AgentUserStores.class);

    private final UserstoreSettings settings;
    private final ServedUserStores served;
    private final StoreDefinitions factory;

    public AgentUserStores(UserstoreSettings settings, ServedUserStores served, StoreDefinitions factory) {
        this.settings = settings;
        this.served = served;
        this.factory = factory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (settings.stores().isEmpty()) {
            throw new IllegalStateException("caravan.userstores: an agent needs at least one organization to serve");
        }
        settings.stores().keySet().forEach(organization -> {
            SecondaryStoreDefinition definition = settings.definition(organization);
            served.serve(organization, factory.create(definition), definition.consumers());
            log.info("agent serves the {} userstore of organization '{}'", definition.kind(), organization);
        });
    }
}
