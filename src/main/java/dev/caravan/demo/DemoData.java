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
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import dev.caravan.userstore.ldap.LdapSettings;
import dev.caravan.userstore.webservice.WebServiceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Seeds the demo once. {@code my_company}: subscriber {@code alice} (primary store), owner of
 * application {@code app2}; API {@code placeFinder} 1.0.0 on the echo backend, subscribed by
 * {@code app2} at tier Silver; end user {@code jane} lives in the organization's LDAP directory
 * ({@link DemoDirectory}), its secondary store. {@code acme}: subscriber {@code carol}, application
 * {@code acme-app} subscribed to API {@code weather} 1.0.0; end user {@code bob} is known only to
 * acme's authentication web service ({@link DemoAuthService}). The credentials are in README.md.
 */
@Component
@Profile("demo")
public class DemoData implements dev.caravan.registry.OrganizationSeed {
    public static final String ORGANIZATION = "my_company";
    public static final String END_USER = "jane";
    public static final String END_USER_PASSWORD = "jane-demo-password";
    public static final String SUBSCRIBER = "alice";
    public static final String SUBSCRIBER_PASSWORD = "alice-demo-password";
    public static final String CONSUMER_KEY = "app2-demo-consumer-key";
    public static final String CONSUMER_SECRET = "app2-demo-consumer-secret";
    public static final String SECOND_ORGANIZATION = "acme";
    public static final String SECOND_SUBSCRIBER = "carol";
    public static final String SECOND_SUBSCRIBER_PASSWORD = "carol-demo-password";
    public static final String SECOND_CONSUMER_KEY = "acme-demo-consumer-key";
    public static final String SECOND_CONSUMER_SECRET = "acme-demo-consumer-secret";

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);

    public DemoData(OrganizationRepository organizations, PrimaryUserRepository users, ApplicationRepository apps,
                    ApiRepository apis, SubscriptionRepository subscriptions, PasswordHasher hasher,
                    EchoBackend echo, DemoDirectory directory, DemoAuthService authService,
                    SecondaryStoreRepository userstores) {
        String echoUrl = "http://127.0.0.1:" + echo.port() + "/echo";
        Organization org = organizations.findByName(ORGANIZATION).orElse(null);
        if (org == null) {
            org = organizations.create(ORGANIZATION, "My Company (demo)");
            PrimaryUser alice = users.create(org.id(), SUBSCRIBER, hasher.hash(SUBSCRIBER_PASSWORD),
                    Set.of(PrimaryUser.SUBSCRIBER, PrimaryUser.PUBLISHER), "alice@example.com");
            var app = apps.create(org.id(), alice.id(), "app2", CONSUMER_KEY, Secrets.sha256Hex(CONSUMER_SECRET),
                    Set.of("password", "client_credentials", "refresh_token"));
            var api = apis.create(org.id(), "placeFinder", "/placeFinder", "1.0.0", echoUrl,
                    List.of("Gold", "Silver", "Bronze"));
            subscriptions.create(app.id(), api.id(), "Silver");
            LOG.info("demo organization '{}' created (see README.md for its users and application)", ORGANIZATION);
        }
        Organization acme = organizations.findByName(SECOND_ORGANIZATION).orElse(null);
        if (acme == null) {
            acme = organizations.create(SECOND_ORGANIZATION, "Acme Travel (demo)");
            PrimaryUser carol = users.create(acme.id(), SECOND_SUBSCRIBER, hasher.hash(SECOND_SUBSCRIBER_PASSWORD),
                    Set.of(PrimaryUser.SUBSCRIBER, PrimaryUser.PUBLISHER), "carol@example.com");
            var app = apps.create(acme.id(), carol.id(), "acme-app", SECOND_CONSUMER_KEY,
                    Secrets.sha256Hex(SECOND_CONSUMER_SECRET), Set.of("password", "client_credentials", "refresh_token"));
            var api = apis.create(acme.id(), "weather", "/weather", "1.0.0", echoUrl, List.of("Gold", "Silver", "Bronze"));
            subscriptions.create(app.id(), api.id(), "Gold");
            LOG.info("demo organization '{}' created (see README.md)", SECOND_ORGANIZATION);
        }
        // the demo's directory and service listen on ports chosen at start-up: (re)point the stores at them
        userstores.save(org.id(), directoryStore(directory.port()));
        userstores.save(acme.id(), authServiceStore(authService.port()));
    }

    private static SecondaryStoreDefinition directoryStore(int port) {
        LdapSettings ldap = new LdapSettings(List.of("ldap://127.0.0.1:" + port), false, DemoDirectory.SERVICE_DN,
                DemoDirectory.SERVICE_PASSWORD, DemoDirectory.PEOPLE, "(uid={0})", DemoDirectory.GROUPS,
                "(member={0})", "cn", Map.of("email", "mail", "givenname", "givenName"), Map.of(), 4,
                Duration.ofSeconds(3), Duration.ofSeconds(5), null, null);
        return new SecondaryStoreDefinition(ORGANIZATION, "ldap",
                SecondaryStoreDefinition.Mode.LOCAL, ldap, Duration.ofSeconds(5), 4, 16, 5, Duration.ofSeconds(30));
    }

    private static SecondaryStoreDefinition authServiceStore(int port) {
        WebServiceSettings service = new WebServiceSettings("http://127.0.0.1:" + port + DemoAuthService.PATH,
                DemoAuthService.GATEWAY_USER, DemoAuthService.GATEWAY_PASSWORD, null, null, null,
                Duration.ofSeconds(3), null, null);
        return new SecondaryStoreDefinition(SECOND_ORGANIZATION, "webservice",
                SecondaryStoreDefinition.Mode.LOCAL, service, Duration.ofSeconds(5), 4, 16, 5, Duration.ofSeconds(30));
    }
}
