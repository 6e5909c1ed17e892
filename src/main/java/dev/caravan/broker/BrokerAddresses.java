package dev.caravan.broker;

import java.util.Locale;

/** Rules about address names on the broker shared by the gateway's checks. */
public final class BrokerAddresses {
    private BrokerAddresses() {}

    /**
     * Whether {@code name} (in any case) is one of Caravan's own addresses ({@code caravan.*}:
     * verification, audit) or the broker's ({@code activemq.*}): never a queue-backed API's
     * queue, never one a consumer user may be given.
     */
    public static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("caravan.") || lower.startsWith("activemq.");
    }
}
