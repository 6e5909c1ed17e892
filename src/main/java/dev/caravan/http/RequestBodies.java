package dev.caravan.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * The request body of a traffic route, with the route's own size limit. On the traffic port the
 * body is the {@link ReceivedBody} the consumer collected without blocking (in memory, or in a
 * temporary file when it is larger than the memory threshold: read from the file here, bounded by
 * the limit); other bodies (a unit test's plain exchange) are read as they are.
 */
public final class RequestBodies {
    private RequestBodies() {}

    /** The body is larger than the limit allows. */
    public static class TooLargeException extends RuntimeException {
        public TooLargeException(long limit) {
            super("request body exceeds " + limit + " bytes", null, false, false);
        }
    }

    /** The body could not be read. */
    public static class UnreadableException extends RuntimeException {
        public UnreadableException(String message) {
            super(message, null, false, false);
        }
    }

    /** The body could not be taken now (the body memory budget is used up, or it could not be stored). */
    public static class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    public static byte[] read(Exchange exchange, long limit) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof ReceivedBody received) {
            if (received.tooLarge() || received.length() > limit) {
                throw new TooLargeException(limit);
            }
            if (received.inFile()) {
                try {
                    return checked(java.nio.file.Files.readAllBytes(received.file()), limit);
                } catch (IOException e) {
                    throw new UnreadableException("request body could not be read");
                }
            }
            return checked(received.bytes(), limit);
        }
        if (body instanceof byte[] bytes) {
            return checked(bytes, limit);
        }
        if (body instanceof InputStream in) {
            try (in) {
                return checked(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1)), limit);
            } catch (IOException e) {
                throw new UnreadableException("request body could not be read");
            }
        }
        return checked(exchange.getIn().getBody(String.class).getBytes(StandardCharsets.UTF_8), limit);
    }

    private static byte[] checked(byte[] bytes, long limit) {
        if (bytes.length > limit) {
            throw new TooLargeException(limit);
        }
        return bytes;
    }
}
