package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.gateway.ApiPolicyCheck;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPathTakenException;
import dev.caravan.registry.ApiPaths;
import dev.caravan.registry.ApiPolicies;
import dev.caravan.registry.ApiPolicy;
import dev.caravan.registry.InvalidApiPolicyException;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Organization;
import dev.caravan.registry.Subscription;
import dev.caravan.registry.SubscriptionRepository;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import dev.caravan.http.TrafficServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.transaction.support.TransactionOperations;

/**
 * APIs an organization publishes, addressed by id. The paths an API serves
 * ({@code /context/version/...}) overlap no other API's, of any organization (they are the
 * gateway's URL space, {@link ApiPaths}); context and version are fixed once created: a new
 * version is a new API. PUT replaces name, backend URL, tiers and policy (an absent policy is the default one).
 */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations/{org}/apis")
class ApiController {

    record ApiBody(String name, String context, String version, String backendUrl, List<String> tiers,
                   JsonNode policy) {}

    record ApiView(String id, String name, String context, String version, String backendUrl, List<String> tiers,
                   Instant createdAt, JsonNode policy) {
        static ApiView of(ApiDefinition api) {
            return new ApiView(api.id(), api.name(), api.context(), api.version(), api.backendUrl(), api.tiers(),
                    api.createdAt(), api.policy().isDefault() ? null : ApiPolicies.write(api.policy()));
        }
    }

    /** An API body that passed every rule. */
    private record Valid(String name, String context, String version, String backendUrl, List<String> tiers,
                         ApiPolicy policy) {
        static Valid of(Organization organization, ApiBody body, ApiPolicyCheck check) {
            String name = Checks.text("name", body.name(), 100);
            String context = Checks.context("context", body.context());
            String version = Checks.version("version", body.version());
            String backendUrl = Checks.backendUrl("backendUrl", body.backendUrl());
            List<String> tiers = Checks.tiers("tiers", body.tiers());
            ApiPolicy policy;
            try {
                policy = ApiPolicies.parse(body.policy());
            } catch (InvalidApiPolicyException e) {
                throw AdminError.invalid(e.field(), e.getMessage());
            }
            ApiPolicyCheck.Problem problem = check.problem(organization.name(), backendUrl, policy);
            if (problem != null) {
                throw AdminError.invalid(problem.field(), problem.message());
            }
            return new Valid(name, context, version, backendUrl, tiers, policy);
        }
    }

    private final ApiRepository apis;
    private final SubscriptionRepository subscriptions;
    private final AdminLookups lookups;
    private final ApiPolicyCheck policyCheck;
    private final TransactionOperations transactions;
    private final ObjectProvider<TrafficServer> trafficServer;

    ApiController(ApiRepository apis, SubscriptionRepository subscriptions, AdminLookups lookups,
                  ApiPolicyCheck policyCheck, TransactionOperations transactions,
                  ObjectProvider<TrafficServer> trafficServer) {
        this.apis = apis;
        this.subscriptions = subscriptions;
        this.lookups = lookups;
        this.policyCheck = policyCheck;
        this.transactions = transactions;
        this.trafficServer = trafficServer;
    }

    @PostMapping
    ResponseEntity<ApiView> create(@PathVariable String org, @RequestBody ApiBody body) {
        Organization organization = lookups.organization(org);
        Valid api = Valid.of(organization, body, policyCheck);
        String served = ApiPaths.served(api.context(), api.version());
        TrafficServer traffic = trafficServer.getIfAvailable();
        if (traffic != null && traffic.servedUnder(served) != null) {
            // the route is the operator's (a user route file) or the gateway's own: the API would
            // never be reached at that path, or would take it from the route
            throw AdminError.conflict("context", "paths under " + served + " are already served by a route of the gateway");
        }
        String id;
        try {
            id = apis.createUnlessPathTaken(organization.id(), api.name(), api.context(), api.version(),
                    api.backendUrl(), api.tiers(), api.policy()).id();
        } catch (ApiPathTakenException e) {
            // in the caller's own terms: which API, and whose, is not theirs to learn
            throw AdminError.conflict("context", "paths under " + ApiPaths.served(api.context(), api.version())
                    + " are already served by another API");
        }
        ApiDefinition created = lookups.api(organization, id); // as stored (the database rounds createdAt)
        return ResponseEntity.created(AdminLookups.location("organizations", organization.name(), "apis", created.id()))
                .body(ApiView.of(created));
    }

    @GetMapping
    List<ApiView> list(@PathVariable String org) {
        return apis.findByOrganization(lookups.organization(org).id()).stream().map(ApiView::of).toList();
    }

    @GetMapping("/{id}")
    ApiView get(@PathVariable String org, @PathVariable String id) {
        return ApiView.of(lookups.api(lookups.organization(org), id));
    }

    @PutMapping("/{id}")
    ApiView replace(@PathVariable String org, @PathVariable String id, @RequestBody ApiBody body) {
        Organization organization = lookups.organization(org);
        ApiDefinition existing = lookups.api(organization, id);
        Valid api = Valid.of(organization, body, policyCheck);
        if (!api.context().equals(existing.context())) {
            throw AdminError.invalid("context", "cannot be changed; publish a new API instead");
        }
        if (!api.version().equals(existing.version())) {
            throw AdminError.invalid("version", "cannot be changed; publish a new API version instead");
        }
        // the API's row stays locked until the update is stored, as a subscription locks it: a
        // subscription at a tier this update removes is either seen here (409) or refused there
        ApiDefinition updated = transactions.execute(status -> {
            ApiDefinition locked = apis.lockById(existing.id()).orElseThrow(() ->
                    AdminError.notFound("API '" + id + "' was deleted meanwhile"));
            TreeSet<String> removedInUse = new TreeSet<>();
            for (Subscription subscription : subscriptions.findByApi(locked.id())) {
                if (!api.tiers().contains(subscription.tier())) {
                    removedInUse.add(subscription.tier());
                }
            }
            if (!removedInUse.isEmpty()) {
                throw AdminError.conflict("tiers", "tiers " + removedInUse + " are used by subscriptions");
            }
            ApiDefinition next = new ApiDefinition(locked.id(), locked.organizationId(), api.name(),
                    locked.context(), locked.version(), api.backendUrl(), List.copyOf(api.tiers()),
                    locked.createdAt(), api.policy());
            apis.update(next);
            return next;
        });
        return ApiView.of(updated);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String org, @PathVariable String id) {
        apis.delete(lookups.api(lookups.organization(org), id).id());
        return ResponseEntity.noContent().build();
    }
}
