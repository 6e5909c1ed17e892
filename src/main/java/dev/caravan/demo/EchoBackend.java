package dev.caravan.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The demo API's backend: answers every request with what it received (method, path, query,
 * headers) as JSON, so the walk-through can show the X-JWT-Assertion the gateway added.
 * Listens on loopback only; started by the demo profile alone.
 */
@Component
@Profile("demo")
public class EchoBackend implements DisposableBean {
    private final HttpServer server;

    public EchoBackend(@Value("${caravan.demo.echo-port:8281}") int port) throws IOException {
        ObjectMapper json = new ObjectMapper();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                byte[] received = body.readAllBytes();
                Map<String, Object> echo = new LinkedHashMap<>();
                echo.put("method", exchange.getRequestMethod());
                echo.put("path", exchange.getRequestURI().getRawPath());
                echo.put("query", exchange.getRequestURI().getRawQuery());
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach(headers::put);
                echo.put("headers", headers);
                echo.put("bodyBytes", received.length);
                byte[] answer = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(echo);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void destroy() {
        server.stop(0);
    }
}
