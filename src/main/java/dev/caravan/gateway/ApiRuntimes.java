package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.Cidr;
import dev.caravan.mediation.MediationConfigException;
import dev.caravan.mediation.MediationParameters;
import dev.caravan.mediation.MediatorTemplatesChangedEvent;
import dev.caravan.mediation.TemplateParameterRule;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPolicy;
import dev.caravan.registry.ApiPolicy.MediatorRef;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.registry.RegistryChangedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Compiles each API's policy into an {@link ApiRuntime} the first time a call needs it after the
 * API (or a mediator template) changed, and keeps it until the next change. A mediator reference
 * becomes a route created from its template (route and {@code direct:} name
 * {@code mediation-<api id>-<generation>-<flow>-<n>}, no error handler of its own so a failure
 * reaches the gateway's error handling); the previous generation's routes are removed a while
 * later, once calls in flight through them are done.
 */
@Component
public class ApiRuntimes implements ApiPolicyCheck, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ApiRuntimes.class);
    static final String NO_PROFILE = "names no backend security profile available to this API";
    /** A retired runtime's routes stay this much longer than its longest call could take. */
    static final long RETIRE_MARGIN_MILLIS = 5_000;

    private final CamelContext camel;
    private final BackendSecurityProfiles security;
    private final BackendEndpoints endpoints;
    private final BackendAddressPolicy addresses;
    private final CaravanProperties properties;
    private final LiveRegistry registry;
    private final Map<String, ApiRuntime> byApiId = new ConcurrentHashMap<>();
    /** Definitions whose mediation could not be built: refused at once (and logged once) until the API or a template changes. */
    private final Map<String, ApiDefinition> unbuildable = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final ScheduledExecutorService retirement = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "caravan-mediation-retire");
        thread.setDaemon(true);
        return thread;
    });

    public ApiRuntimes(CamelContext camel, BackendSecurityProfiles security, BackendEndpoints endpoints,
                       BackendAddressPolicy addresses, CaravanProperties properties, LiveRegistry registry) {
        this.registry = registry;
        this.camel = camel;
        this.security = security;
        this.endpoints = endpoints;
        this.addresses = addresses;
        this.properties = properties;
    }

    /** The compiled runtime of this definition; built on first use. */
    ApiRuntime of(ApiDefinition api) {
        ApiRuntime runtime = byApiId.get(api.id());
        if (runtime != null && runtime.api() == api) {
            return runtime; // the hot path: the registry hands out the same instance until it reloads
        }
        if (runtime != null && runtime.api().equals(api)) {
            // the registry reloaded without changing this API: keep the compiled parts, remember the new instance
            ApiRuntime same = runtime.withApi(api);
            byApiId.replace(api.id(), runtime, same);
            return same;
        }
        if (unbuildable.get(api.id()) == api) {
            throw unavailable();
        }
        return build(api);
    }

    private static GatewayException unavailable() {
        // a template removed or broken since the API was saved: a configuration fault, not the caller's
        return new GatewayException(500, "mediation_unavailable", "the API's mediation is unavailable", null);
    }

    private synchronized ApiRuntime build(ApiDefinition api) {
        ApiRuntime current = byApiId.get(api.id());
        if (current != null && current.api().equals(api)) {
            return current;
        }
        ApiPolicy policy = api.policy();
        long gen = generation.incrementAndGet();
        String prefix = "mediation-" + api.id() + "-" + gen;
        List<String> routeIds = new ArrayList<>();
        try {
            BackendEndpoints.Backend backend = endpoints.forApi(api, organization(api));
            BackendSecurityProfiles.Compiled profile = null;
            if (policy.backendSecurity() != null) {
                // checked again here, not only at save: stored data may predate the binding, or the
                // profile's organizations and hosts may have changed since; never send them elsewhere
                profile = security.available(policy.backendSecurity(), organization(api), backend);
                if (profile == null) {
                    throw new IllegalStateException("backend security profile " + policy.backendSecurity()
                            + " is not available to this API (its organization or backend host is not the profile's)");
                }
            }
            List<AsyncProcessor> request = flow(prefix + "-request", policy.mediation().request(), routeIds);
            List<AsyncProcessor> response = flow(prefix + "-response", policy.mediation().response(), routeIds);
            List<AsyncProcessor> fault = flow(prefix + "-fault", policy.mediation().fault(), routeIds);
            CaravanProperties.Gateway gateway = properties.gateway();
            long maxBody = properties.traffic().maxBodySize();
            if (policy.maxRequestBodySize() != null) {
                maxBody = Math.min(maxBody, policy.maxRequestBodySize());
            }
            boolean jwt = policy.backendJwt().enabled() == null ? properties.backendJwt().enabled()
                    : policy.backendJwt().enabled();
            Set<String> claims = policy.backendJwt().claims() == null ? null : Set.copyOf(policy.backendJwt().claims());
            ApiRuntime runtime = new ApiRuntime(api, api.id() + "#" + gen,
                    policy.allowedCallers().stream().map(Cidr::parse).toList(),
                    policy.cors() == null ? null : new CorsPolicy(policy.cors()),
                    request, response, fault, List.copyOf(routeIds),
                    profile,
                    backend,
                    maxBody,
                    (policy.backendTimeout() == null ? gateway.responseTimeout() : policy.backendTimeout()).toMillis(),
                    jwt, claims,
                    policy.methods() == null ? null : Set.copyOf(policy.methods()),
                    String.join(", ", policy.methods() == null ? ApiPolicy.ALL_METHODS : policy.methods()));
            unbuildable.remove(api.id());
            ApiRuntime previous = byApiId.put(api.id(), runtime);
            if (previous != null) {
                retire(previous);
            }
            return runtime;
        } catch (RuntimeException e) {
            removeRoutes(routeIds);
            log.error("API {} {} of organization {} cannot be served: {}", api.context(), api.version(), organization(api),
                    describe(e));
            log.debug("why API {} {} cannot be served", api.context(), api.version(), e);
            unbuildable.put(api.id(), api);
            throw unavailable();
        }
    }

    @EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void started() {
        reportUnservableApis();
        // host names are resolved: on a thread of its own, so a slow DNS server does not hold start-up
        Thread report = new Thread(() -> {
            try {
                reportRefusedBackendAddresses();
            } catch (RuntimeException e) {
                log.warn("stored APIs' backend addresses could not be checked: {}", e.getClass().getName());
            }
        }, "caravan-backend-address-report");
        report.setDaemon(true);
        report.start();
    }

    private String organization(ApiDefinition api) {
        return registry.snapshot().organizationNamesById().get(api.organizationId());
    }

    /**
     * At start-up, every stored API the gateway will refuse to serve as it is (a queue name that is
     * now reserved, a backend security profile it may not use: data from before these rules, or a
     * profile changed since) is logged once, so the operator learns of it before a caller does.
     *
     * @return how many were found
     */
    public int reportUnservableApis() {
        int found = 0;
        for (ApiDefinition api : registry.allApis()) {
            BackendEndpoints.Backend backend;
            try {
                backend = endpoints.forApi(api, organization(api));
            } catch (RuntimeException e) {
                found++;
                log.warn("API {} {} of organization {} has a backend it may not use ({}): its calls are refused until"
                        + " the API is changed", api.context(), api.version(), organization(api), e.getMessage());
                continue;
            }
            String name = api.policy().backendSecurity();
            if (name != null && security.available(name, organization(api), backend) == null) {
                found++;
                log.warn("API {} {} of organization {} names backend security profile {}, which does not list its"
                        + " organization or its backend host: its calls are refused until the API or the profile is changed",
                        api.context(), api.version(), organization(api), name);
            }
        }
        return found;
    }

    /**
     * Every stored API whose backend URL leads to an address the gateway does not call
     * ({@link BackendAddressPolicy}: saved before the policy, or the policy or DNS changed since)
     * is logged once, naming organization, context, version and host; its calls are refused when
     * the gateway connects (502). Host names are resolved, so this blocks.
     *
     * @return how many were found
     */
    public int reportRefusedBackendAddresses() {
        int found = 0;
        for (ApiDefinition api : registry.allApis()) {
            String problem;
            try {
                problem = addresses.problem(api.backendUrl());
            } catch (RuntimeException e) {
                problem = null;
            }
            if (problem != null) {
                found++;
                BackendEndpoints.Backend backend = BackendEndpoints.parse(api.backendUrl());
                String host = backend.host().indexOf(':') >= 0 ? "[" + backend.host() + "]" : backend.host();
                log.warn("API {} {} of organization {}: its backend {}:{} {} (caravan.gateway.backend-networks); its calls"
                        + " are refused until the API or the setting is changed", api.context(), api.version(),
                        organization(api), host, backend.port(), problem.equals(BackendAddressPolicy.REFUSED_ADDRESS)
                                ? "is an address the gateway does not call" : "resolves to an address the gateway does not call");
            }
        }
        return found;
    }

    private List<AsyncProcessor> flow(String prefix, List<MediatorRef> refs, List<String> routeIds) {
        List<AsyncProcessor> processors = new ArrayList<>(refs.size());
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (int i = 0; i < refs.size(); i++) {
            MediatorRef ref = refs.get(i);
            String name = prefix + "-" + i;
            // the same checks as when the API was saved, against the template as it is now: the
            // template may have changed since (a mediators-directory file), and a value must
            // never reach a place where Camel would evaluate it
            Problem problem = mediator(model, "mediator", ref);
            if (problem != null) {
                throw new IllegalStateException("mediator " + ref.mediator() + ": " + problem.field() + " " + problem.message());
            }
            try {
                TemplatedRouteBuilder.builder(camel, ref.mediator())
                        .routeId(name)
                        .parameters(Map.copyOf(ref.parameters()))
                        .parameter(TemplateParameterRule.NAME, name)
                        .handler(template -> template.getRoute().errorHandler(new NoErrorHandlerDefinition()))
                        .add();
            } catch (Exception e) {
                throw new IllegalStateException("mediator " + ref.mediator() + ": " + describe(e), e);
            }
            routeIds.add(name);
            try {
                AsyncProducer producer = camel.getEndpoint("direct:" + name).createAsyncProducer();
                ServiceHelper.startService(producer);
                processors.add(producer);
            } catch (Exception e) {
                throw new IllegalStateException("mediator " + ref.mediator() + " cannot be called: " + describe(e), e);
            }
        }
        return List.copyOf(processors);
    }

    /**
     * Mediator templates changed (a file in the mediators directory was loaded, reloaded or
     * deleted): every API using one of them is rebuilt on its next call, from the new template.
     */
    @EventListener
    public synchronized void templatesChanged(MediatorTemplatesChangedEvent event) {
        unbuildable.clear();
        for (ApiRuntime runtime : List.copyOf(byApiId.values())) {
            ApiPolicy.Mediation mediation = runtime.policy().mediation();
            boolean uses = java.util.stream.Stream.of(mediation.request(), mediation.response(), mediation.fault())
                    .flatMap(List::stream).anyMatch(ref -> event.templateIds().contains(ref.mediator()));
            if (uses && byApiId.remove(runtime.api().id(), runtime)) {
                retire(runtime);
            }
        }
    }

    /**
     * After a registry change, the runtimes of deleted APIs (and their mediation routes) go; the
     * sweep runs a moment later so that the registry has reloaded first.
     */
    @org.springframework.transaction.event.TransactionalEventListener(classes = RegistryChangedEvent.class,
            fallbackExecution = true)
    public void registryChanged() {
        retirement.schedule(this::sweep, 1, TimeUnit.SECONDS);
    }

    /** Also every minute: APIs deleted through another gateway node reach this one by polling, not by event. */
    @org.springframework.scheduling.annotation.Scheduled(initialDelay = 60_000, fixedDelay = 60_000)
    synchronized void sweep() {
        Set<String> live = new HashSet<>();
        registry.allApis().forEach(api -> live.add(api.id()));
        for (ApiRuntime runtime : List.copyOf(byApiId.values())) {
            if (!live.contains(runtime.api().id()) && byApiId.remove(runtime.api().id(), runtime)) {
                retire(runtime);
            }
        }
    }

    /** Removes a replaced or deleted API's mediation routes once no call that started with them can still be running. */
    private void retire(ApiRuntime runtime) {
        if (runtime.routeIds().isEmpty()) {
            return;
        }
        long longest = runtime.backendTimeoutMillis();
        if (runtime.policy().queue() != null) {
            longest = Math.max(longest, runtime.policy().queue().timeout().toMillis());
        }
        retirement.schedule(() -> removeRoutes(runtime.routeIds()), longest + RETIRE_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A failure's message, or its class and its cause's when it has none (an NPE inside Camel says nothing else). */
    private static String describe(Throwable e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getCause() == null ? e.toString() : e + " (" + describe(e.getCause()) + ")";
    }

    private void removeRoutes(List<String> routeIds) {
        for (String id : routeIds) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception e) {
                log.warn("mediation route {} could not be removed: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public Problem problem(String organization, String backendUrl, ApiPolicy policy) {
        boolean queue = backendUrl.startsWith(BackendEndpoints.QUEUE_SCHEME);
        if (queue) {
            try {
                dev.caravan.broker.BrokerAddresses.apiQueue(organization,
                        backendUrl.substring(BackendEndpoints.QUEUE_SCHEME.length()));
            } catch (IllegalArgumentException e) {
                return new Problem("backendUrl", e.getMessage());
            }
        }
        if (!queue) {
            // where the URL leads: never the gateway itself, its host's loopback or the cloud's metadata
            String unreachable = addresses.problem(backendUrl);
            if (unreachable != null) {
                return new Problem("backendUrl", unreachable);
            }
        }
        if (policy.queue() != null && !queue) {
            return new Problem("policy.queue", "applies only to an API whose backendUrl is queue:<name>");
        }
        if (policy.backendSecurity() != null) {
            if (queue) {
                return new Problem("policy.backendSecurity", "does not apply to a queue backend");
            }
            // one answer for a profile that does not exist, is another organization's or not for this host
            BackendEndpoints.Backend backend;
            try {
                backend = BackendEndpoints.parse(backendUrl);
            } catch (RuntimeException e) {
                backend = null;
            }
            if (security.available(policy.backendSecurity(), organization, backend) == null) {
                return new Problem("policy.backendSecurity", NO_PROFILE);
            }
        }
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        Problem problem = mediators(model, "policy.mediation.request", policy.mediation().request());
        if (problem == null) {
            problem = mediators(model, "policy.mediation.response", policy.mediation().response());
        }
        if (problem == null) {
            problem = mediators(model, "policy.mediation.fault", policy.mediation().fault());
        }
        return problem;
    }

    private static Problem mediators(Model model, String at, List<MediatorRef> refs) {
        for (int i = 0; i < refs.size(); i++) {
            Problem problem = mediator(model, at + "[" + i + "]", refs.get(i));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * One mediator reference against the template the gateway holds now: the template exists and
     * follows {@link TemplateParameterRule} (a parameter is only ever the text of a constant);
     * every required parameter is given, no other, and not {@code name} (the gateway's); each
     * value passes {@link MediationParameters#validate}.
     */
    static Problem mediator(Model model, String at, MediatorRef ref) {
        RouteTemplateDefinition template = model.getRouteTemplateDefinition(ref.mediator());
        if (template == null) {
            return new Problem(at, "names no mediator (route template) known to the gateway");
        }
        String unsafe = TemplateParameterRule.problem(template);
        if (unsafe != null) {
            log.warn("mediator {} is refused: {}", ref.mediator(), unsafe);
            return new Problem(at, "names a mediator the gateway refuses to run (its template does not keep"
                    + " parameters as data; see the gateway's log)");
        }
        Set<String> known = new HashSet<>();
        List<RouteTemplateParameterDefinition> parameters = template.getTemplateParameters() == null ? List.of()
                : template.getTemplateParameters();
        for (RouteTemplateParameterDefinition parameter : parameters) {
            known.add(parameter.getName());
            if (!parameter.getName().equals(TemplateParameterRule.NAME) && parameter.isRequired()
                    && parameter.getDefaultValue() == null && !ref.parameters().containsKey(parameter.getName())) {
                return new Problem(at + ".parameters." + parameter.getName(), "is required by " + ref.mediator());
            }
        }
        for (String given : ref.parameters().keySet()) {
            if (given.equals(TemplateParameterRule.NAME)) {
                return new Problem(at + ".parameters." + given, "is set by the gateway, not by the API");
            }
            if (!known.contains(given)) {
                return new Problem(at + ".parameters." + given, "is not a parameter of " + ref.mediator());
            }
        }
        try {
            MediationParameters.validate(ref.mediator(), ref.parameters());
        } catch (MediationConfigException e) {
            return new Problem(at + ".parameters." + e.parameter(), e.getMessage());
        }
        return null;
    }

    @Override
    public void destroy() {
        retirement.shutdownNow();
    }
}
