package dev.caravan.broker;

import jakarta.jms.Connection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code jms} health of the readiness group: whether the broker can be reached <em>now</em>.
 * Spring Boot's own indicator asks the application's connection factory, which hands out its one
 * shared connection; while the broker is down that connection is reconnecting, not failed, so it
 * still starts and the broker read UP for as long as it was gone. This one opens a connection of
 * its own for each check, with no retries and a bounded call timeout, and closes it.
 */
final class BrokerHealthIndicator extends AbstractHealthIndicator implements DisposableBean {
    private final ActiveMQConnectionFactory probe;

    BrokerHealthIndicator(String url, String user, String password) {
        super("the broker cannot be reached");
        this.probe = MessagingConfiguration.artemisConnectionFactory(url, user, password);
        probe.setReconnectAttempts(0);
        probe.setInitialConnectAttempts(1);
        probe.setCallTimeout(2000);
        probe.setCallFailoverTimeout(2000);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        try (Connection connection = probe.createConnection()) {
            connection.start();
            builder.up().withDetail("provider", connection.getMetaData().getJMSProviderName());
        }
    }

    @Override
    public void destroy() {
        probe.close();
    }
}
