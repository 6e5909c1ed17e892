package dev.caravan.userstore;

import dev.caravan.userstore.UserStore;

/**
 * A secondary userstore reached over the network (LDAP/AD or an authentication web service).
 * Each instance owns its connections; {@link #close()} releases them.
 */
public interface ExternalUserStore extends UserStore, AutoCloseable {

    /**
     * Checks that the store is reachable and configured as a login needs it, and names the stage
     * and the server that failed. With a probe username, also that the user search finds exactly
     * one entry (LDAP); with its password too, that the directory accepts it and the group search
     * runs (LDAP), or that the service answers the configured success value and its answer fits
     * the claim and role pointers (web service; without a password a made-up one is sent and only
     * the answer's shape is checked).
     */
    ConnectionCheck testConnection(String probeUsername, char[] probePassword);

    @Override
    void close();
}
