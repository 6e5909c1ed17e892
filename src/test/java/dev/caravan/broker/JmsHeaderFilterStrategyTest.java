package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JmsHeaderFilterStrategyTest {
    private final JmsHeaderFilterStrategy strategy = new JmsHeaderFilterStrategy();

    @ParameterizedTest
    @ValueSource(strings = {"CamelJmsDestinationName", "cAmElJmsDestinationName", "CAMELHTTPURI",
            "camelBeanMethodName", "org.apache.camel.foo", "caravanOrganization", "JMSReplyTo", "x-anything",
            "_AMQ_DUPL_ID", "JMS_AMQ_Something"})
    void incomingPropertyWhenNotOnAllowListThenDropped(String name) {
        assertThat(strategy.applyFilterToExternalHeaders(name, "value", null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"JMSCorrelationID", "jmscorrelationid", "JMSMessageID", "JMSTimestamp",
            "JMSExpiration", "JMSDeliveryMode", "JMSRedelivered"})
    void incomingPropertyWhenStandardJmsHeaderThenKept(String name) {
        assertThat(strategy.applyFilterToExternalHeaders(name, "value", null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelJmsRequestTimeout", "cAmElFoo", "caravanUserstoreOrganization"})
    void outgoingHeaderWhenInternalThenNeverAJmsProperty(String name) {
        assertThat(strategy.applyFilterToCamelHeaders(name, "value", null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"_AMQ_DUPL_ID", "eventType"})
    void outgoingHeaderWhenApplicationPropertyThenSent(String name) {
        assertThat(strategy.applyFilterToCamelHeaders(name, "value", null)).isFalse();
    }
}
