package dev.caravan.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;

/**
 * Reads a request body with a size limit. Traffic routes use {@code useBodyHandler=false}, so
 * the body arrives as the paused Vert.x request: nothing is parsed (a form body is not turned
 * into headers) and nothing beyond the limit is buffered.
 */
public final class RequestBodies {
    private RequestBodies() {}

    /** The body is larger than the limit allows. */
    public static class TooLargeException extends RuntimeException {
        public TooLargeException(long limit) {
            super("request body exceeds " + limit + " bytes");
        }
    }

    /** The body could not be read (client went away, or too slow). */
    public static class UnreadableException extends RuntimeException {
        public UnreadableException(String message) {
            super(message);
        }
    }

    public static byte[] read(Exchange exchange, long limit, Duration timeout) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof HttpServerRequest request) {
            return readVertx(request, limit, timeout);
        }
        if (body instanceof byte[] bytes) {
            return checked(bytes, limit);
        }
        if (body instanceof InputStream in) {
            try (in) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
                return checked(bytes, limit);
            } catch (IOException e) {
                throw new UnreadableException("request body could not be read");
            }
        }
        return checked(exchange.getIn().getBody(String.class).getBytes(StandardCharsets.UTF_8), limit);
    }

    /** Drop an unread body so the connection can serve the next request. */
    public static void discard(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof HttpServerRequest request && !request.isEnded()) {
            request.handler(null);
            request.resume();
        }
    }

    private static byte[] checked(byte[] bytes, long limit) {
        if (bytes.length > limit) {
            throw new TooLargeException(limit);
        }
        return bytes;
    }

    private static byte[] readVertx(HttpServerRequest request, long limit, Duration timeout) {
        String declared = request.getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw new TooLargeException(limit);
                }
            } catch (NumberFormatException e) {
                throw new UnreadableException("malformed Content-Length");
            }
        }
        if (request.isEnded()) {
            return new byte[0];
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Buffer collected = Buffer.buffer();
        request.exceptionHandler(result::completeExceptionally);
        request.handler(chunk -> {
            if (result.isDone()) {
                return;
            }
            if (collected.length() + chunk.length() > limit) {
                result.completeExceptionally(new TooLargeException(limit));
                return;
            }
            collected.appendBuffer(chunk);
        });
        request.endHandler(v -> result.complete(collected.getBytes()));
        request.resume();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TooLargeException tooLarge) {
                throw tooLarge;
            }
            throw new UnreadableException("request body could not be read");
        } catch (TimeoutException e) {
            throw new UnreadableException("request body was not received in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreadableException("interrupted while reading the request body");
        }
    }
}
