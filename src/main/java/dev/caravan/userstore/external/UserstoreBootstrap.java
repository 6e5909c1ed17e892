package dev.caravan.userstore.external;

import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.registry.OrganizationSeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Gateway start-up: stores {@code caravan.userstores.<organization>} for each organization that
 * has no stored definition yet (creating the organization if it does not exist), so a fresh
 * deployment can be set up from configuration alone; an admin's later change is never
 * overwritten. A bad field stops start-up with its key named. Runs after the organizations' own seeding (the demo's, say),
 * which is why it waits for every {@link OrganizationSeed}.
 */
@Component
public class UserstoreBootstrap {
    private static final Logger log = LoggerFactory.getLogger(UserstoreBootstrap.class);

    public UserstoreBootstrap(UserstoreSettings settings, OrganizationRepository organizations,
            SecondaryStoreRepository repository, Environment environment,
            ObjectProvider<OrganizationSeed> seededFirst) {
        if (environment.getProperty("caravan.agent.enabled", Boolean.class, false)) {
            return;
        }
        seededFirst.orderedStream().forEach(seed -> { });
        settings.stores().keySet().forEach(name -> {
            SecondaryStoreDefinition definition = settings.definition(name);
            if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalStateException("caravan.userstores." + name + ": not an organization name");
            }
            Organization org = organizations.findByName(name).orElseGet(() -> {
                log.info("organization '{}' created for its declared userstore", name);
                return organizations.create(name, null);
            });
            if (repository.find(name).isEmpty()) {
                repository.save(org.id(), definition);
                log.info("secondary userstore of organization '{}' ({}, {}) stored from caravan.userstores", name,
                        definition.kind(), definition.mode());
            }
        });
    }
}
