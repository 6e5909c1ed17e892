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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The traffic port: one Vert.x HTTP server; {@code caravan-http:} consumers register their
 * paths here. Dispatch is by exact path first, then by the longest registered prefix, so the
 * OAuth endpoints always win over the API catch-all whatever order routes start in. A path (or
 * prefix) has one owner at a time, and only its owner takes it off ({@link #register},
 * {@link #unregister}); a path can be {@link #hold held} while its owner is replaced, so that
 * it never answers 404 in between.
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
    private final Vertx vertx;
    private final Map<String, Handler<HttpServerRequest>> exact = new ConcurrentHashMap<>();
    /** Longest first; replaced whole on a change (rare), read without a lock on every request. */
    private volatile List<Prefix> prefixes = List.of();
    /** Who serves each path or prefix (by key: a prefix ends with '/'), for messages and {@link #registrations()}. */
    private final Map<String, String> owners = new java.util.HashMap<>();
    /** Paths held through a swap ({@link #hold}). */
    private final Map<String, Parking> holds = new java.util.HashMap<>();
    private final Duration shutdownGrace;
    /**
     * What a drain waits for: requests taken and not yet answered (or abandoned by their client),
     * plus route exchanges not yet finished ({@link #exchangeStarted}), which go on after their
     * client left (a password grant still issues its token and records it).
     */
    private final LongAdder inFlight = new LongAdder();
    private final Handler<Void> requestEnded = v -> inFlight.decrement();
    private final TrafficLimits limits;
    /** Request body bytes held in memory now ({@link BodyReception}), against {@link TrafficLimits#bodyMemoryBudget()}. */
    private final AtomicLong bodyMemory = new AtomicLong();
    /** Calls of blocking routes running or waiting for a worker thread. */
    private final AtomicInteger blockingInFlight = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> connectionsPerClient = new ConcurrentHashMap<>();
    private final AtomicLong refusedConnections = new AtomicLong();
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
        this(vertx, host, port, idleTimeoutSeconds, instances, batchFlushes, shutdownGrace, TrafficLimits.defaults());
    }

    /** {@code limits}: what a client, a connection and a request may hold ({@link TrafficLimits}). */
    public TrafficServer(Vertx vertx, String host, int port, int idleTimeoutSeconds, int instances,
                         boolean batchFlushes, Duration shutdownGrace, TrafficLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        try {
            java.nio.file.Files.createDirectories(limits.spillDirectory());
        } catch (java.io.IOException e) {
            LOG.warn("the directory for large request bodies {} cannot be created: {}", limits.spillDirectory(), e.toString());
        }
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
                    if (!admit(connection)) {
                        return;
                    }
                    StrictRequestDecoder.install(connection, options, limits);
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

    /** What a client, a connection and a request may hold on this port. */
    public TrafficLimits limits() {
        return limits;
    }

    Vertx vertx() {
        return vertx;
    }

    /**
     * Counts a new connection against the total and its client's cap; one over either is closed
     * at once (before a byte of it is read) and not counted. A counted connection is taken off
     * when it closes.
     */
    private boolean admit(io.vertx.core.http.HttpConnection connection) {
        io.vertx.core.net.SocketAddress remote = connection.remoteAddress();
        String client = remote == null || remote.hostAddress() == null ? "?" : remote.hostAddress();
        boolean[] admitted = new boolean[1];
        if (connections.incrementAndGet() <= limits.maxConnections()) {
            connectionsPerClient.compute(client, (key, open) -> {
                int now = open == null ? 0 : open;
                if (now >= limits.maxConnectionsPerClient()) {
                    return open;
                }
                admitted[0] = true;
                return now + 1;
            });
        }
        if (!admitted[0]) {
            connections.decrementAndGet();
            long refused = refusedConnections.incrementAndGet();
            if (Long.bitCount(refused) == 1) { // 1, 2, 4, 8...: a flood does not flood the log
                LOG.warn("traffic port refused a connection from {} (at most {} per client, {} in all); {} refused so far",
                        client, limits.maxConnectionsPerClient(), limits.maxConnections(), refused);
            }
            connection.close();
            return false;
        }
        connection.closeHandler(v -> {
            connections.decrementAndGet();
            connectionsPerClient.computeIfPresent(client, (key, open) -> open <= 1 ? null : open - 1);
        });
        return true;
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    /** Reserves {@code bytes} of the body memory budget; false when it would pass the budget. */
    boolean reserveBodyMemory(long bytes) {
        long budget = limits.bodyMemoryBudget();
        while (true) {
            long used = bodyMemory.get();
            if (used + bytes > budget) {
                return false;
            }
            if (bodyMemory.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void releaseBodyMemory(long bytes) {
        bodyMemory.addAndGet(-bytes);
    }

    /** The body memory budget is used up: a new body is refused (503) rather than read. */
    boolean bodyMemoryExhausted() {
        return bodyMemory.get() >= limits.bodyMemoryBudget();
    }

    /** Request body bytes held in memory now. */
    public long bodyMemoryUsed() {
        return bodyMemory.get();
    }

    /** As many blocking calls are in flight as allowed: a new one is refused (503). */
    boolean blockingSaturated() {
        return blockingInFlight.get() >= limits.maxBlockingInFlight();
    }

    /** Counts a blocking call about to be handed to a worker thread; false (nothing counted) when full. */
    boolean startBlocking() {
        if (blockingInFlight.incrementAndGet() > limits.maxBlockingInFlight()) {
            blockingInFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void blockingFinished() {
        blockingInFlight.decrementAndGet();
    }

    /** {@code path} served exactly, or (with {@code prefix}) every path under it. */
    public void register(String path, boolean prefix, Handler<HttpServerRequest> handler) {
        register(path, prefix, handler, "?");
    }

    /**
     * {@code path} served exactly, or (with {@code prefix}) every path under it, by {@code handler}
     * on behalf of {@code owner} (a route id, for {@link #registrations()}). A path has one owner:
     * registering a path someone else serves throws, and nothing changes. A path {@link #hold held}
     * through a swap is taken over, with the requests that waited for it.
     */
    public synchronized void register(String path, boolean prefix, Handler<HttpServerRequest> handler, String owner) {
        String key = key(path, prefix);
        Handler<HttpServerRequest> current = prefix ? prefixHandler(key) : exact.get(key);
        if (current != null && !(current instanceof Parking)) {
            throw new IllegalStateException((prefix ? "the prefix " : "the path ") + key + " is already served by "
                    + owners.getOrDefault(key, "another consumer"));
        }
        bind(key, prefix, handler);
        owners.put(key, owner);
        if (current instanceof Parking parking) {
            parking.handOver(handler);
        }
    }

    /**
     * Takes {@code handler} off {@code path}, if it is the one serving it: a registration is only
     * ever removed by its owner (a consumer that failed to start never takes down the path of the
     * one that serves it). A path {@link #hold held} keeps answering: its requests wait for the
     * next owner.
     *
     * @return whether {@code handler} was serving the path
     */
    public synchronized boolean unregister(String path, boolean prefix, Handler<HttpServerRequest> handler) {
        String key = key(path, prefix);
        Handler<HttpServerRequest> current = prefix ? prefixHandler(key) : exact.get(key);
        if (current != handler) {
            return false;
        }
        owners.remove(key);
        Parking parking = holds.get(key);
        if (parking != null) {
            bind(key, prefix, parking);
        } else {
            unbind(key, prefix);
        }
        return true;
    }

    /**
     * Keeps {@code path} answered while its owner is replaced (a user route file reloaded): from
     * the moment the owner lets go until a new owner registers, requests wait (up to
     * {@link #MAX_PARK}, at most {@link #MAX_PARKED} of them) and are then handed to the new owner;
     * no request in between is answered 404. Closing the hold with no new owner lets the waiting
     * requests be routed as if they had just arrived (404, or a covering prefix). A request
     * that waited too long, or found the queue full, gets {@code 503 temporarily_unavailable} with
     * {@code Retry-After}.
     */
    public synchronized Hold hold(String path, boolean prefix) {
        String key = key(path, prefix);
        Parking existing = holds.get(key);
        if (existing != null) {
            existing.holders++;
            return new Hold(key, prefix, existing);
        }
        Parking parking = new Parking(key);
        holds.put(key, parking);
        return new Hold(key, prefix, parking);
    }

    /** Held path; {@link #close} when the swap is over, whatever its outcome. */
    public final class Hold implements AutoCloseable {
        private final String key;
        private final boolean prefix;
        private final Parking parking;
        private boolean closed;

        private Hold(String key, boolean prefix, Parking parking) {
            this.key = key;
            this.prefix = prefix;
            this.parking = parking;
        }

        @Override
        public void close() {
            synchronized (TrafficServer.this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--parking.holders > 0) {
                    return;
                }
                holds.remove(key, parking);
                Handler<HttpServerRequest> current = prefix ? prefixHandler(key) : exact.get(key);
                if (current == parking) {
                    unbind(key, prefix);
                    owners.remove(key);
                }
            }
            parking.release();
        }
    }

    /** A path (or prefix) served on the traffic port and the route (or other consumer) serving it. */
    public record Registration(String path, boolean prefix, String owner) {}

    /** Every path and prefix served now, with its owner; a held path shows as owned by {@code (held)}. */
    public synchronized java.util.List<Registration> registrations() {
        java.util.List<Registration> all = new java.util.ArrayList<>();
        exact.forEach((path, handler) -> all.add(new Registration(path, false,
                handler instanceof Parking ? "(held)" : owners.getOrDefault(path, "?"))));
        for (Prefix p : prefixes) {
            all.add(new Registration(p.prefix(), true,
                    p.handler() instanceof Parking ? "(held)" : owners.getOrDefault(p.prefix(), "?")));
        }
        all.sort(Comparator.comparing(Registration::path));
        return java.util.List.copyOf(all);
    }

    /**
     * Whether two traffic registrations could be meant for one request: equal exact paths, an
     * exact path in (or at the root of) a prefix, or one prefix inside the other.
     */
    public static boolean overlaps(String path, boolean prefix, String otherPath, boolean otherPrefix) {
        String a = prefix && !path.endsWith("/") ? path + "/" : path;
        String b = otherPrefix && !otherPath.endsWith("/") ? otherPath + "/" : otherPath;
        if (prefix && otherPrefix) {
            return a.startsWith(b) || b.startsWith(a);
        }
        if (prefix) {
            return b.startsWith(a) || b.equals(a.substring(0, a.length() - 1));
        }
        if (otherPrefix) {
            return a.startsWith(b) || a.equals(b.substring(0, b.length() - 1));
        }
        return a.equals(b);
    }

    /**
     * A registration (other than the catch-all {@code /} prefix, which the API route holds) whose
     * requests could fall under {@code prefix}: what a new API's {@code /{context}/{version}/}
     * would take from a route already served here. Null when there is none.
     */
    public synchronized Registration servedUnder(String prefix) {
        for (Registration registration : registrations()) {
            boolean root = registration.prefix() && registration.path().equals("/");
            if (!root && overlaps(prefix, true, registration.path(), registration.prefix())) {
                return registration;
            }
        }
        return null;
    }

    /** The owner serving exactly this path or prefix now, or null. */
    public synchronized String owner(String path, boolean prefix) {
        String key = key(path, prefix);
        Handler<HttpServerRequest> current = prefix ? prefixHandler(key) : exact.get(key);
        return current == null || current instanceof Parking ? null : owners.get(key);
    }

    private static String key(String path, boolean prefix) {
        return prefix && !path.endsWith("/") ? path + "/" : path;
    }

    private Handler<HttpServerRequest> prefixHandler(String key) {
        for (Prefix p : prefixes) {
            if (p.prefix().equals(key)) {
                return p.handler();
            }
        }
        return null;
    }

    private void bind(String key, boolean prefix, Handler<HttpServerRequest> handler) {
        if (!prefix) {
            exact.put(key, handler);
            return;
        }
        java.util.List<Prefix> next = new java.util.ArrayList<>(prefixes);
        next.removeIf(p -> p.prefix().equals(key));
        next.add(new Prefix(key, handler));
        next.sort(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed());
        prefixes = java.util.List.copyOf(next);
    }

    private void unbind(String key, boolean prefix) {
        if (!prefix) {
            exact.remove(key);
            return;
        }
        java.util.List<Prefix> next = new java.util.ArrayList<>(prefixes);
        next.removeIf(p -> p.prefix().equals(key));
        prefixes = java.util.List.copyOf(next);
    }

    private void dispatch(HttpServerRequest request) {
        if (!served(request.method())) {
            refuseMethod(request);
            return;
        }
        String path = request.path();
        Handler<HttpServerRequest> handler = path == null ? null : route(path);
        if (handler == null) {
            notFound(request, path == null ? 400 : 404);
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

    private Handler<HttpServerRequest> route(String path) {
        Handler<HttpServerRequest> handler = exact.get(path);
        if (handler == null) {
            for (Prefix candidate : prefixes) {
                if (path.startsWith(candidate.prefix()) || path.equals(candidate.prefix().substring(0,
                        candidate.prefix().length() - 1))) {
                    return candidate.handler();
                }
            }
        }
        return handler;
    }

    private static void notFound(HttpServerRequest request, int status) {
        request.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":\"not_found\",\"error_description\":\"nothing is served at this path\"}");
    }

    /** Longest a request waits for a held path's next owner. */
    static final long MAX_PARK = 5_000;
    /** Most requests waiting for one held path; more are answered 503 at once. */
    static final int MAX_PARKED = 10_000;
    private static final Buffer SWAPPING =
            Responses.errorBody("temporarily_unavailable", "this route is being replaced; try again");

    /**
     * Stands in for a held path's owner: requests wait here, paused (their bodies are not read),
     * each with the event-loop context it arrived on, until the next owner registers.
     */
    private final class Parking implements Handler<HttpServerRequest> {
        private final String key;
        private final java.util.ArrayDeque<Parked> parked = new java.util.ArrayDeque<>();
        private Handler<HttpServerRequest> successor;
        private boolean released;
        private long timer = -1;
        int holders = 1;

        private record Parked(HttpServerRequest request, Context context, long since) {}

        Parking(String key) {
            this.key = key;
        }

        @Override
        public void handle(HttpServerRequest request) {
            Handler<HttpServerRequest> next;
            synchronized (this) {
                next = successor;
                if (next == null && !released) {
                    if (parked.size() >= MAX_PARKED) {
                        busy(request);
                        return;
                    }
                    request.pause();
                    parked.add(new Parked(request, Vertx.currentContext(), System.nanoTime()));
                    if (timer < 0) {
                        timer = vertx.setPeriodic(100, id -> expire());
                    }
                    return;
                }
            }
            if (next != null) {
                next.handle(request);
            } else {
                reroute(request);
            }
        }

        /** The next owner registered: every waiting request goes to it, on its own event loop. */
        void handOver(Handler<HttpServerRequest> handler) {
            java.util.List<Parked> waiting;
            synchronized (this) {
                successor = handler;
                waiting = drain();
            }
            for (Parked p : waiting) {
                p.context().runOnContext(v -> {
                    // resumed first: what was read of its body is delivered later, on the event loop,
                    // to the handlers the new owner sets (or kept, if the new owner pauses it again)
                    p.request().resume();
                    handler.handle(p.request());
                });
            }
        }

        /** The hold ended without a next owner: waiting requests are routed again. */
        void release() {
            java.util.List<Parked> waiting;
            synchronized (this) {
                released = true;
                if (successor != null) {
                    return;
                }
                waiting = drain();
            }
            for (Parked p : waiting) {
                p.context().runOnContext(v -> {
                    p.request().resume();
                    reroute(p.request());
                });
            }
        }

        private void expire() {
            java.util.List<Parked> late = new java.util.ArrayList<>();
            synchronized (this) {
                long now = System.nanoTime();
                while (!parked.isEmpty() && now - parked.peekFirst().since() > MAX_PARK * 1_000_000) {
                    late.add(parked.pollFirst());
                }
            }
            for (Parked p : late) {
                p.context().runOnContext(v -> {
                    busy(p.request());
                    p.request().resume();
                });
            }
        }

        private java.util.List<Parked> drain() {
            java.util.List<Parked> all = new java.util.ArrayList<>(parked);
            parked.clear();
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            return all;
        }

        /** Routed as if it had just arrived (it is already counted in flight). */
        private void reroute(HttpServerRequest request) {
            Handler<HttpServerRequest> handler = route(request.path());
            if (handler == null || handler == this) {
                notFound(request, 404);
            } else {
                handler.handle(request);
            }
        }

        private void busy(HttpServerRequest request) {
            LOG.warn("traffic path {} is being replaced: a call was answered 503", key);
            request.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", "1").end(SWAPPING);
        }
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
