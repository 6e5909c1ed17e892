package dev.caravan.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The traffic port: one Vert.x HTTP server; {@code caravan-http:} consumers register their
 * paths here. Dispatch is by exact path first, then by the longest registered prefix, so the
 * OAuth endpoints always win over the API catch-all whatever order routes start in.
 *
 * <p>Shutdown drains ({@link #stop(Runnable)}): from the moment the application starts closing,
 * a new request is answered {@code 503 temporarily_unavailable} (HTTP/1.x: and its connection closed),
 * while every request already taken and every route exchange already started finishes (an
 * exchange also when its client has left), for at most {@code caravan.traffic.shutdown-grace};
 * then the port closes. This runs in the same lifecycle phase as Spring's graceful shutdown of
 * the management port, so before the audit publisher flushes and before Camel stops its
 * routes: a token issued or an API call forwarded during shutdown still gets its answer and its
 * audit event (without the drain, Camel stopped under calls in flight, which got 500s, and their
 * security events found the audit sender closed).
 */
public class TrafficServer implements AutoCloseable, SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficServer.class);
    /** Spring Boot's graceful shutdown phase of the web server: both ports drain together. */
    public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE;
    static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(15);
    private static final Buffer SHUTTING_DOWN =
            Responses.errorBody("temporarily_unavailable", "the gateway is shutting down; try again");
    private static final Buffer UNDECODABLE = Responses.errorBody("invalid_request", "the request is not valid"
            + " HTTP (a header name that is not a token, a control character in a header value, or a malformed"
            + " request line)");
    private static final Buffer LINE_TOO_LONG = Responses.errorBody("invalid_request", "the request line is too long");
    private static final Buffer HEADERS_TOO_LARGE =
            Responses.errorBody("invalid_request", "the request headers are too large");

    private record Prefix(String prefix, Handler<HttpServerRequest> handler) {}

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final int port;
    private final boolean batchFlushes;
    private final Map<String, Handler<HttpServerRequest>> exact = new ConcurrentHashMap<>();
    private final List<Prefix> prefixes = new CopyOnWriteArrayList<>();
    private final Duration shutdownGrace;
    /**
     * What a drain waits for: requests taken and not yet answered (or abandoned by their client),
     * plus route exchanges not yet finished ({@link #exchangeStarted}), which go on after their
     * client left (a password grant still issues its token and records it).
     */
    private final LongAdder inFlight = new LongAdder();
    private final Handler<Void> requestEnded = v -> inFlight.decrement();
    private volatile boolean draining;
    private volatile boolean running;
    private volatile boolean closed;

    /**
     * One server instance per event loop ({@code instances}), all on the same port: Vert.x shares
     * the listening socket and hands new connections to the instances in turn, so every event
     * loop serves connections. A single server would serve them all from one event loop, leaving
     * the other cores idle (measured: one busy thread capped the API path at one core).
     */
    public TrafficServer(Vertx vertx, String host, int port, int idleTimeoutSeconds, int instances) {
        this(vertx, host, port, idleTimeoutSeconds, instances, true);
    }

    /** {@code batchFlushes}: answers flushed at the end of the event loop's I/O batch ({@link FlushBatching}). */
    public TrafficServer(Vertx vertx, String host, int port, int idleTimeoutSeconds, int instances,
                         boolean batchFlushes) {
        this(vertx, host, port, idleTimeoutSeconds, instances, batchFlushes, DEFAULT_SHUTDOWN_GRACE);
    }

    /** {@code shutdownGrace}: how long a shutdown waits for the requests in flight. */
    public TrafficServer(Vertx vertx, String host, int port, int idleTimeoutSeconds, int instances,
                         boolean batchFlushes, Duration shutdownGrace) {
        this.batchFlushes = batchFlushes;
        this.shutdownGrace = shutdownGrace;
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setIdleTimeout(idleTimeoutSeconds)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                // the traffic port speaks no WebSocket: without these Vert.x puts a WebSocket
                // extension handler in every connection's pipeline, looked at on each read and write
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setHandle100ContinueAutomatically(true)
                // no cleartext HTTP/2: with h2c on, Vert.x decodes a connection's first request
                // before the connection handler can put the strict decoder in place
                .setHttp2ClearTextEnabled(false);
        try {
            // port 0 (tests) gives each instance its own random port: one instance then
            this.port = deploy(vertx, new HttpServerOptions(options).setPort(port), port == 0 ? 1 : instances);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the traffic server cannot listen on " + host + ":" + port, e);
        }
        LOG.info("traffic server listening on {}:{} ({} event loops, flushes {})", host, this.port, servers.size(),
                batchFlushes ? "batched" : "immediate");
    }

    private int deploy(Vertx vertx, HttpServerOptions options, int instances) throws Exception {
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                HttpServer server = vertx.createHttpServer(options).requestHandler(TrafficServer.this::dispatch)
                        .invalidRequestHandler(TrafficServer::undecodable);
                server.connectionHandler(connection -> {
                    StrictRequestDecoder.install(connection, options);
                    PooledWriteBuffers.install(connection);
                    if (batchFlushes) {
                        FlushBatching.install(connection);
                    }
                });
                server.listen().onSuccess(s -> {
                    servers.add(s);
                    started.complete();
                }).onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return servers.get(0).actualPort();
    }

    public int port() {
        return port;
    }

    /** {@code path} served exactly, or (with {@code prefix}) every path under it. */
    public void register(String path, boolean prefix, Handler<HttpServerRequest> handler) {
        if (prefix) {
            String normalized = path.endsWith("/") ? path : path + "/";
            prefixes.add(new Prefix(normalized, handler));
            prefixes.sort(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed());
        } else if (exact.putIfAbsent(path, handler) != null) {
            throw new IllegalStateException("two consumers for " + path);
        }
    }

    public void unregister(String path, boolean prefix) {
        if (prefix) {
            String normalized = path.endsWith("/") ? path : path + "/";
            prefixes.removeIf(p -> p.prefix().equals(normalized));
        } else {
            exact.remove(path);
        }
    }

    private void dispatch(HttpServerRequest request) {
        if (!served(request.method())) {
            refuseMethod(request);
            return;
        }
        String path = request.path();
        Handler<HttpServerRequest> handler = path == null ? null : exact.get(path);
        if (handler == null && path != null) {
            for (Prefix candidate : prefixes) {
                if (path.startsWith(candidate.prefix()) || path.equals(candidate.prefix().substring(0,
                        candidate.prefix().length() - 1))) {
                    handler = candidate.handler();
                    break;
                }
            }
        }
        if (handler == null) {
            request.response().setStatusCode(path == null ? 400 : 404)
                    .putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"not_found\",\"error_description\":\"nothing is served at this path\"}");
            return;
        }
        // counted before the draining check: a drain that has begun either sees this request
        // or this request sees the drain (both are volatile accesses)
        inFlight.increment();
        if (draining) {
            inFlight.decrement();
            refuse(request);
            return;
        }
        // called once: when the answer is written, or when the connection closes before it
        request.response().endHandler(requestEnded);
        handler.handle(request);
    }

    /** The methods the traffic port serves (RFC 9110 §9 and PATCH); methods are case-sensitive. */
    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";
    private static final Buffer METHOD_NOT_ALLOWED = Responses.errorBody("method_not_allowed",
            "TRACE and CONNECT are never served");
    private static final Buffer METHOD_NOT_IMPLEMENTED = Responses.errorBody("not_implemented",
            "the gateway does not implement this method");

    private static boolean served(HttpMethod method) {
        // Vert.x hands out its constants for the standard names, so identity decides
        return method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.PUT
                || method == HttpMethod.DELETE || method == HttpMethod.PATCH || method == HttpMethod.HEAD
                || method == HttpMethod.OPTIONS;
    }

    /**
     * TRACE (it would echo the caller's credentials back through any proxy) and CONNECT are 405;
     * any other method, {@code get} in lower case included (method names are case-sensitive), is
     * 501 (RFC 9110 §9.1): never forwarded to a backend. The connection stays usable.
     */
    private static void refuseMethod(HttpServerRequest request) {
        HttpMethod method = request.method();
        boolean known = method == HttpMethod.TRACE || method == HttpMethod.CONNECT;
        request.response().setStatusCode(known ? 405 : 501)
                .putHeader("Allow", ALLOWED_METHODS)
                .putHeader("Content-Type", "application/json")
                .end(known ? METHOD_NOT_ALLOWED : METHOD_NOT_IMPLEMENTED);
    }

    /**
     * A request the decoder refused: a header name that is not a token, a control character
     * in a header value, a line or header block too long, a malformed request line, or framing
     * that {@link StrictRequestDecoder} does not accept. Answered with the status Vert.x would
     * give (414, 431, else 400; the strict decoder's own: 400 or 501), a JSON error body rather
     * than an empty one, and the connection closed after it: nothing else sent on it is served, since
     * it may not be framed as the client meant.
     */
    private static void undecodable(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        Buffer body;
        if (cause instanceof StrictRequestDecoder.Refused refused) {
            status = refused.status();
            body = Responses.errorBody(status == 501 ? "not_implemented" : "invalid_request", refused.getMessage());
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            body = LINE_TOO_LONG;
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            body = HEADERS_TOO_LARGE;
        } else {
            status = 400;
            body = UNDECODABLE;
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(body);
        request.response().close();
    }

    /**
     * 503 to a request that arrives while draining. An HTTP/1.x connection is closed after it (the
     * client's next request goes elsewhere); an HTTP/2 connection may carry other streams still
     * in flight, so it stays open until the port closes.
     */
    private static void refuse(HttpServerRequest request) {
        HttpServerResponse response = request.response().setStatusCode(503)
                .putHeader("Content-Type", "application/json");
        if (request.version() == HttpVersion.HTTP_2) {
            response.end(SHUTTING_DOWN);
        } else {
            response.putHeader("Connection", "close").end(SHUTTING_DOWN)
                    .onComplete(v -> request.connection().close());
        }
    }

    /** Whether a shutdown has begun: answers then ask their client to close the connection. */
    public boolean draining() {
        return draining;
    }

    /** Requests and route exchanges in flight. */
    public long inFlight() {
        return inFlight.sum();
    }

    /**
     * A route exchange for a request began: a drain waits for {@link #exchangeFinished} too, not
     * only for the request's answer. Called while the request is still counted (on its event
     * loop, before anything is answered), so the count never drops to zero in between.
     */
    public void exchangeStarted() {
        inFlight.increment();
    }

    /** The exchange {@link #exchangeStarted} counted is done: answered, failed or abandoned. */
    public void exchangeFinished() {
        inFlight.decrement();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        drain();
    }

    /** Drains on its own thread, so the management port's graceful shutdown runs alongside. */
    @Override
    public void stop(Runnable callback) {
        Thread drainer = new Thread(() -> {
            try {
                drain();
            } finally {
                callback.run();
            }
        }, "caravan-traffic-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Refuses new requests, waits (bounded) for those in flight, then closes the port. */
    void drain() {
        draining = true;
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        long left;
        while ((left = inFlight.sum()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (left > 0) {
            LOG.warn("traffic port closing with {} requests still in flight after {}", left, shutdownGrace);
        }
        running = false;
        close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Closes the port and its connections; off the event loop, returns once they are closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        List<Future<Void>> closing = servers.stream().map(HttpServer::close).toList();
        if (!Context.isOnEventLoopThread()) {
            try {
                Future.all(closing).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("traffic port did not close cleanly: {}", e.toString());
            }
        }
    }
}
