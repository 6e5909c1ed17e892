package dev.caravan.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The second demo organization's authentication web service, as the product note describes it:
 * POST {@code {"credentials":{"username":..,"password":..}}} with the gateway's basic-auth
 * credentials, answer {@code {"response":{"status":"true"}}} or {@code "false"}. It knows one
 * user, {@code bob}. Loopback only; started by the demo profile alone.
 */
@Component
@Profile("demo")
public class DemoAuthService implements DisposableBean {
    public static final String PATH = "/authenticate";
    public static final String GATEWAY_USER = "caravan-gateway";
    public static final String GATEWAY_PASSWORD = "demo-auth-service-password";
    public static final String USER = "bob";
    public static final String USER_PASSWORD = "bob-demo-password";

    private final HttpServer server;

    public DemoAuthService(@Value("${caravan.demo.auth-port:8282}") int port) throws IOException {
        ObjectMapper json = new ObjectMapper();
        byte[] expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString(
                (GATEWAY_USER + ":" + GATEWAY_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext(PATH, exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readNBytes(16 * 1024);
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization == null || !MessageDigest.isEqual(expectedAuthorization,
                        authorization.getBytes(StandardCharsets.UTF_8))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                boolean valid;
                try {
                    JsonNode credentials = json.readTree(body).path("credentials");
                    valid = USER.equals(credentials.path("username").asText())
                            && USER_PASSWORD.equals(credentials.path("password").asText());
                } catch (IOException e) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                byte[] answer = json.writeValueAsBytes(
                        Map.of("response", Map.of("status", valid ? "true" : "false")));
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
