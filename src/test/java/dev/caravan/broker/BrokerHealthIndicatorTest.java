package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.jms.JmsHealthIndicator;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The readiness group's broker check reads DOWN once a broker the gateway was connected to goes
 * away, and UP again when it is back. Spring Boot's own indicator, over the application's shared
 * connection (reconnecting, not failed, while the broker is gone), went on reading UP.
 */
class BrokerHealthIndicatorTest {
    private static final String URL = "vm://78";

    private static EmbeddedActiveMQ broker() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.addAcceptorConfiguration("in-vm", URL);
        return new EmbeddedActiveMQ().setConfiguration(config).start();
    }

    @Test
    void aBrokerThatWentAwayReadsDownAndUpAgainWhenItIsBack() throws Exception {
        EmbeddedActiveMQ broker = broker();
        BrokerHealthIndicator health = new BrokerHealthIndicator(URL, null, null);
        CachingConnectionFactory shared = new CachingConnectionFactory(
                MessagingConfiguration.artemisConnectionFactory(URL, null, null));
        shared.setReconnectOnException(true);
        try (Connection inUse = shared.createConnection()) {
            inUse.start();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            broker.stop();

            assertThat(health.health().getStatus()).as("the broker is gone").isEqualTo(Status.DOWN);
            assertThat(new JmsHealthIndicator((ConnectionFactory) shared).health().getStatus())
                    .as("the shared connection's view, which this indicator replaces").isEqualTo(Status.UP);

            broker = broker();
            assertThat(health.health().getStatus()).as("the broker is back").isEqualTo(Status.UP);
        } finally {
            shared.destroy();
            health.destroy();
            broker.stop();
        }
    }
}
