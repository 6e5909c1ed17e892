package dev.caravan.broker;

import java.util.Set;
import java.util.TreeSet;
import dev.caravan.http.TrafficHeaderFilterStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header policy of every JMS endpoint, the JMS twin of the traffic port's: an incoming JMS
 * property becomes a Camel header only if its name is on a short allow-list, compared
 * case-insensitively, so nothing named {@code Camel*} in any case can steer a route
 * (CVE-2026-40453). Outgoing, Camel's own headers are never written as JMS properties.
 */
public class JmsHeaderFilterStrategy implements HeaderFilterStrategy {
    private static final Set<String> INBOUND = caseInsensitive(
            "JMSMessageID", "JMSCorrelationID", "ContentType", "JMSTimestamp", "JMSExpiration", "JMSRedelivered",
            "JMSDeliveryMode", "JMSPriority", "JMSType", "JMSXDeliveryCount");

    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(Set.of(names));
        return set;
    }

    /** Whether an incoming JMS property may become a Camel header. */
    public static boolean allowsInbound(String name) {
        return name != null && INBOUND.contains(name);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return TrafficHeaderFilterStrategy.isInternal(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !allowsInbound(headerName);
    }
}
