package dev.caravan.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives requests for one {@code caravan-http:} endpoint. The body is collected on the event
 * loop (up to the endpoint's limit; a larger body is answered at once and the connection
 * closed), then the route runs: on the event loop, or on a worker thread for blocking routes.
 * The answer is the exchange's message: {@code CamelHttpResponseCode}, the headers the
 * {@link TrafficHeaderFilterStrategy} lets out, and the body.
 */
public class CaravanHttpConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(CaravanHttpConsumer.class);
    private static final Buffer SERVER_ERROR =
            Responses.errorBody("server_error", "the server could not complete the request");
    private static final Buffer NOT_SERVING =
            Responses.errorBody("temporarily_unavailable", "this route is restarting or stopping; try again");
    private static final Buffer METHOD_NOT_ALLOWED =
            Responses.errorBody("method_not_allowed", "this method is not allowed here");
    /** Set on an exchange whose connection must close after the answer (unread oversize body). */
    static final String CLOSE_CONNECTION = "caravanCloseConnection";

    /** The one handler object this consumer registers and unregisters (the server compares by identity). */
    private final io.vertx.core.Handler<HttpServerRequest> handler = this::handle;

    public CaravanHttpConsumer(CaravanHttpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public CaravanHttpEndpoint getEndpoint() {
        return (CaravanHttpEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String owner = getRouteId() != null ? getRouteId() : getEndpoint().getEndpointUri();
        getEndpoint().getComponent().server().register(getEndpoint().getPath(), getEndpoint().isPrefix(), handler, owner);
    }

    @Override
    protected void doStop() throws Exception {
        // only ever takes off its own registration: a consumer whose start failed (its path was
        // taken) must not take down the path of the one serving it
        getEndpoint().getComponent().server().unregister(getEndpoint().getPath(), getEndpoint().isPrefix(), handler);
        super.doStop();
    }

    private void handle(HttpServerRequest request) {
        CaravanHttpEndpoint endpoint = getEndpoint();
        if (!endpoint.getMethods().isEmpty() && !endpoint.getMethods().contains(request.method().name())) {
            request.response().setStatusCode(405)
                    .putHeader("Allow", String.join(", ", endpoint.getMethods()))
                    .putHeader("Content-Type", "application/json")
                    .end(METHOD_NOT_ALLOWED);
            return;
        }
        long limit = endpoint.getMaxBodySize();
        String declared = request.getHeader("Content-Length");
        if (declared != null && declaredTooLarge(declared, limit)) {
            dispatch(request, ReceivedBody.TOO_LARGE);
            return;
        }
        BodyCollector collector = new BodyCollector(request, limit);
        request.handler(collector::chunk);
        request.endHandler(v -> collector.end());
        request.exceptionHandler(failure -> collector.failed());
    }

    private static boolean declaredTooLarge(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Collects one body; dispatches once, at the end or as soon as the limit is passed. */
    private final class BodyCollector {
        private final HttpServerRequest request;
        private final long limit;
        private Buffer buffer;
        private boolean dispatched;

        BodyCollector(HttpServerRequest request, long limit) {
            this.request = request;
            this.limit = limit;
        }

        void chunk(Buffer chunk) {
            if (dispatched) {
                return;
            }
            int size = (buffer == null ? 0 : buffer.length()) + chunk.length();
            if (size > limit) {
                dispatched = true;
                buffer = null;
                dispatch(request, ReceivedBody.TOO_LARGE);
                return;
            }
            if (buffer == null) {
                buffer = Buffer.buffer(Math.max(chunk.length(), 256));
            }
            buffer.appendBuffer(chunk);
        }

        void end() {
            if (!dispatched) {
                dispatched = true;
                dispatch(request, buffer == null ? ReceivedBody.EMPTY : new ReceivedBody(buffer.getBytes(), false));
            }
        }

        void failed() {
            // the client went away mid-body: there is nobody to answer
            dispatched = true;
        }
    }

    private void dispatch(HttpServerRequest request, ReceivedBody body) {
        Exchange exchange = createExchange(false);
        // a shutdown drain waits for this exchange, even if its client leaves (finish() ends it)
        getEndpoint().getComponent().server().exchangeStarted();
        exchange.setPattern(ExchangePattern.InOut);
        SocketAddress remote = request.remoteAddress();
        exchange.setProperty(InboundRequest.PROPERTY, new InboundRequest(request.method().name(), request.path(),
                request.query(), remote == null ? null : remote.hostAddress(), request.headers().entries()));
        if (body.tooLarge()) {
            exchange.setProperty(CLOSE_CONNECTION, Boolean.TRUE);
        }
        exchange.getIn().setBody(body);
        Context context = Vertx.currentContext();
        try {
            createUoW(exchange);
        } catch (Exception e) {
            fail(request, exchange, e);
            return;
        }
        if (getEndpoint().isBlocking()) {
            context.executeBlocking(() -> {
                getProcessor().process(exchange);
                return null;
            }, false).onComplete(done -> respond(request, exchange, done.cause()));
        } else {
            getAsyncProcessor().process(exchange, doneSync -> {
                if (Vertx.currentContext() == context) {
                    respond(request, exchange, null);
                } else {
                    context.runOnContext(v -> respond(request, exchange, null));
                }
            });
        }
    }

    private void respond(HttpServerRequest request, Exchange exchange, Throwable failure) {
        try {
            Throwable unhandled = failure != null ? failure : exchange.getException();
            if (unhandled != null) {
                fail(request, exchange, unhandled);
                return;
            }
            Message message = exchange.getMessage();
            HttpServerResponse response = request.response();
            response.setStatusCode(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
            TrafficHeaderFilterStrategy filter = getEndpoint().getComponent().headers();
            for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
                Object value = header.getValue();
                if (value == null || filter.applyFilterToCamelHeaders(header.getKey(), value, exchange)) {
                    continue;
                }
                if (value instanceof Iterable<?> values) {
                    for (Object v : values) {
                        response.headers().add(header.getKey(), String.valueOf(v));
                    }
                } else {
                    response.headers().add(header.getKey(), String.valueOf(value));
                }
            }
            if (getEndpoint().getComponent().server().draining() && request.version() != HttpVersion.HTTP_2) {
                // shutting down: the client should take its next request elsewhere (HTTP/2 has
                // no such header; its connection ends when the port closes)
                response.putHeader("Connection", "close");
            }
            if (Boolean.TRUE.equals(exchange.getProperty(CLOSE_CONNECTION))) {
                response.putHeader("Connection", "close");
                response.end(body(exchange, message)).onComplete(v -> request.connection().close());
            } else {
                response.end(body(exchange, message));
            }
        } catch (Exception e) {
            fail(request, exchange, e);
            return;
        }
        finish(exchange);
    }

    private static Buffer body(Exchange exchange, Message message) throws Exception {
        Object body = message.getBody();
        if (body == null || body instanceof ReceivedBody) {
            return Buffer.buffer();
        }
        if (body instanceof Buffer buffer) {
            return buffer;
        }
        if (body instanceof byte[] bytes) {
            return Buffer.buffer(bytes);
        }
        if (body instanceof String text) {
            return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
        }
        if (body instanceof InputStream in) {
            try (in) {
                return Buffer.buffer(in.readAllBytes());
            }
        }
        byte[] converted = exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        return Buffer.buffer(converted);
    }

    /**
     * A failure the route did not answer itself. A route that is stopping or being swapped
     * (a routes-directory file reloaded) refuses new exchanges with Camel's
     * {@link RejectedExecutionException}: that call is answered {@code 503}, to be retried, not
     * {@code 500}; anything else is a server error.
     */
    private void fail(HttpServerRequest request, Exchange exchange, Throwable failure) {
        boolean notServing = rejected(failure);
        if (notServing) {
            LOG.warn("traffic route {} is restarting or stopping: a call was answered 503", getEndpoint().getPath());
        } else {
            LOG.error("traffic route {} failed: {}", getEndpoint().getPath(), failure.getClass().getName());
        }
        HttpServerResponse response = request.response();
        if (!response.ended()) {
            if (!response.headWritten()) {
                response.headers().clear();
                response.setStatusCode(notServing ? 503 : 500).putHeader("Content-Type", "application/json");
                if (notServing) {
                    response.putHeader("Retry-After", "1");
                }
            }
            response.end(notServing ? NOT_SERVING : SERVER_ERROR);
        }
        finish(exchange);
    }

    static boolean rejected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    private void finish(Exchange exchange) {
        try {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        } finally {
            getEndpoint().getComponent().server().exchangeFinished();
        }
    }
}
