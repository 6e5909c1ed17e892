package dev.caravan.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
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
 * verification queues and send to temporary queues, where the gateway awaits replies; each
 * consumer user ({@code caravan.broker.consumers.<name>}, a system behind queue-backed APIs) the
 * same on the queues it lists, in its organization's namespace ({@code <organization>/<queue>},
 * {@link BrokerAddresses#apiQueue}) and nowhere else. Everything else (another organization's queue, the audit queues,
 * management) is refused. Artemis's role settings are not used: the rules are these, whatever
 * the address settings say.
 */
final class BrokerSecurityManager implements ActiveMQSecurityManager3 {
    private static final java.util.regex.Pattern ORGANIZATION = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Set<CheckType> ON_OWN_QUEUES = Set.of(CheckType.CONSUME, CheckType.CREATE_ADDRESS,
            CheckType.CREATE_DURABLE_QUEUE, CheckType.CREATE_NON_DURABLE_QUEUE);

    private record ScopedUser(byte[] password, Set<String> queues) {
        boolean matches(String presented) {
            return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), password);
        }
    }

    private final BrokerCredentials credentials;
    private final Map<String, ScopedUser> scopedUsers = new HashMap<>();
    private volatile Predicate<String> temporaryQueue = address -> false;

    BrokerSecurityManager(BrokerCredentials credentials, Map<String, BrokerProperties.Agent> agents,
                          Map<String, BrokerProperties.Consumer> consumers) {
        this.credentials = credentials;
        agents.forEach((name, agent) -> {
            String at = "caravan.broker.agents." + name;
            if (agent.organizations() == null || agent.organizations().isEmpty()) {
                throw new IllegalStateException(at + ".organizations must list the organizations it serves");
            }
            add(at, name, agent.password(),
                    agent.organizations().stream().map(BrokerAddresses::userstoreQueue).collect(Collectors.toUnmodifiableSet()));
        });
        consumers.forEach((name, consumer) -> {
            String at = "caravan.broker.consumers." + name;
            if (consumer.organization() == null || !ORGANIZATION.matcher(consumer.organization()).matches()) {
                throw new IllegalStateException(at + ".organization must name the organization whose API queues it"
                        + " consumes ([A-Za-z0-9_.-]{1,64})");
            }
            if (consumer.queues() == null || consumer.queues().isEmpty()) {
                throw new IllegalStateException(at + ".queues must list the queues it consumes");
            }
            Set<String> addresses = new HashSet<>();
            for (String queue : consumer.queues()) {
                String problem = BrokerAddresses.queueNameProblem(queue);
                if (problem != null) {
                    throw new IllegalStateException(at + ".queues: each " + problem + " (as the API names it, after queue:)");
                }
                try {
                    addresses.add(BrokerAddresses.apiQueue(consumer.organization(), queue));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(at + ".organization: its " + e.getMessage());
                }
            }
            add(at, name, consumer.password(), Set.copyOf(addresses));
        });
    }

    private void add(String at, String name, String password, Set<String> queues) {
        if (name.equals(credentials.user()) || scopedUsers.containsKey(name)) {
            throw new IllegalStateException(at + ": the user name is already the broker user's or another's");
        }
        if (password == null || password.isBlank()) {
            throw new IllegalStateException(at + ".password must be set");
        }
        scopedUsers.put(name, new ScopedUser(password.getBytes(StandardCharsets.UTF_8), queues));
    }

    /** How to tell a temporary queue's address; set once the broker runs. */
    void temporaryQueues(Predicate<String> isTemporary) {
        this.temporaryQueue = isTemporary;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return credentials.matches(user, password) || scopedUser(user, password) != null;
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
        ScopedUser limited = scopedUser(user, password);
        return limited != null && allows(limited, checkType, address) ? user : null;
    }

    private boolean allows(ScopedUser user, CheckType checkType, String address) {
        if (address == null) {
            return false;
        }
        if (ON_OWN_QUEUES.contains(checkType)) {
            return user.queues().contains(address);
        }
        return checkType == CheckType.SEND && temporaryQueue.test(address);
    }

    private ScopedUser scopedUser(String user, String password) {
        ScopedUser found = user == null ? null : scopedUsers.get(user);
        return found != null && found.matches(password) ? found : null;
    }
}
