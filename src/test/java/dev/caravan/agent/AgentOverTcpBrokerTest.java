package dev.caravan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Gateway and agent as two application contexts joined only by the gateway's broker over TCP:
 * the organization's directory is reachable from the agent alone (the gateway holds no LDAP
 * settings for it), and its users log in through the gateway.
 */
class AgentOverTcpBrokerTest extends CaravanTestBase {
    private static final String BROKER_PASSWORD = "agent-broker-Secret-7";
    private static final String USER_PASSWORD = "agent-user-Pa55word!";
    private static final int BROKER_PORT = AgentDirectory.freePort();
    /** An agent user of the gateway's broker that may serve this one organization only. */
    private static final String SCOPED_AGENT = "scoped-agent";
    private static final String SCOPED_AGENT_PASSWORD = "scoped-agent-Secret-3";
    private static final String SCOPED_ORGANIZATION = "scoped_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    private static AgentDirectory directory;

    @Autowired
    SecondaryStoreRepository stores;

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("caravan.broker.tcp.enabled", () -> true);
        registry.add("caravan.broker.tcp.port", () -> BROKER_PORT);
        registry.add("caravan.broker.password", () -> BROKER_PASSWORD);
        registry.add("caravan.broker.agents." + SCOPED_AGENT + ".password", () -> SCOPED_AGENT_PASSWORD);
        registry.add("caravan.broker.agents." + SCOPED_AGENT + ".organizations[0]", () -> SCOPED_ORGANIZATION);
    }

    @BeforeAll
    static void startDirectory() throws Exception {
        directory = new AgentDirectory(USER_PASSWORD);
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    private static ConfigurableApplicationContext startAgent(String organization, String brokerPassword) {
        return directory.startAgent(organization, "tcp://127.0.0.1:" + BROKER_PORT, brokerPassword);
    }

    private Http.Response login(Fixtures.World world, String password) {
        return AgentDirectory.login(traffic("/oauth2/token"), world, password);
    }

    @Test
    void agentServesTheDirectoryTheGatewayCannotReach() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        stores.save(world.organization().id(), new SecondaryStoreDefinition(org, "ldap",
                SecondaryStoreDefinition.Mode.AGENT, null, Duration.ofSeconds(3), 2, 8, 50, Duration.ofSeconds(1)));

        Http.Response beforeAgent = login(world, USER_PASSWORD);
        assertThat(beforeAgent.status()).as("nobody serves the queue yet").isEqualTo(503);

        try (ConfigurableApplicationContext agent = startAgent(org, BROKER_PASSWORD)) {
            assertThat(agent.containsBean("trafficServer")).as("an agent opens no traffic port").isFalse();
            Http.Response ok = login(world, USER_PASSWORD);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(login(world, "wrong-password").json().path("error").asText()).isEqualTo("invalid_grant");
        }

        Http.Response afterAgent = login(world, USER_PASSWORD);
        assertThat(afterAgent.status()).as("agent gone: unavailable, not a wrong password").isEqualTo(503);
        assertThat(afterAgent.json().path("error").asText()).isEqualTo("temporarily_unavailable");
    }

    @Test
    void theAgentsCaseRuleAndPinnedSubjectReachTheGatewaysTokens() throws Exception {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        stores.save(world.organization().id(), new SecondaryStoreDefinition(org, "ldap",
                SecondaryStoreDefinition.Mode.AGENT, null, Duration.ofSeconds(3), 2, 8, 50, Duration.ofSeconds(1)));

        try (ConfigurableApplicationContext agent = directory.startAgent(org, "tcp://127.0.0.1:" + BROKER_PORT,
                "caravan", BROKER_PASSWORD, "subject-attribute=entryUUID")) {
            Http.Response ok = Http.postForm(traffic("/oauth2/token"),
                    Http.basic(world.consumerKey(), world.consumerSecret()),
                    Http.params("grant_type", "password", "username", " ANA@" + org, "password", USER_PASSWORD));
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            com.nimbusds.jwt.JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT
                    .parse(ok.json().path("access_token").asText()).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("entryUUID/" + directory.anasEntryUuid() + "@" + org);
            assertThat(claims.getClaim("username")).isEqualTo("ana");
        }
    }

    @Test
    void agentWithWrongBrokerPasswordIsNotLetIn() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        stores.save(world.organization().id(), new SecondaryStoreDefinition(org, "ldap",
                SecondaryStoreDefinition.Mode.AGENT, null, Duration.ofSeconds(2), 2, 8, 50, Duration.ofSeconds(1)));
        ConfigurableApplicationContext agent = null;
        try {
            agent = startAgent(org, "not-the-broker-password");
        } catch (RuntimeException refused) {
            // refused at start-up: also fine
        }
        try {
            assertThat(login(world, USER_PASSWORD).status()).isEqualTo(503);
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void anAgentWithItsOwnBrokerUserServesItsOrganizationAndReachesNothingElse() throws Exception {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9", SCOPED_ORGANIZATION);
        Fixtures.World other = fixtures.world("http://127.0.0.1:9");
        for (Fixtures.World w : java.util.List.of(world, other)) {
            stores.save(w.organization().id(), new SecondaryStoreDefinition(w.organization().name(),
                    "ldap", SecondaryStoreDefinition.Mode.AGENT, null,
                    Duration.ofSeconds(3), 2, 8, 50, Duration.ofSeconds(1)));
        }

        try (ConfigurableApplicationContext agent = directory.startAgent(SCOPED_ORGANIZATION,
                "tcp://127.0.0.1:" + BROKER_PORT, SCOPED_AGENT, SCOPED_AGENT_PASSWORD)) {
            Http.Response ok = login(world, USER_PASSWORD);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }

        var factory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + BROKER_PORT);
        try (jakarta.jms.Connection connection = factory.createConnection(SCOPED_AGENT, SCOPED_AGENT_PASSWORD)) {
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            String othersQueue = dev.caravan.userstore.external.ServedUserStores.queue(other.organization().name());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.createConsumer(session.createQueue(othersQueue)))
                    .as("another organization's verification requests")
                    .isInstanceOf(jakarta.jms.JMSSecurityException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.createProducer(
                    session.createQueue("caravan.audit.security")).send(session.createTextMessage("{}")))
                    .as("forged audit events").isInstanceOf(jakarta.jms.JMSSecurityException.class);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.createConnection(SCOPED_AGENT, BROKER_PASSWORD)
                .close()).isInstanceOf(jakarta.jms.JMSSecurityException.class);
        factory.close();
    }
}
