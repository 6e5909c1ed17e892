package dev.caravan.testsupport;

import dev.caravan.gateway.ApiRuntimes;
import dev.caravan.gateway.BackendAddressPolicy;
import dev.caravan.gateway.BackendEndpoints;
import dev.caravan.gateway.BackendSecurityProfiles;
import dev.caravan.gateway.BackendSecurityProperties;

import dev.caravan.config.CaravanProperties;
import dev.caravan.jwt.AccessTokens;
import dev.caravan.jwt.BackendJwts;
import dev.caravan.jwt.SigningKeyProperties;
import dev.caravan.jwt.SigningKeyRepository;
import dev.caravan.jwt.SigningKeys;
import dev.caravan.secrets.SecretBox;
import dev.caravan.secrets.SecretsProperties;
import java.time.Clock;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Application;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.registry.SubscriptionRepository;
import dev.caravan.token.Revocations;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The real collaborators of the gateway's mediators, built by hand without Spring or Camel for
 * tier-1 tests on a plain {@code Exchange}: a fresh in-memory H2 database migrated by Flyway,
 * the repositories, the live registry, the signing keys, access tokens, backend JWTs and
 * revocations. {@link #world(String)} creates an organization, a subscriber, an end user, an
 * application and an API subscribed at Silver, and refreshes the registry.
 */
public final class MediatorRig {
    public final CaravanProperties properties;
    public final JdbcClient jdbc;
    public final OrganizationRepository organizations;
    public final PrimaryUserRepository users;
    public final ApplicationRepository applications;
    public final ApiRepository apis;
    public final SubscriptionRepository subscriptions;
    public final LiveRegistry registry;
    public final SigningKeys keys;
    public final AccessTokens accessTokens;
    public final BackendJwts backendJwts;
    public final Revocations revocations;
    public final ApiRuntimes runtimes;
    private static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

    /** What one test needs: names and ids of the rows created for it. */
    public record World(Organization organization, PrimaryUser subscriber, PrimaryUser endUser,
                        Application application, ApiDefinition api) {}

    public MediatorRig() {
        this(Map.of());
    }

    /** {@code overrides} are {@code caravan.*} properties, e.g. {@code caravan.backend-jwt.enabled=false}. */
    public MediatorRig(Map<String, String> overrides) {
        this.properties = properties(overrides);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:rig_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.jdbc = JdbcClient.create(dataSource);
        ApplicationEventPublisher ignored = event -> { };
        this.organizations = new OrganizationRepository(jdbc, ignored);
        this.users = new PrimaryUserRepository(jdbc);
        this.applications = new ApplicationRepository(jdbc, ignored);
        this.apis = new ApiRepository(jdbc, ignored,
                new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource)));
        this.subscriptions = new SubscriptionRepository(jdbc, ignored);
        this.registry = new LiveRegistry(organizations, applications, apis, subscriptions);
        this.keys = signingKeys(jdbc, properties);
        this.accessTokens = new AccessTokens(keys, properties);
        this.backendJwts = new BackendJwts(keys, properties);
        this.revocations = new Revocations(jdbc);
        this.runtimes = new ApiRuntimes(PlainExchange.context(), profiles(overrides), new BackendEndpoints(),
                addresses(overrides), properties, registry);
    }

    /** The key that seals stored secrets in tests (as in src/test/resources/application.properties). */
    public static final String SECRETS_KEY = "BEXCXx0ONfh/DzquCEIJJo1OCIlKjV93jwuGUi2/gI0=";

    /** Signing keys over {@code jdbc} as a node starts them: private keys sealed with {@link #SECRETS_KEY}, default rotation settings. */
    public static SigningKeys signingKeys(JdbcClient jdbc, CaravanProperties properties) {
        return new SigningKeys(new SigningKeyRepository(jdbc, new SecretBox(new SecretsProperties(SECRETS_KEY, "unused"))),
                properties, SigningKeyProperties.defaults(), true, Clock.systemUTC());
    }

    /** API runtimes (policy compilation) over the plain exchanges' Camel context, with these {@code caravan.*} settings. */
    public ApiRuntimes runtimes(Map<String, String> overrides) {
        return new ApiRuntimes(PlainExchange.context(), profiles(overrides), new BackendEndpoints(), addresses(overrides),
                properties(overrides), registry);
    }

    /** Backend security profiles and trusted proxies bound from these {@code caravan.*} settings. */
    public static BackendSecurityProfiles profiles(Map<String, String> overrides) {
        return profiles(overrides, addresses(overrides));
    }

    /** The same, their clients checking new connections with {@code addresses}. */
    public static BackendSecurityProfiles profiles(Map<String, String> overrides, BackendAddressPolicy addresses) {
        BackendSecurityProperties security = new Binder(new MapConfigurationPropertySource(new HashMap<>(overrides)))
                .bindOrCreate("caravan", BackendSecurityProperties.class);
        return new BackendSecurityProfiles(VERTX, properties(overrides), security, addresses);
    }

    /** The backend address policy of these {@code caravan.*} settings (no own ports: no gateway listens). */
    public static BackendAddressPolicy addresses(Map<String, String> overrides) {
        return new BackendAddressPolicy(properties(overrides).gateway().backendNetworks());
    }

    /** {@link CaravanProperties} bound the way Spring Boot binds them, defaults included. */
    /** The networks src/test/resources/application.properties allows: the tests' backends listen there. */
    public static final String LOOPBACK = "127.0.0.0/8,::1/128";

    public static CaravanProperties properties(Map<String, String> overrides) {
        Map<String, String> source = new HashMap<>();
        source.put("caravan.admin.password", "unit-test-password");
        // as in src/test/resources/application.properties: the tests' backends are on loopback
        source.put("caravan.gateway.backend-networks.allowed", LOOPBACK);
        source.putAll(overrides);
        return new Binder(new MapConfigurationPropertySource(source)).bind("caravan", CaravanProperties.class)
                .orElseThrow(() -> new IllegalStateException("caravan properties did not bind"));
    }

    public World world(String backendUrl) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Organization org = organizations.create("org_" + suffix, "Org " + suffix);
        PrimaryUser subscriber = users.create(org.id(), "dev_" + suffix, "not-a-real-hash",
                Set.of(PrimaryUser.SUBSCRIBER), null);
        PrimaryUser endUser = users.create(org.id(), "user_" + suffix, "not-a-real-hash", Set.of(), null);
        Application app = applications.create(org.id(), subscriber.id(), "app_" + suffix, "key_" + suffix,
                "0".repeat(64), Set.of("password", "client_credentials"));
        ApiDefinition api = apis.create(org.id(), "api_" + suffix, "/api_" + suffix, "1.0.0", backendUrl,
                List.of("Gold", "Silver"));
        subscriptions.create(app.id(), api.id(), "Silver");
        registry.reload();
        return new World(org, subscriber, endUser, app, api);
    }

    /** An access token for the world's end user, issued by the real token issuer. */
    public String endUserToken(World world) {
        return accessTokens.issue(world.endUser().username() + "@" + world.organization().name(),
                world.application().consumerKey(), world.organization().name(), world.endUser().username(),
                "default", null).value();
    }

    /** An access token for the world's application itself (client_credentials shape). */
    public String applicationToken(World world) {
        String clientId = world.application().consumerKey();
        return accessTokens.issue(clientId, clientId, world.organization().name(), null, "default", null).value();
    }
}
