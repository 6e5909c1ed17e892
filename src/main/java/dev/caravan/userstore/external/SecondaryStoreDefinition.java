package dev.caravan.userstore.external;

import dev.caravan.userstore.ldap.LdapSettings;
import dev.caravan.userstore.webservice.WebServiceSettings;
import java.time.Duration;

/**
 * An organization's secondary userstore: what it is ({@code ldap} or {@code webservice}), who
 * serves its verification queue ({@code local}: this gateway; {@code agent}: an agent behind the
 * organization's firewall, which holds the connection settings itself), and the isolation
 * limits the gateway applies to it.
 *
 * @param timeout          how long a login waits for the store's answer
 * @param consumers        verification routes' concurrent consumers (local mode)
 * @param maxInFlight      checks allowed to wait at once; more are answered 503 at once
 * @param failureThreshold consecutive failures that open the circuit
 * @param openDuration     how long an open circuit answers 503 before one trial call
 */
public record SecondaryStoreDefinition(
        String organization,
        Kind kind,
        Mode mode,
        LdapSettings ldap,
        WebServiceSettings webService,
        Duration timeout,
        int consumers,
        int maxInFlight,
        int failureThreshold,
        Duration openDuration) {

    public enum Kind { LDAP, WEBSERVICE }

    public enum Mode { LOCAL, AGENT }
}
