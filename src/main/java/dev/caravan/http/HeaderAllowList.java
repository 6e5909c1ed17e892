package dev.caravan.http;

import java.util.Collection;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The entry step of every traffic route: removes every Camel message header and copies back,
 * from the raw request the consumer captured ({@link InboundRequest}), only the request
 * headers on the allow-list, compared case-insensitively. Nothing named {@code Camel*} can
 * pass, in any case.
 */
public class HeaderAllowList implements Processor {
    private final HeaderNameSet allowed;

    public HeaderAllowList(Collection<String> allowedHeaders) {
        this.allowed = new HeaderNameSet(allowedHeaders.stream()
                .filter(h -> !TrafficHeaderFilterStrategy.isInternalOrHopByHop(h))
                .toList());
    }

    public boolean allows(String headerName) {
        return allowed.contains(headerName);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getIn();
        InboundRequest request = exchange.getProperty(InboundRequest.PROPERTY, InboundRequest.class);
        if (request == null) {
            request = InboundRequest.capture(message);
            exchange.setProperty(InboundRequest.PROPERTY, request);
        }
        message.removeHeaders("*");
        for (Map.Entry<String, String> header : request.headers()) {
            if (allows(header.getKey())) {
                appendHeader(message, header.getKey(), header.getValue());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void appendHeader(Message message, String name, String value) {
        Object existing = message.getHeader(name);
        if (existing == null) {
            message.setHeader(name, value);
        } else if (existing instanceof java.util.List<?> list) {
            ((java.util.List<Object>) list).add(value);
        } else {
            java.util.List<Object> values = new java.util.ArrayList<>(2);
            values.add(existing);
            values.add(value);
            message.setHeader(name, values);
        }
    }
}
