package dev.caravan.broker;

import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * Authentication of the embedded broker: exactly one user, the configured one, with every
 * permission. Agents and the gateway share it; organizations are kept apart by queue names and
 * by what each agent is configured to serve, not by broker roles.
 */
final class BrokerSecurityManager implements ActiveMQSecurityManager {
    private final BrokerCredentials credentials;

    BrokerSecurityManager(BrokerCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return credentials.matches(user, password);
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return credentials.matches(user, password);
    }
}
