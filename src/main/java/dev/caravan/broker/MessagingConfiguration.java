package dev.caravan.broker;

import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.utils.ConfigurationHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker (embedded unless {@code caravan.broker.embedded=false}), one JMS connection factory
 * and Camel's {@code jms} component with Caravan's header policy. Spring Boot's own Artemis
 * auto-configuration is excluded in application.yaml: this class owns the broker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrokerProperties.class)
public class MessagingConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(MessagingConfiguration.class);

    /** The largest message a Caravan JMS route accepts. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    @Bean
    BrokerCredentials brokerCredentials(BrokerProperties properties) {
        return new BrokerCredentials(properties);
    }

    @Bean
    @ConditionalOnProperty(name = "caravan.broker.embedded", havingValue = "true", matchIfMissing = true)
    EmbeddedBroker embeddedBroker(BrokerProperties properties, BrokerCredentials credentials) {
        EmbeddedBroker broker = new EmbeddedBroker(properties, credentials);
        // started here, not only by the lifecycle, so that nothing connects before it exists
        broker.start();
        return broker;
    }

    @Bean
    ConnectionFactory jmsConnectionFactory(BrokerProperties properties, BrokerCredentials credentials,
            org.springframework.beans.factory.ObjectProvider<EmbeddedBroker> broker) {
        broker.ifAvailable(b -> { }); // the embedded broker, when there is one, exists before anything connects
        ActiveMQConnectionFactory artemis = artemisConnectionFactory(properties.url(), credentials.user(),
                credentials.password());
        CachingConnectionFactory caching = new CachingConnectionFactory(artemis);
        caching.setSessionCacheSize(16);
        caching.setReconnectOnException(true);
        return caching;
    }

    /**
     * The readiness group's {@code jms} contributor (the name replaces Spring Boot's indicator):
     * a connection of its own per check, so a broker that went away reads DOWN (see
     * {@link BrokerHealthIndicator}).
     */
    @Bean("jmsHealthContributor")
    BrokerHealthIndicator jmsHealthContributor(BrokerProperties properties, BrokerCredentials credentials,
            org.springframework.beans.factory.ObjectProvider<EmbeddedBroker> broker) {
        broker.ifAvailable(b -> { });
        return new BrokerHealthIndicator(properties.url(), credentials.user(), credentials.password());
    }

    /**
     * Caravan's connection to the broker at {@code url}: no Java object is ever deserialized from a
     * message, reconnection is endless with backoff, and over TLS ({@code sslEnabled=true}) the
     * broker's certificate must name the host of the URL, IP addresses included (an IP address
     * entry of its subject alternative names), unless the URL itself says {@code verifyHost=false}.
     */
    static ActiveMQConnectionFactory artemisConnectionFactory(String url, String user, String password) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, user, password);
        verifyHostUnlessTurnedOff(artemis);
        // never deserialize Java objects from a message, whatever a sender puts there
        artemis.setDeserializationAllowList("");
        artemis.setDeserializationDenyList("*");
        artemis.setReconnectAttempts(-1);
        artemis.setRetryInterval(500);
        artemis.setRetryIntervalMultiplier(1.5);
        artemis.setMaxRetryInterval(5000);
        return artemis;
    }

    /**
     * Sets {@code verifyHost=true} on every TLS connector of the URL that does not set it itself:
     * the host check does not depend on the Artemis client's default. An operator who turns it off
     * in the URL is told so in the log.
     */
    static void verifyHostUnlessTurnedOff(ActiveMQConnectionFactory artemis) {
        TransportConfiguration[] connectors = artemis.getStaticConnectors();
        if (connectors == null) {
            return;
        }
        for (TransportConfiguration connector : connectors) {
            Map<String, Object> params = connector.getParams();
            if (!ConfigurationHelper.getBooleanProperty(TransportConstants.SSL_ENABLED_PROP_NAME, false, params)) {
                continue;
            }
            if (!params.containsKey(TransportConstants.VERIFY_HOST_PROP_NAME)) {
                params.put(TransportConstants.VERIFY_HOST_PROP_NAME, true);
            } else if (!ConfigurationHelper.getBooleanProperty(TransportConstants.VERIFY_HOST_PROP_NAME, true, params)) {
                LOG.warn("caravan.broker.url sets verifyHost=false: the broker's certificate is not checked against"
                        + " the host it is reached at ({})", params.get(TransportConstants.HOST_PROP_NAME));
            }
        }
    }

    @Bean
    JmsHeaderFilterStrategy jmsHeaderFilterStrategy() {
        return new JmsHeaderFilterStrategy();
    }

    @Bean
    JmsEntryGuard jmsEntryGuard() {
        return new JmsEntryGuard(MAX_MESSAGE_BYTES);
    }

    @Bean("jms")
    JmsComponent jmsComponent(ConnectionFactory connectionFactory, JmsHeaderFilterStrategy headers) {
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        jms.setHeaderFilterStrategy(headers);
        jms.setIncludeAllJMSXProperties(false);
        jms.setTransferException(false);
        jms.setAllowSerializedHeaders(false);
        jms.setArtemisStreamingEnabled(false);
        return jms;
    }
}
