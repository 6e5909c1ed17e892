package dev.caravan.userstore.external;

import dev.caravan.userstore.SecondaryUserStores;
import dev.caravan.userstore.UserStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The organizations that have a secondary userstore, each reached over Artemis through a
 * {@link RemoteUserStore}. Kept current by whoever owns the definitions (the database in the
 * gateway); a lookup for an organization without one answers empty.
 */
@Component
public class ExternalSecondaryUserStores implements SecondaryUserStores {
    /** The route that sends a verification request; its reply completes the call asynchronously. */
    public static final String REQUEST_ENDPOINT = "direct:userstore-verify";

    private final RequestSender sender;
    private final Map<String, RemoteUserStore> stores = new ConcurrentHashMap<>();

    public ExternalSecondaryUserStores(ProducerTemplate producer) {
        this.sender = new RequestSender(producer.getCamelContext(), REQUEST_ENDPOINT);
    }

    @Override
    public Optional<UserStore> forOrganization(String organization) {
        return Optional.ofNullable(stores.get(organization));
    }

    /** Binds (or re-binds with new limits) the organization's secondary store. */
    public void bind(String organization, Duration timeout, int maxInFlight, int failureThreshold,
            Duration openDuration) {
        stores.put(organization, new RemoteUserStore(organization, sender, timeout,
                maxInFlight, new CircuitBreaker(failureThreshold, openDuration)));
    }

    @jakarta.annotation.PreDestroy
    void close() {
        sender.close();
    }

    public void unbind(String organization) {
        stores.remove(organization);
    }

    public Set<String> organizations() {
        return Set.copyOf(stores.keySet());
    }

    public Optional<RemoteUserStore> remote(String organization) {
        return Optional.ofNullable(stores.get(organization));
    }
}
