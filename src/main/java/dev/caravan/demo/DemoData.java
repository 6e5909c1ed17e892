package dev.caravan.demo;

import dev.caravan.registry.ApiRepository;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Seeds the demo organization once: {@code my_company}; end user {@code jane}; subscriber
 * {@code alice}, owner of application {@code app2}; API {@code placeFinder} 1.0.0 on the echo
 * backend, subscribed by {@code app2} at tier Silver. The credentials are in README.md.
 */
@Component
@Profile("demo")
public class DemoData {
    public static final String ORGANIZATION = "my_company";
    public static final String END_USER = "jane";
    public static final String END_USER_PASSWORD = "jane-demo-password";
    public static final String SUBSCRIBER = "alice";
    public static final String SUBSCRIBER_PASSWORD = "alice-demo-password";
    public static final String CONSUMER_KEY = "app2-demo-consumer-key";
    public static final String CONSUMER_SECRET = "app2-demo-consumer-secret";

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);

    public DemoData(OrganizationRepository organizations, PrimaryUserRepository users, ApplicationRepository apps,
                    ApiRepository apis, SubscriptionRepository subscriptions, PasswordHasher hasher,
                    EchoBackend echo) {
        if (organizations.findByName(ORGANIZATION).isPresent()) {
            return;
        }
        Organization org = organizations.create(ORGANIZATION, "My Company (demo)");
        users.create(org.id(), END_USER, hasher.hash(END_USER_PASSWORD), Set.of(), "jane@example.com");
        PrimaryUser alice = users.create(org.id(), SUBSCRIBER, hasher.hash(SUBSCRIBER_PASSWORD),
                Set.of(PrimaryUser.SUBSCRIBER, PrimaryUser.PUBLISHER), "alice@example.com");
        var app = apps.create(org.id(), alice.id(), "app2", CONSUMER_KEY, Secrets.sha256Hex(CONSUMER_SECRET),
                Set.of("password", "client_credentials", "refresh_token"));
        var api = apis.create(org.id(), "placeFinder", "/placeFinder", "1.0.0",
                "http://127.0.0.1:" + echo.port() + "/echo", List.of("Gold", "Silver", "Bronze"));
        subscriptions.create(app.id(), api.id(), "Silver");
        LOG.info("demo organization '{}' created (see README.md for its users and application)", ORGANIZATION);
    }
}
