package dev.caravan.http;

import java.util.List;
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
    private static final HeaderNameSet NEVER_OUT = new HeaderNameSet(List.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade", "content-length", "host", "server"));

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isInternalOrHopByHop(headerName) || namedByConnection(headerName, exchange);
    }

    /** Headers listed in the message's own {@code Connection} header are hop-by-hop too (RFC 9110 §7.6.1). */
    private static boolean namedByConnection(String headerName, Exchange exchange) {
        Object connection = exchange == null ? null : exchange.getMessage().getHeader("Connection");
        return connection != null && listedIn(connection, headerName);
    }

    /**
     * Whether a {@code Connection} value (a string, or a list of them for a repeated header) lists
     * {@code headerName} among its comma-separated options, compared case-insensitively. Runs for
     * every header of a backend's answer, so it compares in place without splitting.
     */
    public static boolean listedIn(Object connection, String headerName) {
        if (connection instanceof Iterable<?> values) {
            for (Object value : values) {
                if (listedIn(String.valueOf(value), headerName)) {
                    return true;
                }
            }
            return false;
        }
        return listedIn(String.valueOf(connection), headerName);
    }

    private static boolean listedIn(String options, String headerName) {
        int length = options.length();
        int wanted = headerName.length();
        int start = 0;
        while (start < length) {
            int end = options.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int first = start;
            int last = end;
            while (first < last && isSpace(options.charAt(first))) {
                first++;
            }
            while (last > first && isSpace(options.charAt(last - 1))) {
                last--;
            }
            if (last - first == wanted && wanted > 0 && options.regionMatches(true, first, headerName, 0, wanted)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    /** Called for every header, in both directions: compares without allocating. */
    public static boolean isInternalOrHopByHop(String headerName) {
        return isInternal(headerName) || neverOut(headerName);
    }

    private static boolean neverOut(String headerName) {
        return NEVER_OUT.contains(headerName);
    }

    /** Camel's and Caravan's own headers, in any case: never taken from or given to the outside. */
    public static boolean isInternal(String headerName) {
        if (headerName.length() < 5) {
            return false;
        }
        // by the first two characters, which rule out most names (Content-Type, Connection,
        // Cache-Control...) before any comparison
        char first = headerName.charAt(0);
        char second = headerName.charAt(1);
        if (first == 'c' || first == 'C') {
            return (second == 'a' || second == 'A') && (headerName.regionMatches(true, 0, "camel", 0, 5)
                    || headerName.regionMatches(true, 0, "caravan", 0, 7));
        }
        if (first == 'o' || first == 'O') {
            return (second == 'r' || second == 'R') && headerName.regionMatches(true, 0, "org.apache.camel", 0, 16);
        }
        return false;
    }
}
