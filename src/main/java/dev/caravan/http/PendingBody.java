package dev.caravan.http;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * The body of a request whose route reads it itself ({@code deferBody}): the request is paused
 * (its body bytes stay in the socket) while the route's checks run on the head; the route's
 * {@link RequestBodyReader read-request-body} step then reads it. A call refused before that step
 * never reads a byte of it: its answer closes the connection.
 */
final class PendingBody {
    private final HttpServerRequest request;
    private final TrafficServer server;
    private final long limit;
    private BodyReception reception;
    private boolean asked;

    PendingBody(HttpServerRequest request, TrafficServer server, long limit) {
        this.request = request;
        this.server = server;
        this.limit = limit;
    }

    /** Nothing of the body was read: the connection cannot carry another request. */
    boolean unread() {
        return reception == null;
    }

    /** Reads the body into the exchange; see {@link org.apache.camel.AsyncProcessor#process}. */
    boolean read(Exchange exchange, AsyncCallback callback) {
        if (asked) {
            callback.done(true);
            return true;
        }
        asked = true;
        if (server.bodyMemoryExhausted()) {
            exchange.setProperty(CaravanHttpConsumer.CLOSE_CONNECTION, Boolean.TRUE);
            exchange.setException(new RequestBodies.UnavailableException(
                    "the gateway holds too many request bodies; try again"));
            callback.done(true);
            return true;
        }
        boolean[] state = new boolean[2]; // [0] still in this call, [1] done within it
        state[0] = true;
        reception = BodyReception.start(request, server, limit, (source, body, failure) -> {
            if (failure != null) {
                exchange.setException(failure);
            } else {
                exchange.getIn().setBody(body);
                if (body.tooLarge()) {
                    exchange.setProperty(CaravanHttpConsumer.CLOSE_CONNECTION, Boolean.TRUE);
                }
            }
            if (state[0]) {
                state[1] = true;
            } else {
                callback.done(false);
            }
        });
        state[0] = false;
        if (state[1]) {
            callback.done(true);
            return true;
        }
        return false;
    }

    /** The call ended: see {@link BodyReception#release}. */
    void release() {
        if (reception != null) {
            reception.release();
        }
    }
}
