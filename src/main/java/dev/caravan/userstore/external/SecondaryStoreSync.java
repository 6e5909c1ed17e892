package dev.caravan.userstore.external;

import dev.caravan.registry.RegistryChangedEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Keeps the gateway's secondary stores in step with the stored definitions: every organization
 * with one is asked over Artemis ({@link ExternalSecondaryUserStores}); those in {@code local}
 * mode are also served here ({@link ServedUserStores}); {@code agent} ones are served by an agent.
 * Runs at start-up (after the declarative bootstrap) and on every registry change.
 */
@Component
@ConditionalOnProperty(name = "caravan.agent.enabled", havingValue = "false", matchIfMissing = true)
public class SecondaryStoreSync implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(SecondaryStoreSync.class);

    private final SecondaryStoreRepository repository;
    private final ExternalSecondaryUserStores asked;
    private final ServedUserStores served;
    private final StoreDefinitions factory;
    private List<SecondaryStoreDefinition> current = List.of();
    /** Organizations this class bound: it never unbinds what someone else bound. */
    private final Set<String> managed = new HashSet<>();

    public SecondaryStoreSync(SecondaryStoreRepository repository, ExternalSecondaryUserStores asked,
            ServedUserStores served, StoreDefinitions factory, UserstoreBootstrap bootstrapFirst) {
        this.repository = repository;
        this.asked = asked;
        this.served = served;
        this.factory = factory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        sync();
    }

    @org.springframework.transaction.event.TransactionalEventListener(fallbackExecution = true)
    public void onChange(RegistryChangedEvent event) {
        if (event.what().equals("userstore") || event.what().equals("organization")) {
            sync();
        }
    }

    public synchronized void sync() {
        List<SecondaryStoreDefinition> definitions = repository.findAll();
        Set<String> present = new HashSet<>();
        for (SecondaryStoreDefinition d : definitions) {
            present.add(d.organization());
            if (current.contains(d)) {
                continue;
            }
            asked.bind(d.organization(), d.timeout(), d.maxInFlight(), d.failureThreshold(), d.openDuration());
            if (d.mode() == SecondaryStoreDefinition.Mode.LOCAL) {
                try {
                    served.serve(d.organization(), factory.create(d), d.consumers());
                } catch (RuntimeException e) {
                    log.warn("userstore of organization '{}' cannot be served: {}", d.organization(), e.getMessage());
                }
            } else {
                served.stopServing(d.organization());
            }
        }
        for (String organization : Set.copyOf(managed)) {
            if (!present.contains(organization)) {
                asked.unbind(organization);
                served.stopServing(organization);
                managed.remove(organization);
            }
        }
        managed.addAll(present);
        current = definitions;
    }
}
