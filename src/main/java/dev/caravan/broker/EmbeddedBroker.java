package dev.caravan.broker;

import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;

import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The Artemis broker inside the gateway: an in-VM acceptor for the gateway's own connections and,
 * unless disabled, a loopback TCP acceptor for agents. Security is on: the configured broker user
 * may do anything, agent users only serve their organizations ({@link BrokerSecurityManager}).
 * Persistent messages (security audit events) are journaled under {@code caravan.broker.data-dir};
 * userstore requests are non-persistent and never written.
 */
public class EmbeddedBroker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The organizations' verification queues ({@code caravan.userstore.<organization>}). */
    static final String USERSTORE_ADDRESSES = BrokerAddresses.userstoreQueue("#");
    /** Caravan's audit queues and topic. */
    static final String AUDIT_ADDRESSES = "caravan.audit.#";

    private final BrokerProperties properties;
    private final BrokerCredentials credentials;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(BrokerProperties properties, BrokerCredentials credentials) {
        this.properties = properties;
        this.credentials = credentials;
    }

    Configuration configuration() throws Exception {
        Path data = Path.of(properties.dataDir()).toAbsolutePath();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("caravan");
        config.setPersistenceEnabled(properties.persistent());
        config.setJournalDirectory(data.resolve("journal").toString());
        config.setBindingsDirectory(data.resolve("bindings").toString());
        config.setPagingDirectory(data.resolve("paging").toString());
        config.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(data.toString());
        config.setJMXManagementEnabled(false);
        config.setSecurityEnabled(true);
        config.setGracefulShutdownEnabled(true);
        config.setGracefulShutdownTimeout(2000);
        config.addAcceptorConfiguration("in-vm", inVmUrl());
        if (properties.tcp().enabled()) {
            config.addAcceptorConfiguration(agentAcceptor(properties.tcp()));
        }
        AddressSettings defaults = new AddressSettings()
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setMaxSizeBytes(64L * 1024 * 1024)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(500)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                // expired messages (userstore requests whose caller gave up) go to an address with
                // no queue: they are dropped, never kept; a password must not outlive its request
                .setExpiryAddress(SimpleString.of("caravan.expired"));
        config.addAddressSetting("#", defaults);
        // userstore requests carry passwords: they must never reach the disk, and Artemis pages
        // non-persistent messages too once an address is full. Past this size a request is
        // refused at once (the login answers 503) instead of being written to the paging files.
        // More specific than "#", so it wins there; the rest (expiry address...) is inherited.
        config.addAddressSetting(USERSTORE_ADDRESSES, new AddressSettings()
                .setMaxSizeBytes(8L * 1024 * 1024)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL));
        // audit events are stored by routes that roll back while the database is unreachable: they
        // are retried until it is back (with backoff up to a minute), never moved to the DLQ after
        // ten tries, which would take acknowledged grants out of the audit trail
        config.addAddressSetting(AUDIT_ADDRESSES, new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000));
        return config;
    }

    /**
     * The agents' acceptor, built from parameters rather than a URL so that a key store password
     * needs no escaping. TLS when a key store is set; plaintext only on loopback unless allowed.
     */
    static TransportConfiguration agentAcceptor(BrokerProperties.Tcp tcp) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(tcp.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("caravan.broker.tcp.host: unknown host " + tcp.host());
        }
        if (!tcp.tls() && !loopback && !tcp.allowPlaintext()) {
            throw new IllegalStateException("caravan.broker.tcp.key-store must be set (TLS) for an acceptor on "
                    + tcp.host() + ": agents' verification requests carry passwords; set"
                    + " caravan.broker.tcp.allow-plaintext=true only on a trusted network");
        }
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, tcp.host());
        params.put(TransportConstants.PORT_PROP_NAME, tcp.port());
        params.put(TransportConstants.PROTOCOLS_PROP_NAME, "CORE");
        if (tcp.tls()) {
            params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tcp.keyStore());
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tcp.keyStorePassword());
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, tcp.keyStoreType());
        }
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), params, "agents");
    }

    /** The settings the running broker applies to {@code address}, all matches merged. */
    AddressSettings settingsFor(String address) {
        return server.getActiveMQServer().getAddressSettingsRepository().getMatch(address);
    }

    /** The in-VM acceptor matches the connection URL when that is a {@code vm://} one. */
    private String inVmUrl() {
        String url = properties.url();
        return url.startsWith("vm://") ? url.split("\\?", 2)[0] : "vm://0";
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(configuration());
            BrokerSecurityManager security = new BrokerSecurityManager(credentials, properties.agents(),
                    properties.consumers());
            embedded.setSecurityManager(security);
            embedded.start();
            try {
                requireAcceptorsStarted(embedded);
            } catch (RuntimeException e) {
                // stop what did start: its threads would keep the process, its ports and the journal lock
                stopQuietly(embedded);
                throw e;
            }
            security.temporaryQueues(address -> {
                org.apache.activemq.artemis.core.server.Queue queue =
                        embedded.getActiveMQServer().locateQueue(SimpleString.of(address));
                return queue != null && queue.isTemporary();
            });
            server = embedded;
            log.info("Embedded Artemis broker started (in-VM{}); data in {}",
                    properties.tcp().enabled()
                            ? ", agents on tcp://" + properties.tcp().host() + ":" + properties.tcp().port()
                                    + (properties.tcp().tls() ? " (TLS)" : "") : "",
                    properties.dataDir());
            if (properties.tcp().enabled() && credentials.generated()) {
                log.info("caravan.broker.password is not set: agents cannot connect until it is");
            }
        } catch (Exception e) {
            throw new IllegalStateException("The embedded Artemis broker did not start (caravan.broker.*): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Artemis logs an acceptor that cannot bind (its port taken, say) and runs on without it: the
     * gateway would start with no way in for its agents. A configured acceptor that did not start
     * fails the start instead.
     */
    private static void requireAcceptorsStarted(EmbeddedActiveMQ embedded) {
        for (org.apache.activemq.artemis.spi.core.remoting.Acceptor acceptor
                : embedded.getActiveMQServer().getRemotingService().getAcceptors().values()) {
            boolean bound = !(acceptor instanceof org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor netty)
                    || netty.getActualPort() > 0;
            if (!acceptor.isStarted() || !bound) {
                throw new IllegalStateException("acceptor " + acceptor.getName()
                        + " could not start (is its port taken?)");
            }
        }
    }

    private static void stopQuietly(EmbeddedActiveMQ embedded) {
        try {
            embedded.stop();
        } catch (Exception e) {
            log.warn("Embedded Artemis broker did not stop cleanly after a failed start: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("Embedded Artemis broker did not stop cleanly: {}", e.toString());
        } finally {
            server = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Before every JMS consumer (Camel routes start in a later phase) and stopped after them. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
