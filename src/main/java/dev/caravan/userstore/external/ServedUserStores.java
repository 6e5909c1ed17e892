package dev.caravan.userstore.external;

import dev.caravan.userstore.ExternalUserStore;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The userstores this process serves: for each, a verification route made from the
 * {@code userstore-verification} template (routes/userstore-verification.yaml) consumes the
 * organization's queue with its own consumers, so a hanging directory ties up only its own
 * organization's consumers. The gateway serves the stores in {@code local} mode; an agent serves
 * those it is configured for.
 *
 * <p>The routes are added once Camel has fully started (a {@link StartupListener}). Not a
 * Spring Boot {@code CamelContextConfiguration}: having one makes Camel Spring Boot register an
 * event notifier that stays for the life of the context, and with any notifier registered Camel
 * builds an event object for every exchange and every step on the API-call path.
 */
@Component
public class ServedUserStores implements StartupListener {
    private static final Logger log = LoggerFactory.getLogger(ServedUserStores.class);
    public static final String TEMPLATE = "userstore-verification";

    private final CamelContext camel;
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private volatile boolean camelStarted;

    private record Served(ExternalUserStore store, int consumers) {}

    public ServedUserStores(CamelContext camel) throws Exception {
        this.camel = camel;
        camel.addStartupListener(this);
    }

    public static String routeId(String organization) {
        return TEMPLATE + "-" + organization;
    }

    public static String queue(String organization) {
        return dev.caravan.broker.BrokerAddresses.userstoreQueue(organization);
    }

    /** Starts (or replaces) serving an organization's store. */
    public synchronized void serve(String organization, ExternalUserStore store, int consumers) {
        Served previous = served.put(organization, new Served(store, consumers));
        if (previous != null) {
            previous.store().close();
        }
        if (camelStarted && (previous == null || previous.consumers() != consumers)) {
            removeRoute(organization);
            addRoute(organization, consumers);
        }
    }

    public synchronized void stopServing(String organization) {
        Served previous = served.remove(organization);
        if (previous != null) {
            removeRoute(organization);
            previous.store().close();
        }
    }

    public Optional<ExternalUserStore> store(String organization) {
        Served s = served.get(organization);
        return s == null ? Optional.empty() : Optional.of(s.store());
    }

    public Set<String> organizations() {
        return Set.copyOf(served.keySet());
    }

    private void addRoute(String organization, int consumers) {
        try {
            TemplatedRouteBuilder.builder(camel, TEMPLATE)
                    .routeId(routeId(organization))
                    .parameter("organization", organization)
                    .parameter("consumers", String.valueOf(consumers))
                    .add();
            log.info("serving userstore verification for organization '{}' on queue {}", organization,
                    queue(organization));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the verification route of organization '"
                    + organization + "': " + e.getMessage(), e);
        }
    }

    private void removeRoute(String organization) {
        String id = routeId(organization);
        try {
            if (camel.getRoute(id) != null) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        } catch (Exception e) {
            log.warn("could not remove route {}: {}", id, e.toString());
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            onCamelContextFullyStarted(context, true);
        }
    }

    @Override
    public synchronized void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (camelStarted) {
            return;
        }
        camelStarted = true;
        served.forEach((org, s) -> addRoute(org, s.consumers()));
    }

    @jakarta.annotation.PreDestroy
    synchronized void closeAll() {
        served.values().forEach(s -> s.store().close());
        served.clear();
    }
}
