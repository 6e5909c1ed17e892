package dev.caravan.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.stereotype.Component;

/**
 * An in-memory view of what the hot path needs (APIs, applications, subscriptions), so an API
 * call or a client authentication never reads the database. Rebuilt whole after every
 * registry change; readers always see one consistent snapshot.
 */
@Component
public class LiveRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRegistry.class);

    /** An application with the names the backend JWT needs. */
    public record ClientApp(Application application, String organization, String ownerQualifiedName) {}

    /** Everything the gateway knows at one point in time. */
    public record Snapshot(Map<String, ApiDefinition> apisByContextAndVersion,
                           Map<String, ClientApp> appsByConsumerKey,
                           Map<String, Subscription> subscriptionsByAppAndApi,
                           Map<String, String> organizationNamesById) {}

    private final OrganizationRepository organizations;
    private final ApplicationRepository applications;
    private final ApiRepository apis;
    private final SubscriptionRepository subscriptions;
    private volatile Snapshot snapshot;
    private final AtomicBoolean overlapsReported = new AtomicBoolean();

    public LiveRegistry(OrganizationRepository organizations, ApplicationRepository applications, ApiRepository apis,
                        SubscriptionRepository subscriptions) {
        this.organizations = organizations;
        this.applications = applications;
        this.apis = apis;
        this.subscriptions = subscriptions;
        reload();
    }

    /** After a change (once its transaction committed, if it had one), or when another node's change is seen. */
    @TransactionalEventListener(classes = RegistryChangedEvent.class, fallbackExecution = true)
    public synchronized void reload() {
        Map<String, String> orgNames = new HashMap<>();
        organizations.findAll().forEach(o -> orgNames.put(o.id(), o.name()));
        Map<String, ApiDefinition> apiMap = new HashMap<>();
        apis.findAll().forEach(a -> apiMap.put(key(a.context(), a.version()), a));
        Map<String, ClientApp> apps = new HashMap<>();
        Map<String, String> owners = applications.ownerNames();
        for (Application app : applications.findAll()) {
            String org = orgNames.get(app.organizationId());
            String owner = owners.getOrDefault(app.id(), "unknown");
            apps.put(app.consumerKey(), new ClientApp(app, org, owner + "@" + org));
        }
        Map<String, Subscription> subs = new HashMap<>();
        subscriptions.findAll().forEach(s -> subs.put(s.applicationId() + "|" + s.apiId(), s));
        snapshot = new Snapshot(Map.copyOf(apiMap), Map.copyOf(apps), Map.copyOf(subs), Map.copyOf(orgNames));
    }

    /**
     * Once every bean exists. Data seeded while the context was starting (the demo, declarative
     * bootstrap) published its change events before Spring had registered the event listeners,
     * so those events reached nobody: read everything again now.
     */
    @EventListener(ContextRefreshedEvent.class)
    public void contextRefreshed() {
        reload();
        if (overlapsReported.compareAndSet(false, true)) {
            reportOverlaps();
        }
    }

    /**
     * Logs (WARN) every pair of stored APIs whose paths overlap ({@link ApiPaths}): data from before
     * such APIs were refused at creation. A call under both reaches the shorter one only.
     *
     * @return how many pairs were found
     */
    public int reportOverlaps() {
        Snapshot current = snapshot;
        List<ApiPaths.Overlap> overlaps = ApiPaths.overlaps(current.apisByContextAndVersion().values());
        for (ApiPaths.Overlap overlap : overlaps) {
            LOG.warn("API paths overlap: {} and {}; calls under {} reach only the first: delete one of them",
                    describe(overlap.shorter(), current), describe(overlap.longer(), current),
                    ApiPaths.served(overlap.longer()));
        }
        return overlaps.size();
    }

    private static String describe(ApiDefinition api, Snapshot snapshot) {
        return "organization " + snapshot.organizationNamesById().get(api.organizationId()) + " context "
                + api.context() + " version " + api.version();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Optional<ClientApp> client(String consumerKey) {
        return Optional.ofNullable(snapshot.appsByConsumerKey().get(consumerKey));
    }

    /**
     * The API a request path addresses: {@code /{context...}/{version}/rest}. The context may
     * span several segments; the first split that names a known API wins.
     */
    public Optional<ResolvedApi> resolve(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        Map<String, ApiDefinition> apis = snapshot.apisByContextAndVersion();
        int end = path.indexOf('/', 1);
        while (end > 0) {
            String context = path.substring(0, end);
            int versionEnd = path.indexOf('/', end + 1);
            String version = versionEnd < 0 ? path.substring(end + 1) : path.substring(end + 1, versionEnd);
            ApiDefinition api = apis.get(key(context, version));
            if (api != null) {
                String rest = versionEnd < 0 ? "" : path.substring(versionEnd);
                return Optional.of(new ResolvedApi(api, rest));
            }
            end = path.indexOf('/', end + 1);
        }
        return Optional.empty();
    }

    public Optional<Subscription> subscription(String applicationId, String apiId) {
        return Optional.ofNullable(snapshot.subscriptionsByAppAndApi().get(applicationId + "|" + apiId));
    }

    public List<ApiDefinition> allApis() {
        return List.copyOf(snapshot.apisByContextAndVersion().values());
    }

    /** An API and the remainder of the path after its context and version. */
    public record ResolvedApi(ApiDefinition api, String remainingPath) {}

    private static String key(String context, String version) {
        return context + "\n" + version;
    }
}
