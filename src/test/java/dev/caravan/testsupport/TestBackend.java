package dev.caravan.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP backend on loopback for tests: records every request it receives and answers
 * with a configurable status, body and delay.
 */
public final class TestBackend implements AutoCloseable {

    /** One request as the backend saw it. Header names are case-insensitive. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile int status = 200;
    private volatile String responseBody = "{\"ok\":true}";
    private volatile Map<String, String> responseHeaders = Map.of();
    private volatile Map<String, List<String>> repeatedResponseHeaders = Map.of();
    private volatile Duration delay = Duration.ZERO;

    public TestBackend() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach(headers::put);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), headers, body));
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] answer = responseBody.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                responseHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                repeatedResponseHeaders.forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            } catch (IOException e) {
                // the gateway gave up on us (timeout tests); nothing to answer
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public TestBackend respond(int status, String body) {
        this.status = status;
        this.responseBody = body;
        return this;
    }

    public TestBackend withResponseHeaders(Map<String, String> headers) {
        this.responseHeaders = Map.copyOf(headers);
        return this;
    }

    /** Answers with {@code name} once per value, in this order. */
    public TestBackend withRepeatedResponseHeader(String name, String... values) {
        this.repeatedResponseHeaders = Map.of(name, List.of(values));
        return this;
    }

    public TestBackend delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The next request the backend received, waiting up to five seconds; fails if none came. */
    public Received take() {
        try {
            Received next = received.poll(5, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("the backend received no request");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** True if no request has arrived (and none arrives within {@code wait}). */
    public boolean receivedNothing(Duration wait) {
        try {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void clear() {
        received.clear();
    }

    /** Every request received and not yet taken, without waiting; they are taken. */
    public List<Received> drain() {
        List<Received> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
