package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.HeaderValueBytes;
import dev.caravan.http.HttpText;
import dev.caravan.http.TrafficHeaderFilterStrategy;
import io.netty.util.AsciiString;
import dev.caravan.http.ReceivedBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * The {@code forward-backend} step: sends the prepared request to the API's backend with Vert.x's
 * pooled, non-blocking HTTP client and puts the backend's answer (status, headers, body) on the
 * exchange. No thread waits for the backend. Reads {@code CamelHttpMethod}, {@code CamelHttpPath},
 * {@code CamelHttpQuery} and the message headers (mediation may have changed any of them);
 * never forwards Camel's own or hop-by-hop headers, in either direction (including those a
 * backend names in its {@code Connection} header); follows no redirect, keeps no cookie, does
 * not decompress, does not retry. A backend that does not answer within
 * {@code caravan.gateway.response-timeout} fails the call (504).
 */
@Component("forwardToBackend")
public class BackendForwarder extends AsyncProcessorSupport {
    private final BackendSecurityProfiles clients;
    private final QueueForwarder queues;
    private final long connectTimeoutMillis;
    private final Vertx vertx;

    public BackendForwarder(BackendSecurityProfiles clients, QueueForwarder queues, CaravanProperties properties,
                            Vertx vertx) {
        this.clients = clients;
        this.vertx = vertx;
        this.queues = queues;
        this.connectTimeoutMillis = properties.gateway().connectTimeout().toMillis();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message in = exchange.getIn();
        ApiRuntime runtime = exchange.getProperty(GatewayMediators.RUNTIME, ApiRuntime.class);
        BackendEndpoints.Backend backend = exchange.getProperty(GatewayMediators.BACKEND, BackendEndpoints.Backend.class);
        if (backend.isQueue()) {
            return queues.process(exchange, callback);
        }
        HttpClient client = runtime.security() == null ? clients.defaultClient() : runtime.security().client();
        RequestOptions request;
        List<CharSequence> headers = new ArrayList<>(32);
        Buffer body;
        ReceivedBody file;
        try {
            request = request(in, backend, runtime.backendTimeoutMillis(), headers);
            Object payload = in.getBody();
            body = payload instanceof byte[] bytes && bytes.length > 0 ? Buffer.buffer(bytes) : null;
            file = payload instanceof ReceivedBody received && received.inFile() ? received : null;
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        // whether the request went out: a failure after that may be the answer's, not the connection's
        boolean[] sent = new boolean[1];
        client.request(request)
                .compose(req -> {
                    // added as CharSequences: the backend JWT stays an AsciiString (copied, not re-encoded)
                    MultiMap outgoing = req.headers();
                    for (int i = 0; i < headers.size(); i += 2) {
                        outgoing.add(headers.get(i), headers.get(i + 1));
                    }
                    sent[0] = true;
                    if (file != null) {
                        return sendFile(req, file);
                    }
                    return body == null ? req.send() : req.send(body);
                })
                .compose(response -> response.body().map(received -> {
                    Message out = exchange.getMessage();
                    Map<String, Object> outHeaders = out.getHeaders();
                    outHeaders.clear();
                    MultiMap answered = response.headers();
                    List<String> connection = answered.contains("Connection") ? answered.getAll("Connection") : null;
                    // one pass over the answer's headers; a repeated name becomes a list, in order
                    for (Map.Entry<String, String> header : answered) {
                        String name = header.getKey();
                        if (TrafficHeaderFilterStrategy.isInternalOrHopByHop(name)
                                || (connection != null && TrafficHeaderFilterStrategy.listedIn(connection, name))) {
                            continue;
                        }
                        Object previous = outHeaders.putIfAbsent(name, header.getValue());
                        if (previous != null) {
                            outHeaders.put(name, repeated(previous, header.getValue()));
                        }
                    }
                    out.setHeader(Exchange.HTTP_RESPONSE_CODE, response.statusCode());
                    out.setBody(received);
                    return received;
                }))
                .onComplete(done -> {
                    if (done.failed()) {
                        exchange.setException(asBackendFailure(done.cause(), sent[0]));
                    }
                    callback.done(false);
                });
        return false;
    }

    /**
     * Streams a body the traffic port wrote to a temporary file, read as the backend connection
     * takes it (never whole in memory), with its {@code Content-Length}; the file is closed when
     * the request is sent or fails (the traffic port deletes it when the call ends).
     */
    private Future<HttpClientResponse> sendFile(HttpClientRequest req, ReceivedBody body) {
        return vertx.fileSystem().open(body.file().toString(), new OpenOptions().setRead(true).setWrite(false))
                .compose(file -> {
                    req.putHeader("Content-Length", Long.toString(body.length()));
                    return req.send(file).onComplete(done -> file.close());
                });
    }

    private RequestOptions request(Message in, BackendEndpoints.Backend backend, long timeoutMillis,
                                   List<CharSequence> headers) {
        String method = String.valueOf(in.getHeader(Exchange.HTTP_METHOD));
        String path = in.getHeader(Exchange.HTTP_PATH, String.class);
        String query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        String uri = (path == null || path.isEmpty() ? "/" : path) + (query == null || query.isEmpty() ? "" : "?" + query);
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            Object value = header.getValue();
            if (value == null || TrafficHeaderFilterStrategy.isInternalOrHopByHop(header.getKey())) {
                continue;
            }
            if (value instanceof Iterable<?> values) {
                values.forEach(v -> add(headers, header.getKey(), String.valueOf(v)));
            } else if (value instanceof CharSequence text) {
                add(headers, header.getKey(), text);
            } else {
                add(headers, header.getKey(), String.valueOf(value));
            }
        }
        return new RequestOptions()
                .setMethod(HttpMethod.valueOf(method))
                .setHost(backend.host())
                .setPort(backend.port())
                .setSsl(backend.tls())
                .setURI(uri)
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(timeoutMillis);
    }

