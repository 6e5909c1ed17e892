package dev.caravan.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.jwt.SigningKeyProperties;
import dev.caravan.jwt.SigningKeyRepository;
import dev.caravan.jwt.SigningKeys;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import dev.caravan.userstore.external.StoreDefinitions;
import dev.caravan.userstore.ldap.LdapKind;
import dev.caravan.userstore.webservice.WebServiceKind;
import dev.caravan.userstore.webservice.WebServiceSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Rotating {@code caravan.secrets.key} without downtime, with two nodes on one H2 database
 * restarted step by step, each step beside a node still on the previous step's configuration:
 * (1) the new key as a previous key everywhere, (2) the new key current and the old one previous,
 * (3) every stored secret re-sealed with the new key, (4) the old key dropped. Stored secrets
 * are a userstore's credentials and the signing keys' private halves.
 */
class SecretsKeyRotationTest {
    private static final String K1 = key(11);
    private static final String K2 = key(22);
    private static final String SERVICE_PASSWORD = "service-Password-Rotation-1";
    private JdbcClient jdbc;
    private OrganizationRepository organizations;

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) seed);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:secrets_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        organizations = new OrganizationRepository(jdbc, event -> { });
    }

    /** A node started with this secrets configuration: its stores, its signing keys and, if asked, its start-up re-seal. */
    private final class Node {
        final SecretBox box;
        final SecondaryStoreRepository userstores;
        final SigningKeys signingKeys;
        final StoredSecrets secrets;
        final StoredSecrets.Report atStart;

        Node(String current, String... previous) {
            this(false, current, previous);
        }

        Node(boolean resealOnStart, String current, String... previous) {
            SecretsProperties properties = new SecretsProperties(current, "unused", false, List.of(previous), resealOnStart);
            box = new SecretBox(properties);
            userstores = new SecondaryStoreRepository(jdbc, box, event -> { },
                    new StoreDefinitions(List.of(new LdapKind(), new WebServiceKind())));
            SigningKeyRepository keyRows = new SigningKeyRepository(jdbc, box);
            signingKeys = new SigningKeys(keyRows, MediatorRig.properties(Map.of()), SigningKeyProperties.defaults(), true,
                    Clock.systemUTC());
            secrets = new StoredSecrets(List.of(userstores, keyRows), box, properties);
            atStart = resealOnStart ? secrets.reseal() : null;
        }

        String servicePassword(String organization) {
            return userstores.find(organization).orElseThrow().settings(WebServiceSettings.class).password();
        }

        String kid() throws Exception {
            return JsonWebSignature.fromCompactSerialization(signingKeys.sign("{}", "JWT")).getKeyIdHeaderValue();
        }
    }

    private String organizationWithStore(Node writer) {
        String name = "org_" + UUID.randomUUID().toString().substring(0, 8);
        String id = organizations.create(name, name).id();
        writer.userstores.save(id, new SecondaryStoreDefinition(name, "webservice",
                SecondaryStoreDefinition.Mode.LOCAL, new WebServiceSettings("https://auth.example/check", "gateway",
                        SERVICE_PASSWORD, null, null, null, Duration.ofSeconds(3), null, null),
                Duration.ofSeconds(3), 2, 8, 5, Duration.ofSeconds(30)));
        return name;
    }

    private Map<String, Integer> sealedBy(Node node, String place) {
        return node.secrets.census().sealedBy().get(place);
    }

    @Test
    void theRollingProcedureKeepsEveryNodeWorkingAtEveryStep() throws Exception {
        Node a = new Node(K1);
        Node b = new Node(K1);
        String kid = a.kid();
        String first = organizationWithStore(a);
        String id1 = a.box.currentKeyId();

        // step 1: B knows K2 (open only); A does not yet. Both still seal with K1.
        b = new Node(K1, K2);
        String id2 = b.box.previousKeyIds().get(0);
        String second = organizationWithStore(b);
        assertThat(a.servicePassword(second)).isEqualTo(SERVICE_PASSWORD);
        assertThat(b.servicePassword(first)).isEqualTo(SERVICE_PASSWORD);
        a = new Node(K1, K2);

        // step 2 on A (B still on step 1), with the re-seal at start that may come with it:
        // A seals with K2 and re-seals what it finds; B opens all of it
        a = new Node(true, K2, K1);
        assertThat(a.atStart.resealed()).as("two userstore secrets and the signing key").isEqualTo(3);
        assertThat(sealedBy(a, "secondary_userstore")).isEqualTo(Map.of(id2, 2));
        assertThat(sealedBy(a, "signing_key")).isEqualTo(Map.of(id2, 1));
        String third = organizationWithStore(b);
        assertThat(a.servicePassword(third)).isEqualTo(SERVICE_PASSWORD);
        assertThat(b.servicePassword(first)).isEqualTo(SERVICE_PASSWORD);
        Node restartedOnStep1 = new Node(K1, K2);
        assertThat(restartedOnStep1.kid()).as("a step-1 node starting now signs with the same key").isEqualTo(kid);
        assertThat(sealedBy(restartedOnStep1, "signing_key")).as("and re-seals nothing back").isEqualTo(Map.of(id2, 1));

        // step 2 on B
        b = new Node(K2, K1);
        assertThat(sealedBy(b, "secondary_userstore")).as("B sealed one value with K1 meanwhile")
                .isEqualTo(Map.of(id1, 1, id2, 2));

        // step 3: the admin re-seal on any node; a second one finds nothing left to do
        StoredSecrets.Report report = b.secrets.reseal();
        assertThat(report.resealed()).isEqualTo(1);
        assertThat(report.unreadable()).isZero();
        StoredSecrets.Report again = a.secrets.reseal();
        assertThat(again.resealed()).isZero();
        assertThat(again.alreadyCurrent()).isEqualTo(4);
        assertThat(sealedBy(b, "secondary_userstore")).isEqualTo(Map.of(id2, 3));
        assertThat(sealedBy(b, "signing_key")).isEqualTo(Map.of(id2, 1));

        // step 4: K1 dropped; everything opens, the signing key is the same
        Node last = new Node(K2);
        assertThat(last.servicePassword(first)).isEqualTo(SERVICE_PASSWORD);
        assertThat(last.servicePassword(second)).isEqualTo(SERVICE_PASSWORD);
        assertThat(last.servicePassword(third)).isEqualTo(SERVICE_PASSWORD);
        assertThat(last.kid()).isEqualTo(kid);
        assertThat(id1).isNotEqualTo(id2);
    }

    @Test
    void theCensusTellsWhenNothingIsLeftThatOnlyTheOldKeyOpens() {
        Node old = new Node(K1);
        organizationWithStore(old);
        String id1 = old.box.currentKeyId();

        Node rotated = new Node(false, K2, K1);
        String id2 = rotated.box.currentKeyId();
        assertThat(sealedBy(rotated, "secondary_userstore")).isEqualTo(Map.of(id1, 1));
        assertThat(sealedBy(rotated, "signing_key")).isEqualTo(Map.of(id1, 1));

        StoredSecrets.Report report = rotated.secrets.reseal();

        assertThat(report.resealed()).isEqualTo(2);
        assertThat(report.currentKeyId()).isEqualTo(id2);
        assertThat(sealedBy(rotated, "secondary_userstore")).isEqualTo(Map.of(id2, 1));
        assertThat(sealedBy(rotated, "signing_key")).isEqualTo(Map.of(id2, 1));
    }

    @Test
    void aNodeGivenOnlyTheNewKeyBeforeTheResealStopsAtStartNamingTheKeyItLacks() {
        Node old = new Node(K1);
        String organization = organizationWithStore(old);
        String id1 = old.box.currentKeyId();

        // step 4 before step 3: the signing key cannot be opened, so the node does not start
        assertThatThrownBy(() -> new Node(K2)).hasMessageContaining(id1).hasMessageContaining("caravan.secrets");
        assertThat(old.servicePassword(organization)).isEqualTo(SERVICE_PASSWORD);
    }

    @Test
    void reportsHoldCountsAndKeyIdsNeverAValue() {
        Node a = new Node(K1);
        organizationWithStore(a);
        Node b = new Node(true, K2, K1);

        assertThat(b.atStart.toString() + b.secrets.census()).doesNotContain(SERVICE_PASSWORD).doesNotContain(K1)
                .doesNotContain(K2).doesNotContain("v2:");
    }
}
