package dev.caravan.http;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic port: one Vert.x HTTP server; {@code caravan-http:} consumers register their
 * paths here. Dispatch is by exact path first, then by the longest registered prefix, so the
 * OAuth endpoints always win over the API catch-all whatever order routes start in.
 */
public class TrafficServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficServer.class);

    private record Prefix(String prefix, Handler<HttpServerRequest> handler) {}

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final int port;
    private final boolean batchFlushes;
    private final Map<String, Handler<HttpServerRequest>> exact = new ConcurrentHashMap<>();
    private final List<Prefix> prefixes = new CopyOnWriteArrayList<>();

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
        this.batchFlushes = batchFlushes;
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
                .setHandle100ContinueAutomatically(true);
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
                HttpServer server = vertx.createHttpServer(options).requestHandler(TrafficServer.this::dispatch);
                if (batchFlushes) {
                    server.connectionHandler(FlushBatching::install);
                }
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
        handler.handle(request);
    }

    @Override
    public void close() {
        servers.forEach(HttpServer::close);
    }
}
