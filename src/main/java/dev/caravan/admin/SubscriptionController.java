package dev.caravan.admin;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Application;
import dev.caravan.registry.Organization;
import dev.caravan.registry.Subscription;
import dev.caravan.registry.SubscriptionRepository;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.transaction.support.TransactionOperations;

/** An application's subscriptions to APIs of its own organization, each at one of the API's tiers. */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations/{org}/applications/{name}/subscriptions")
class SubscriptionController {

    record CreateSubscription(String apiId, String tier) {}

    private record Created(ApiDefinition api, String subscriptionId) {}

    record SubscriptionView(String id, String application, String apiId, String apiName, String apiContext,
                            String apiVersion, String tier, Instant createdAt) {}

    private final SubscriptionRepository subscriptions;
    private final ApiRepository apis;
    private final AdminLookups lookups;
    private final TransactionOperations transactions;

    SubscriptionController(SubscriptionRepository subscriptions, ApiRepository apis, AdminLookups lookups,
                           TransactionOperations transactions) {
        this.subscriptions = subscriptions;
        this.apis = apis;
        this.lookups = lookups;
        this.transactions = transactions;
    }

    @PostMapping
    ResponseEntity<SubscriptionView> create(@PathVariable String org, @PathVariable String name,
                                            @RequestBody CreateSubscription body) {
        Organization organization = lookups.organization(org);
        Application app = lookups.application(organization, name);
        String apiId = Checks.text("apiId", body.apiId(), 36);
        String tier = Checks.text("tier", body.tier(), 50);
        // the API's row stays locked until the subscription is stored: a concurrent change of its
        // tiers (which locks it too) comes before or after, never between the check and the insert
        Created created = transactions.execute(status -> {
            ApiDefinition locked = apis.lockById(apiId)
                    .filter(found -> found.organizationId().equals(organization.id()))
                    .orElseThrow(() -> AdminError.invalid("apiId", "must name an API of organization '"
                            + organization.name() + "'"));
            if (!locked.tiers().contains(tier)) {
                throw AdminError.invalid("tier", "must be one of the API's tiers " + locked.tiers());
            }
            boolean subscribed = subscriptions.findByApplication(app.id()).stream()
                    .anyMatch(existing -> existing.apiId().equals(locked.id()));
            if (subscribed) {
                throw AdminError.conflict("apiId", "application '" + app.name() + "' is already subscribed to this API");
            }
            return new Created(locked, subscriptions.create(app.id(), locked.id(), tier).id());
        });
        ApiDefinition api = created.api();
        String id = created.subscriptionId();
        Subscription subscription = subscriptions.findById(id) // as stored (the database rounds createdAt)
                .orElseThrow(() -> AdminError.notFound("the subscription was deleted meanwhile"));
        return ResponseEntity.created(AdminLookups.location("organizations", organization.name(), "applications",
                        app.name(), "subscriptions", subscription.id()))
                .body(view(subscription, app, api));
    }

    @GetMapping
    List<SubscriptionView> list(@PathVariable String org, @PathVariable String name) {
        Application app = lookups.application(lookups.organization(org), name);
        return subscriptions.findByApplication(app.id()).stream()
                .map(subscription -> view(subscription, app, apis.findById(subscription.apiId()).orElse(null)))
                .toList();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String org, @PathVariable String name, @PathVariable String id) {
        Application app = lookups.application(lookups.organization(org), name);
        Subscription subscription = subscriptions.findById(id)
                .filter(found -> found.applicationId().equals(app.id()))
                .orElseThrow(() -> AdminError.notFound("no subscription '" + id + "' of application '" + name + "'"));
        subscriptions.delete(subscription.id());
        return ResponseEntity.noContent().build();
    }

    private static SubscriptionView view(Subscription subscription, Application app, ApiDefinition api) {
        return new SubscriptionView(subscription.id(), app.name(), subscription.apiId(),
                api == null ? null : api.name(), api == null ? null : api.context(),
                api == null ? null : api.version(), subscription.tier(), subscription.createdAt());
    }
}