    /**
     * What may leave in a backend request's headers: names that are HTTP tokens, values without
     * control characters but tab and without DEL (RFC 9110 §5.5: a mediator parameter or a
     * caller's value must never split the request), checked before anything is sent so the
     * answer is a clear {@code mediation_failed} (Vert.x's own check, later, would fail the call
     * as an unreachable backend). The backend JWT (an {@link AsciiString} the gateway signed
     * itself, about a kilobyte) is not scanned here.
     */
    static void add(List<CharSequence> headers, String name, CharSequence value) {
        if (!HttpText.isToken(name)) {
            throw new GatewayException(500, "mediation_failed", "a header for the backend has an invalid name", null);
        }
        CharSequence checked = value;
        if (value instanceof String text && text.length() >= HeaderValueBytes.FROM) {
            // a long value (a bearer token) as the bytes the encoder will write, once, then
            // scanned eight bytes at a time
            checked = HeaderValueBytes.asBytes(text);
        }
        if (!(value instanceof AsciiString) && !HttpText.isFieldValue(checked)) {
            throw new GatewayException(500, "mediation_failed",
                    "a header for the backend holds a control character (a line break, NUL...)", null);
        }
        headers.add(name);
        headers.add(checked);
    }

    @SuppressWarnings("unchecked")
    private static List<String> repeated(Object previous, String value) {
        List<String> values;
        if (previous instanceof List<?> list) {
            values = (List<String>) list;
        } else {
            values = new ArrayList<>(2);
            values.add((String) previous);
        }
        values.add(value);
        return values;
    }

    /**
     * Vert.x reports closed connections as runtime exceptions: make every failure an I/O failure
     * for the error step, except an answer the client's decoder refused (a header name that is
     * not a token, a control character in a value: Netty's header checks throw
     * {@link IllegalArgumentException}), which is the backend's fault and must not pass: 502
     * {@code bad_gateway}.
     */
    private static Throwable asBackendFailure(Throwable cause, boolean sent) {
        if (cause instanceof IOException || cause instanceof java.util.concurrent.TimeoutException) {
            return cause;
        }
        if (sent && cause instanceof IllegalArgumentException) {
            return new GatewayException(502, "bad_gateway", "the backend's answer is not valid HTTP", null);
        }
        return new IOException("the backend connection failed", cause);
    }
}
