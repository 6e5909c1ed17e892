package dev.caravan.testsupport;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Application;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.registry.SubscriptionRepository;
import dev.caravan.token.Secrets;
import dev.caravan.userstore.PasswordHasher;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Creates a fresh, uniquely named world per test: an organization with a subscriber who owns
 * an application, an end user, and an API on a given backend subscribed at tier Silver.
 * Tests share one application context, so nothing here collides between tests.
 */
@Component
public class Fixtures {
    public static final String END_USER_PASSWORD = "end-user-Pa55word!";
    public static final String SUBSCRIBER_PASSWORD = "subscriber-Pa55word!";

    private final OrganizationRepository organizations;
    private final PrimaryUserRepository users;
    private final ApplicationRepository applications;
    private final ApiRepository apis;
    private final SubscriptionRepository subscriptions;
    private final PasswordHasher hasher;

    public Fixtures(OrganizationRepository organizations, PrimaryUserRepository users,
                    ApplicationRepository applications, ApiRepository apis, SubscriptionRepository subscriptions,
                    PasswordHasher hasher) {
        this.organizations = organizations;
        this.users = users;
        this.applications = applications;
        this.apis = apis;
        this.subscriptions = subscriptions;
        this.hasher = hasher;
    }

    /** What a test needs to call the Token API and the API. */
    public record World(Organization organization, PrimaryUser subscriber, PrimaryUser endUser,
                        Application application, String consumerKey, String consumerSecret, ApiDefinition api) {

        public String endUserName() {
            return endUser.username() + "@" + organization.name();
        }

        /** {@code /{context}/{version}} of the API. */
        public String apiPath() {
            return api.context() + "/" + api.version();
        }
    }

    public World world(String backendUrl) {
        return world(backendUrl, "org_" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * A world whose organization has this name (for settings that must name it before it exists);
     * a second world of the same name shares the organization.
     */
    public World world(String backendUrl, String organizationName) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Organization org = organizations.findByName(organizationName)
                .orElseGet(() -> organizations.create(organizationName, "Test org " + suffix));
        PrimaryUser subscriber = users.create(org.id(), "dev_" + suffix, hasher.hash(SUBSCRIBER_PASSWORD),
                Set.of(PrimaryUser.SUBSCRIBER, PrimaryUser.PUBLISHER), null);
        PrimaryUser endUser = users.create(org.id(), "user_" + suffix, hasher.hash(END_USER_PASSWORD), Set.of(), null);
        String consumerKey = "key_" + suffix;
        String consumerSecret = Secrets.random(32);
        Application app = applications.create(org.id(), subscriber.id(), "app_" + suffix, consumerKey,
                Secrets.sha256Hex(consumerSecret), Set.of("password", "client_credentials", "refresh_token"));
        ApiDefinition api = apis.create(org.id(), "api_" + suffix, "/api_" + suffix, "1.0.0", backendUrl,
                List.of("Gold", "Silver", "Bronze"));
        subscriptions.create(app.id(), api.id(), "Silver");
        return new World(org, subscriber, endUser, app, consumerKey, consumerSecret, api);
    }

    /** Another end user in an existing organization. */
    public PrimaryUser endUser(Organization org, String username, String password) {
        return users.create(org.id(), username, hasher.hash(password), Set.of(), null);
    }

    /** An API of the organization that the world's application is not subscribed to. */
    public ApiDefinition unsubscribedApi(Organization org, String backendUrl) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return apis.create(org.id(), "other_" + suffix, "/other_" + suffix, "2.0", backendUrl, List.of("Gold"));
    }

    /** A second application of the organization, with its own secret. */
    public record Client(Application application, String consumerKey, String consumerSecret) {}

    public Client client(World world, Set<String> grantTypes) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String secret = Secrets.random(32);
        Application app = applications.create(world.organization().id(), world.subscriber().id(), "app_" + suffix,
                "key_" + suffix, Secrets.sha256Hex(secret), grantTypes);
        return new Client(app, app.consumerKey(), secret);
    }
}
