package dev.caravan.mediation;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * Reading and writing message bodies in a mediator. On the request side the gateway carries the
 * body as {@code byte[]} (or null); on the response side as a Vert.x {@link Buffer}, a
 * {@code byte[]} or a {@code String}. Mediators always set bodies back as {@code byte[]}, with
 * their {@code Content-Type} and without a stale {@code Content-Length}.
 */
public final class MediationBodies {
    private static final byte[] EMPTY = new byte[0];

    private MediationBodies() {}

    /** The body as bytes, an empty array when there is none. Strings are read as UTF-8. */
    public static byte[] read(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return EMPTY;
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof Buffer buffer) {
            return buffer.getBytes();
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof dev.caravan.http.ReceivedBody received) {
            // a large request body the traffic port kept in a temporary file: read, bounded by its size
            byte[] bytes = dev.caravan.http.RequestBodies.read(exchange, received.length());
            exchange.getMessage().setBody(bytes);
            return bytes;
        }
        // anything else (a stream, a cached stream): Camel's converters
        byte[] converted = exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        if (converted == null) {
            throw new IllegalStateException("a mediator cannot read a body of type " + body.getClass().getName());
        }
        return converted;
    }

    /** Replaces the body: bytes, their media type, no {@code Content-Length} (the gateway computes it). */
    public static void write(Exchange exchange, byte[] body, String contentType) {
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("Content-Type", contentType);
        exchange.getMessage().removeHeader("Content-Length");
    }

    /** True in a response flow: the backend's status is on the message. */
    public static boolean isResponseFlow(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) != null;
    }
}
