package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class BrokerSecurityManagerTest {
    private static final String TEMPORARY = "2f0c8a5e-temporary-reply-queue";

    private static BrokerProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("caravan.broker", Bindable.of(BrokerProperties.class));
    }

    private final BrokerProperties properties = properties(Map.of(
            "caravan.broker.password", "gateway-Secret-1",
            "caravan.broker.agents.acme-agent.password", "acme-agent-Secret-1",
            "caravan.broker.agents.acme-agent.organizations[0]", "acme",
            "caravan.broker.agents.acme-agent.organizations[1]", "acme_eu",
            "caravan.broker.consumers.orders-app.password", "orders-app-Secret-1",
            "caravan.broker.consumers.orders-app.organization", "acme",
            "caravan.broker.consumers.orders-app.queues[0]", "orders.in"));
    private final BrokerSecurityManager security = security(properties);

    private static BrokerSecurityManager security(BrokerProperties properties) {
        BrokerSecurityManager security = new BrokerSecurityManager(new BrokerCredentials(properties), properties.agents(),
                properties.consumers());
        security.temporaryQueues(TEMPORARY::equals);
        return security;
    }

    private boolean agentMay(CheckType check, String address) {
        return security.validateUserAndRole("acme-agent", "acme-agent-Secret-1", Set.of(), check, address, null) != null;
    }

    @Test
    void theBrokerUserMayDoAnything() {
        for (CheckType check : CheckType.values()) {
            assertThat(security.validateUserAndRole("caravan", "gateway-Secret-1", Set.of(), check,
                    "caravan.audit.security", null)).isEqualTo("caravan");
        }
        assertThat(security.validateUser("caravan", "gateway-Secret-1", null)).isEqualTo("caravan");
    }

    @Test
    void anAgentServesOnlyItsOwnOrganizationsQueues() {
        assertThat(security.validateUser("acme-agent", "acme-agent-Secret-1", null)).isEqualTo("acme-agent");
        for (String own : List.of("caravan.userstore.acme", "caravan.userstore.acme_eu")) {
            assertThat(agentMay(CheckType.CONSUME, own)).isTrue();
            assertThat(agentMay(CheckType.CREATE_ADDRESS, own)).isTrue();
            assertThat(agentMay(CheckType.CREATE_DURABLE_QUEUE, own)).isTrue();
            assertThat(agentMay(CheckType.SEND, own)).as("it does not ask itself").isFalse();
            assertThat(agentMay(CheckType.BROWSE, own)).isFalse();
            assertThat(agentMay(CheckType.DELETE_DURABLE_QUEUE, own)).isFalse();
        }
        assertThat(agentMay(CheckType.SEND, TEMPORARY)).as("a reply to the gateway").isTrue();
    }

    @Test
    void anAgentReachesNothingElse() {
        for (CheckType check : CheckType.values()) {
            assertThat(agentMay(check, "caravan.userstore.globex")).as("another organization, %s", check).isFalse();
            assertThat(agentMay(check, "caravan.userstore.acme2")).as("a name sharing the prefix, %s", check).isFalse();
            assertThat(agentMay(check, "caravan.audit.security")).as("the audit queue, %s", check).isFalse();
            assertThat(agentMay(check, "activemq.management")).as("management, %s", check).isFalse();
            assertThat(agentMay(check, null)).isFalse();
        }
        assertThat(agentMay(CheckType.CONSUME, TEMPORARY)).as("someone else's replies").isFalse();
        assertThat(security.validateUserAndRole("acme-agent", "acme-agent-Secret-1", Set.of(), CheckType.SEND))
                .as("without an address to check").isFalse();
    }

    @Test
    void wrongOrMissingCredentialsAreRefused() {
        assertThat(security.validateUser("acme-agent", "gateway-Secret-1", null)).isNull();
        assertThat(security.validateUser("caravan", "acme-agent-Secret-1", null)).isNull();
        assertThat(security.validateUser("nobody", "acme-agent-Secret-1", null)).isNull();
        assertThat(security.validateUser(null, null, null)).isNull();
        assertThat(security.validateUserAndRole("acme-agent", "wrong", Set.of(), CheckType.CONSUME,
                "caravan.userstore.acme", null)).isNull();
    }

    @Test
    void badAgentSettingsStopStartUp() {
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.agents.caravan.password", "x-Secret-123",
                "caravan.broker.agents.caravan.organizations[0]", "acme"))))
                .hasMessageContaining("caravan.broker.agents.caravan").hasMessageContaining("broker user");
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.agents.a.password", "x-Secret-123"))))
                .hasMessageContaining("caravan.broker.agents.a.organizations");
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.agents.a.organizations[0]", "acme"))))
                .hasMessageContaining("caravan.broker.agents.a.password");
    }

    @Test
    void agentPasswordsNeverShowInTheSettingsText() {
        assertThat(properties.toString()).contains("acme-agent").doesNotContain("acme-agent-Secret-1")
                .doesNotContain("gateway-Secret-1");
        assertThat(properties.agents().get("acme-agent").toString()).doesNotContain("acme-agent-Secret-1");
        assertThat(properties.toString()).contains("orders-app").doesNotContain("orders-app-Secret-1");
    }

    @Test
    void aConsumerReadsOnlyItsQueuesAndAnswersOnTemporaryOnes() {
        java.util.function.BiPredicate<CheckType, String> consumerMay = (check, address) -> security.validateUserAndRole(
                "orders-app", "orders-app-Secret-1", Set.of(), check, address, null) != null;

        assertThat(consumerMay.test(CheckType.CONSUME, "acme/orders.in")).isTrue();
        assertThat(consumerMay.test(CheckType.CREATE_DURABLE_QUEUE, "acme/orders.in")).isTrue();
        assertThat(consumerMay.test(CheckType.SEND, TEMPORARY)).isTrue();
        for (CheckType check : CheckType.values()) {
            assertThat(consumerMay.test(check, "orders.in")).as("the name outside any namespace, %s", check).isFalse();
            assertThat(consumerMay.test(check, "globex/orders.in")).as("another organization's, %s", check).isFalse();
            assertThat(consumerMay.test(check, "acme/orders.in.other")).isFalse();
            assertThat(consumerMay.test(check, "caravan.userstore.acme")).isFalse();
            assertThat(consumerMay.test(check, "caravan.audit.security")).isFalse();
            assertThat(consumerMay.test(check, "DLQ")).isFalse();
        }
        assertThat(consumerMay.test(CheckType.SEND, "acme/orders.in")).isFalse();
        assertThat(security.validateUser("orders-app", "acme-agent-Secret-1", null)).isNull();
    }

    @Test
    void consumerSettingsCannotReachTheGatewaysQueuesOrTakeAnotherUsersName() {
        for (String queue : List.of("Caravan.Audit.Security", "activemq.management", "DLQ", "ExpiryQueue", "orders.#",
                "orders.*", "a::b", "$sys.x", "globex/orders.in")) {
            assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.consumers.c.password", "x-Secret-123",
                    "caravan.broker.consumers.c.organization", "acme", "caravan.broker.consumers.c.queues[0]", queue))))
                    .as(queue).hasMessageContaining("caravan.broker.consumers.c.queues").hasMessageNotContaining("x-Secret-123");
        }
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.consumers.c.password", "x-Secret-123",
                "caravan.broker.consumers.c.organization", "acme"))))
                .hasMessageContaining("caravan.broker.consumers.c.queues");
        assertThatThrownBy(() -> security(properties(Map.of(
                "caravan.broker.agents.same.password", "x-Secret-123", "caravan.broker.agents.same.organizations[0]", "a",
                "caravan.broker.consumers.same.password", "y-Secret-123", "caravan.broker.consumers.same.organization", "a",
                "caravan.broker.consumers.same.queues[0]", "q"))))
                .hasMessageContaining("caravan.broker.consumers.same");
    }

    @Test
    void aConsumerMustNameOneOrganization() {
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.consumers.c.password", "x-Secret-123",
                "caravan.broker.consumers.c.queues[0]", "orders.in"))))
                .hasMessageContaining("caravan.broker.consumers.c.organization");
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.consumers.c.password", "x-Secret-123",
                "caravan.broker.consumers.c.organization", "acme/x", "caravan.broker.consumers.c.queues[0]", "orders.in"))))
                .hasMessageContaining("caravan.broker.consumers.c.organization");
        assertThatThrownBy(() -> security(properties(Map.of("caravan.broker.consumers.c.password", "x-Secret-123",
                "caravan.broker.consumers.c.organization", "caravan.audit", "caravan.broker.consumers.c.queues[0]", "security"))))
                .hasMessageContaining("caravan.broker.consumers.c.organization");
    }
}
