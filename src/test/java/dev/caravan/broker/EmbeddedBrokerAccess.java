package dev.caravan.broker;

import org.apache.activemq.artemis.api.core.TransportConfiguration;

/** Test access to the broker's package-private acceptor builder. */
public final class EmbeddedBrokerAccess {
    private EmbeddedBrokerAccess() {}

    public static org.apache.activemq.artemis.core.settings.impl.AddressSettings settingsFor(EmbeddedBroker broker,
                                                                                          String address) {
        return broker.settingsFor(address);
    }

    public static TransportConfiguration agentAcceptor(BrokerProperties.Tcp tcp) {
        return EmbeddedBroker.agentAcceptor(tcp);
    }
}
