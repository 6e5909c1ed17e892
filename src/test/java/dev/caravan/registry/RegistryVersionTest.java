package dev.caravan.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Two gateway nodes on one database: what one changes, the other's registry serves after its next poll. */
class RegistryVersionTest {

    /** A node: its own repositories (publishing to its own registry and version), registry and poller. */
    private static final class Node {
        final AtomicReference<Runnable> onChange = new AtomicReference<>(() -> { });
        final OrganizationRepository organizations;
        final PrimaryUserRepository users;
        final ApplicationRepository applications;
        final ApiRepository apis;
        final LiveRegistry registry;
        final RegistryVersion version;

        Node(JdbcClient jdbc) {
            org.springframework.context.ApplicationEventPublisher events = event -> onChange.get().run();
            organizations = new OrganizationRepository(jdbc, events);
            users = new PrimaryUserRepository(jdbc);
            applications = new ApplicationRepository(jdbc, events);
            apis = new ApiRepository(jdbc, events, org.springframework.transaction.support.TransactionOperations.withoutTransaction());
            registry = new LiveRegistry(organizations, applications, apis, new SubscriptionRepository(jdbc, events));
            version = new RegistryVersion(jdbc, registry);
            // what Spring does on a node: its own change reloads its registry and bumps the shared version
            onChange.set(() -> {
                registry.reload();
                version.bump();
            });
        }
    }

    private static JdbcClient database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:nodes_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return JdbcClient.create(dataSource);
    }

    @Test
    void aChangeOnOneNodeReachesTheOtherAtItsNextPoll() {
        JdbcClient jdbc = database();
        Node a = new Node(jdbc);
        Node b = new Node(jdbc);

        Organization org = a.organizations.create("org_nodes", "Nodes");
        PrimaryUser owner = a.users.create(org.id(), "owner", "not-a-real-hash", Set.of(PrimaryUser.SUBSCRIBER), null);
        a.applications.create(org.id(), owner.id(), "app", "key_nodes", "0".repeat(64), Set.of("client_credentials"));
        ApiDefinition api = a.apis.create(org.id(), "api", "/nodes", "1", "http://backend:1", List.of("Gold"));

        assertThat(a.registry.client("key_nodes")).isPresent();
        assertThat(b.registry.client("key_nodes")).as("before B polls").isEmpty();

        b.version.poll();

        assertThat(b.registry.client("key_nodes")).isPresent();
        assertThat(b.registry.resolve("/nodes/1/x")).isPresent();

        a.apis.delete(api.id());
        b.version.poll();
        assertThat(b.registry.resolve("/nodes/1/x")).isEmpty();
    }

    @Test
    void aPollWithoutChangesLeavesTheRegistryAsItIs() {
        JdbcClient jdbc = database();
        Node b = new Node(jdbc);
        LiveRegistry.Snapshot before = b.registry.snapshot();

        b.version.poll();

        assertThat(b.registry.snapshot()).isSameAs(before);
    }
}
