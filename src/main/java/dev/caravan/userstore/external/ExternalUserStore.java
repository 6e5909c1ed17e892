package dev.caravan.userstore.external;

import dev.caravan.userstore.UserStore;

/**
 * A secondary userstore reached over the network (LDAP/AD or an authentication web service).
 * Each instance owns its connections; {@link #close()} releases them.
 */
public interface ExternalUserStore extends UserStore, AutoCloseable {

    /**
     * Checks that the store is reachable and configured right. With a probe username, also checks
     * that the user search finds exactly one entry (LDAP) or that the service answers in the
     * configured shape (web service; the probe password may be null, then a dummy one is sent).
     */
    ConnectionCheck testConnection(String probeUsername, char[] probePassword);

    @Override
    void close();
}
