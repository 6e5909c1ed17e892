package dev.caravan.broker;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker (embedded unless {@code caravan.broker.embedded=false}), one JMS connection factory
 * and Camel's {@code jms} component with Caravan's header policy. Spring Boot's own Artemis
 * auto-configuration is excluded in application.yaml: this class owns the broker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrokerProperties.class)
public class MessagingConfiguration {

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
        ActiveMQConnectionFactory artemis =
                new ActiveMQConnectionFactory(properties.url(), credentials.user(), credentials.password());
        // never deserialize Java objects from a message, whatever a sender puts there
        artemis.setDeserializationAllowList("");
        artemis.setDeserializationDenyList("*");
        artemis.setReconnectAttempts(-1);
        artemis.setRetryInterval(500);
        artemis.setRetryIntervalMultiplier(1.5);
        artemis.setMaxRetryInterval(5000);
        CachingConnectionFactory caching = new CachingConnectionFactory(artemis);
        caching.setSessionCacheSize(16);
        caching.setReconnectOnException(true);
        return caching;
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
