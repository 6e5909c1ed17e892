package dev.caravan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.broker.BrokerProperties;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import java.io.File;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The agents' acceptor over TLS: an agent that trusts the gateway's certificate serves its
 * directory; one that connects in plaintext gets nowhere (the password-carrying requests never
 * cross the network unencrypted). Also: a non-loopback acceptor without TLS refuses to start.
 */
class AgentOverTlsBrokerTest extends CaravanTestBase {
    private static final String BROKER_PASSWORD = "agent-tls-broker-Secret-9";
    private static final String USER_PASSWORD = "agent-tls-user-Pa55word!";
    private static final int BROKER_PORT = AgentDirectory.freePort();
    private static final File STORE = TestCertificates.localhost();
    private static AgentDirectory directory;

    @Autowired
    SecondaryStoreRepository stores;

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("caravan.broker.tcp.enabled", () -> true);
        registry.add("caravan.broker.tcp.port", () -> BROKER_PORT);
        registry.add("caravan.broker.tcp.key-store", STORE::getPath);
        registry.add("caravan.broker.tcp.key-store-password", () -> TestCertificates.PASSWORD);
        registry.add("caravan.broker.password", () -> BROKER_PASSWORD);
    }

    @BeforeAll
    static void startDirectory() throws Exception {
        directory = new AgentDirectory(USER_PASSWORD);
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    private static ConfigurableApplicationContext startAgent(String organization, String brokerUrl) {
        return directory.startAgent(organization, brokerUrl, BROKER_PASSWORD);
    }

    private Fixtures.World agentWorld() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        stores.save(world.organization().id(), new SecondaryStoreDefinition(world.organization().name(),
                "ldap", SecondaryStoreDefinition.Mode.AGENT, null,
                Duration.ofSeconds(3), 2, 8, 50, Duration.ofSeconds(1)));
        return world;
    }

    private Http.Response login(Fixtures.World world) {
        return AgentDirectory.login(traffic("/oauth2/token"), world, USER_PASSWORD);
    }

    @Test
    void anAgentTrustingTheGatewaysCertificateServesOverTls() {
        Fixtures.World world = agentWorld();
        String url = "tcp://127.0.0.1:" + BROKER_PORT + "?sslEnabled=true&trustStorePath=" + STORE.getPath()
                + "&trustStorePassword=" + TestCertificates.PASSWORD + "&trustStoreType=PKCS12";

        try (ConfigurableApplicationContext agent = startAgent(world.organization().name(), url)) {
            Http.Response ok = login(world);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }
    }

    @Test
    void aPlaintextAgentGetsNowhere() {
        Fixtures.World world = agentWorld();
        ConfigurableApplicationContext agent = null;
        try {
            // short client timeouts: a plaintext hello to a TLS acceptor gets no answer, only a timeout
            agent = startAgent(world.organization().name(), "tcp://127.0.0.1:" + BROKER_PORT
                    + "?callTimeout=2000&callFailoverTimeout=2000&connectionTTL=4000&initialConnectAttempts=1");
        } catch (RuntimeException refused) {
            // refused at start-up: also fine
        }
        try {
            assertThat(login(world).status()).isEqualTo(503);
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void anAcceptorOffLoopbackWithoutTlsRefusesToStart() {
        BrokerProperties.Tcp open = new BrokerProperties.Tcp(true, "0.0.0.0", 61616, "", "", "PKCS12", false);
        assertThatThrownBy(() -> dev.caravan.broker.EmbeddedBrokerAccess.agentAcceptor(open))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("caravan.broker.tcp.key-store");
        BrokerProperties.Tcp allowed = new BrokerProperties.Tcp(true, "0.0.0.0", 61616, "", "", "PKCS12", true);
        assertThat(dev.caravan.broker.EmbeddedBrokerAccess.agentAcceptor(allowed).getParams()).containsEntry("host", "0.0.0.0");
    }
}
