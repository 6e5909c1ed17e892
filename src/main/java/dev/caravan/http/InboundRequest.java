package dev.caravan.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the client really sent, captured by the traffic server's consumer from the raw request,
 * never from Camel headers (which a client must never be able to set). Kept on the exchange as
 * a property.
 */
public record InboundRequest(String method, String path, String rawQuery, String remoteAddress,
                             List<Map.Entry<String, String>> headers) {

    public static final String PROPERTY = "caravanInbound";

    public static InboundRequest of(Exchange exchange) {
        InboundRequest request = exchange.getProperty(PROPERTY, InboundRequest.class);
        if (request == null) {
            throw new IllegalStateException("the route did not capture the inbound request first");
        }
        return request;
    }

    /**
     * The request of an exchange that did not come through the traffic server (a unit test's
     * plain exchange, later a JMS message): read from its headers.
     */
    static InboundRequest capture(Message message) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof Iterable<?> values) {
                values.forEach(v -> headers.add(Map.entry(name, String.valueOf(v))));
            } else if (value != null) {
                headers.add(Map.entry(name, String.valueOf(value)));
            }
        });
        return new InboundRequest(
                message.getHeader(Exchange.HTTP_METHOD, "GET", String.class),
                message.getHeader(Exchange.HTTP_PATH, "/", String.class),
                message.getHeader(Exchange.HTTP_QUERY, String.class),
                null,
                headers);
    }

    /** All values of one header, name matched case-insensitively. */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** The single value of a header, or null; a repeated header is ambiguous and reported as such. */
    public String singleHeader(String name) {
        List<String> values = headerValues(name);
        if (values.size() > 1) {
            throw new DuplicateHeaderException(name);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** Thrown when a header that must appear once appears more than once. */
    public static class DuplicateHeaderException extends RuntimeException {
        public DuplicateHeaderException(String header) {
            super("header " + header + " appears more than once");
        }
    }
}
