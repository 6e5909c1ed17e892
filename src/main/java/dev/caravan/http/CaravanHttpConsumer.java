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
 * loop ({@link BodyReception}: up to the endpoint's limit, in memory up to a threshold, beyond it
 * in a temporary file; a larger body is answered at once and the connection closed), then the
 * route runs: on the event loop, or on a worker thread for blocking routes (at most
 * {@link TrafficLimits#maxBlockingInFlight()} at once: more are answered 503 at once). An endpoint
 * with {@code deferBody} runs its route on the request head with the body unread (a
 * {@link PendingBody}); the route's {@link RequestBodyReader} step reads it once the checks before
 * it passed, and a call answered before that closes its connection instead of reading the body.
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
    private static final Buffer WORKERS_BUSY =
            Responses.errorBody("temporarily_unavailable", "the gateway is busy; try again");
    private static final Buffer BODIES_BUSY = Responses.errorBody("temporarily_unavailable",
            "the gateway holds too many request bodies; try again");
    /** Set on an exchange whose connection must close after the answer (unread oversize body). */
    static final String CLOSE_CONNECTION = "caravanCloseConnection";
    /** The body's reception (or pending body) of an exchange: released when the exchange finishes. */
    static final String RECEPTION = "caravanBodyReception";

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
        TrafficServer server = endpoint.getComponent().server();
        long limit = endpoint.getMaxBodySize();
        String declared = request.getHeader("Content-Length");
        boolean noBody = declared == null ? !request.headers().contains("Transfer-Encoding") : declaredEmpty(declared);
        if (endpoint.isBlocking() && server.blockingSaturated()) {
            busy(request, WORKERS_BUSY, !noBody);
            return;
        }
        if (noBody) {
            dispatch(request, ReceivedBody.EMPTY, null);
            return;
        }
        if (declared != null && declaredTooLarge(declared, limit)) {
            dispatch(request, ReceivedBody.TOO_LARGE, null);
            return;
        }
        if (endpoint.isDeferBody() && !endpoint.isBlocking()) {
            // the route's checks run on the head; its read-request-body step reads the body
            request.pause();
            PendingBody pending = new PendingBody(request, server, limit);
            dispatch(request, pending, pending);
            return;
        }
        if (server.bodyMemoryExhausted()) {
            busy(request, BODIES_BUSY, true);
            return;
        }
        BodyReception.start(request, server, limit, (reception, body, failure) -> {
            if (failure == null) {
                dispatch(request, body, reception);
            } else {
                reception.release();
                if (failure instanceof RequestBodies.UnavailableException) {
                    busy(request, BODIES_BUSY, true);
                }
                // else the client went away mid-body: there is nobody to answer
            }
        });
    }

    private static boolean declaredEmpty(String declared) {
        for (int i = 0; i < declared.length(); i++) {
            if (declared.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean declaredTooLarge(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * {@code 503 temporarily_unavailable} with {@code Retry-After}, written by the consumer
     * itself, before any route runs; with {@code unreadBody} the connection closes after it.
     */
    private static void busy(HttpServerRequest request, Buffer body, boolean unreadBody) {
        HttpServerResponse response = request.response().setStatusCode(503)
                .putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", "1");
        endMaybeClosing(request, response, body, unreadBody);
    }

    private static void endMaybeClosing(HttpServerRequest request, HttpServerResponse response, Buffer body,
                                        boolean close) {
        if (close && request.version() != HttpVersion.HTTP_2) {
            response.putHeader("Connection", "close");
            response.end(body).onComplete(v -> request.connection().close());
        } else {
            response.end(body);
        }
    }

    /**
     * Runs the route for {@code request} with {@code body}; {@code held} (the body's reception, or
     * the pending body) is released when the exchange finishes, however it finishes.
     */
    private void dispatch(HttpServerRequest request, Object body, Object held) {
        TrafficServer server = getEndpoint().getComponent().server();
        boolean blocking = getEndpoint().isBlocking();
        if (blocking && !server.startBlocking()) {
            release(held);
            busy(request, WORKERS_BUSY, body == ReceivedBody.TOO_LARGE);
            return;
        }
        Exchange exchange = createExchange(false);
        // a shutdown drain waits for this exchange, even if its client leaves (finish() ends it)
        server.exchangeStarted();
        exchange.setPattern(ExchangePattern.InOut);
        SocketAddress remote = request.remoteAddress();
        exchange.setProperty(InboundRequest.PROPERTY, new InboundRequest(request.method().name(), request.path(),
                request.query(), remote == null ? null : remote.hostAddress(), request.headers().entries()));
        if (body == ReceivedBody.TOO_LARGE) {
            exchange.setProperty(CLOSE_CONNECTION, Boolean.TRUE);
        }
        if (held != null) {
            exchange.setProperty(RECEPTION, held);
        }
        exchange.getIn().setBody(body);
        Context context = Vertx.currentContext();
        try {
            createUoW(exchange);
        } catch (Exception e) {
            if (blocking) {
                server.blockingFinished();
            }
            fail(request, exchange, e);
            return;
        }
        if (blocking) {
            context.executeBlocking(() -> {
                getProcessor().process(exchange);
                return null;
            }, false).onComplete(done -> {
                server.blockingFinished();
                respond(request, exchange, done.cause());
            });
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

    private static void release(Object held) {
        if (held instanceof BodyReception reception) {
            reception.release();
        } else if (held instanceof PendingBody pending) {
            pending.release();
        }
    }

    /** Whether the answer must close the connection: an oversize body, or one the route never read. */
    private static boolean closeAfter(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.getProperty(CLOSE_CONNECTION))) {
            return true;
        }
        return exchange.getProperty(RECEPTION) instanceof PendingBody pending && pending.unread();
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
            if (response.closed()) {
                finish(exchange); // the client left: nobody to answer
                return;
            }
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
            endMaybeClosing(request, response, body(exchange, message), closeAfter(exchange));
        } catch (Exception e) {
            fail(request, exchange, e);
            return;
        }
        finish(exchange);
    }

    private static Buffer body(Exchange exchange, Message message) throws Exception {
        Object body = message.getBody();
        if (body == null || body instanceof ReceivedBody || body instanceof PendingBody) {
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
            if (!response.closed()) {
                endMaybeClosing(request, response, notServing ? NOT_SERVING : SERVER_ERROR, closeAfter(exchange));
            }
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
            release(exchange.getProperty(RECEPTION));
            doneUoW(exchange);
            releaseExchange(exchange, false);
        } finally {
            getEndpoint().getComponent().server().exchangeFinished();
        }
    }
}
