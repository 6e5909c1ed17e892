package dev.caravan.broker;

import dev.caravan.userstore.external.ServedUserStores;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager3;

/**
 * Authentication and authorization of the embedded broker. The broker user
 * ({@code caravan.broker.user}, the gateway's own connections) may do anything. Each agent user
 * ({@code caravan.broker.agents.<name>}) may only consume from and create its organizations'
 * verification queues and send to temporary queues, where the gateway awaits replies; everything
 * else (another organization's queue, the audit queues, management) is refused. Artemis's role
 * settings are not used: the rules are these, whatever the address settings say.
 */
final class BrokerSecurityManager implements ActiveMQSecurityManager3 {
    private static final Set<CheckType> ON_OWN_QUEUES = Set.of(CheckType.CONSUME, CheckType.CREATE_ADDRESS,
            CheckType.CREATE_DURABLE_QUEUE, CheckType.CREATE_NON_DURABLE_QUEUE);

    private record AgentUser(byte[] password, Set<String> queues) {
        boolean matches(String presented) {
            return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), password);
        }
    }

    private final BrokerCredentials credentials;
    private final Map<String, AgentUser> agents = new HashMap<>();
    private volatile Predicate<String> temporaryQueue = address -> false;

    BrokerSecurityManager(BrokerCredentials credentials, Map<String, BrokerProperties.Agent> agents) {
        this.credentials = credentials;
        agents.forEach((name, agent) -> {
            if (name.equals(credentials.user())) {
                throw new IllegalStateException("caravan.broker.agents." + name + ": an agent cannot be the broker user");
            }
            if (agent.password() == null || agent.password().isBlank()) {
                throw new IllegalStateException("caravan.broker.agents." + name + ".password must be set");
            }
            if (agent.organizations() == null || agent.organizations().isEmpty()) {
                throw new IllegalStateException("caravan.broker.agents." + name + ".organizations must list"
                        + " the organizations it serves");
            }
            this.agents.put(name, new AgentUser(agent.password().getBytes(StandardCharsets.UTF_8),
                    agent.organizations().stream().map(ServedUserStores::queue).collect(Collectors.toUnmodifiableSet())));
        });
    }

    /** How to tell a temporary queue's address; set once the broker runs. */
    void temporaryQueues(Predicate<String> isTemporary) {
        this.temporaryQueue = isTemporary;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return credentials.matches(user, password) || agentUser(user, password) != null;
    }

    @Override
    public String validateUser(String user, String password, RemotingConnection connection) {
        return validateUser(user, password) ? user : null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        // called only by a broker that does not know the address; then only the broker user passes
        return credentials.matches(user, password);
    }

    @Override
    public String validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType,
                                      String address, RemotingConnection connection) {
        if (credentials.matches(user, password)) {
            return user;
        }
        AgentUser agent = agentUser(user, password);
        return agent != null && allows(agent, checkType, address) ? user : null;
    }

    private boolean allows(AgentUser agent, CheckType checkType, String address) {
        if (address == null) {
            return false;
        }
        if (ON_OWN_QUEUES.contains(checkType)) {
            return agent.queues().contains(address);
        }
        return checkType == CheckType.SEND && temporaryQueue.test(address);
    }

    private AgentUser agentUser(String user, String password) {
        AgentUser agent = user == null ? null : agents.get(user);
        return agent != null && agent.matches(password) ? agent : null;
    }
}
