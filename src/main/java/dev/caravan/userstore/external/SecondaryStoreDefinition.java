package dev.caravan.userstore.external;

import java.time.Duration;

/**
 * An organization's secondary userstore: its kind (the name of a
 * {@link dev.caravan.userstore.UserStoreKind}, e.g. {@code ldap} or {@code webservice}) and that
 * kind's settings, who serves its verification queue ({@code local}: this gateway; {@code agent}:
 * an agent behind the organization's firewall, which holds the connection settings itself), and
 * the isolation limits the gateway applies to it.
 *
 * @param settings         the kind's settings (null for an agent-served store given without them)
 * @param timeout          how long a login waits for the store's answer
 * @param consumers        verification routes' concurrent consumers (local mode)
 * @param maxInFlight      checks allowed to wait at once; more are answered 503 at once
 * @param failureThreshold consecutive failures that open the circuit
 * @param openDuration     how long an open circuit answers 503 before one trial call
 */
public record SecondaryStoreDefinition(
        String organization,
        String kind,
        Mode mode,
        Object settings,
        Duration timeout,
        int consumers,
        int maxInFlight,
        int failureThreshold,
        Duration openDuration) {

    public enum Mode { LOCAL, AGENT }

    /** The settings if they are of this type, else null. */
    public <S> S settings(Class<S> type) {
        return type.isInstance(settings) ? type.cast(settings) : null;
    }
}
