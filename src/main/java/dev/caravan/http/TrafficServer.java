package dev.caravan.http;

import io.vertx.core.Handler;
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

    private final HttpServer server;
    private final Map<String, Handler<HttpServerRequest>> exact = new ConcurrentHashMap<>();
    private final List<Prefix> prefixes = new CopyOnWriteArrayList<>();

    public TrafficServer(Vertx vertx, String host, int port, int idleTimeoutSeconds) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setIdleTimeout(idleTimeoutSeconds)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(true);
        this.server = vertx.createHttpServer(options).requestHandler(this::dispatch);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the traffic server cannot listen on " + host + ":" + port, e);
        }
        LOG.info("traffic server listening on {}:{}", host, server.actualPort());
    }

    public int port() {
        return server.actualPort();
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
        server.close();
    }
}
