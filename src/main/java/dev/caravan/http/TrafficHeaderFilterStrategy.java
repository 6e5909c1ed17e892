package dev.caravan.http;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header policy of every traffic-port endpoint.
 *
 * <p>Inbound, it lets nothing in: request headers and query parameters never become Camel
 * headers by themselves (this is what closes the {@code CAmelHttpUri}-style smuggling of
 * CVE-2025-27636 / 29891). The first step of each route copies the headers it allows, matched
 * case-insensitively, from the raw request (see {@link InboundRequest}).
 *
 * <p>Outbound (Camel message to HTTP response), it drops Camel's own headers in any case,
 * hop-by-hop headers and those the server computes itself.
 */
public class TrafficHeaderFilterStrategy implements HeaderFilterStrategy {
    private static final Set<String> NEVER_OUT = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade", "content-length", "host", "server");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isInternalOrHopByHop(headerName) || namedByConnection(headerName, exchange);
    }

    /** Headers a backend lists in its own {@code Connection} header are hop-by-hop too (RFC 9110 §7.6.1). */
    private static boolean namedByConnection(String headerName, Exchange exchange) {
        Object connection = exchange == null ? null : exchange.getMessage().getHeader("Connection");
        if (connection == null) {
            return false;
        }
        for (String token : String.valueOf(connection).split("[,\\[\\]\\s]+")) {
            if (token.equalsIgnoreCase(headerName)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    public static boolean isInternalOrHopByHop(String headerName) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        return lower.startsWith("camel") || lower.startsWith("org.apache.camel") || lower.startsWith("caravan")
                || NEVER_OUT.contains(lower);
    }
}
