package dev.caravan.userstore.external;

import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Gateway start-up: stores {@code caravan.userstores.<organization>} for organizations that
 * exist and have no stored definition yet. An unknown organization or a bad field stops
 * start-up with the key named. Runs after the organizations' own seeding (the demo's, say),
 * which is why it waits for every {@code DemoData}-like bean it is given.
 */
@Component
@EnableConfigurationProperties(UserstoreSettings.class)
public class UserstoreBootstrap {
    private static final Logger log = LoggerFactory.getLogger(UserstoreBootstrap.class);

    public UserstoreBootstrap(UserstoreSettings settings, OrganizationRepository organizations,
            SecondaryStoreRepository repository, Environment environment,
            ObjectProvider<dev.caravan.demo.DemoData> seededFirst) {
        if (environment.getProperty("caravan.agent.enabled", Boolean.class, false)) {
            return;
        }
        seededFirst.ifAvailable(d -> { });
        settings.stores().keySet().forEach(name -> {
            Organization org = organizations.findByName(name).orElseThrow(() -> new IllegalStateException(
                    "caravan.userstores." + name + ": there is no organization named '" + name + "'"));
            SecondaryStoreDefinition definition = settings.definition(name);
            if (repository.find(name).isEmpty()) {
                repository.save(org.id(), definition);
                log.info("secondary userstore of organization '{}' ({}, {}) stored from caravan.userstores", name,
                        definition.kind(), definition.mode());
            }
        });
    }
}
