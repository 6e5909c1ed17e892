package dev.caravan.userstore.webservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against real HTTP(S) authentication services: the product note's default schema and a
 * different one, each checking the gateway's own basic-auth credentials.
 */
class WebServiceUserStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_USER = "gateway";
    private static final String GATEWAY_PASSWORD = "gateway-Secret-1";

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A service that checks the gateway's credentials, records the body and answers via {@code verdict}. */
    private String service(HttpServer server, Function<JsonNode, String> verdict) {
        server.createContext("/auth", exchange -> {
            try (exchange) {
                requests.incrementAndGet();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(body);
                String expected = "Basic " + Base64.getEncoder().encodeToString(
                        (GATEWAY_USER + ":" + GATEWAY_PASSWORD).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                answer(exchange, 200, verdict.apply(JSON.readTree(body)));
            }
        });
        server.start();
        servers.add(server);
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/auth";
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private String defaultSchemaService() throws IOException {
        return service(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10), body -> {
            boolean ok = "jane".equals(body.at("/credentials/username").asText())
                    && "jane-Pa55".equals(body.at("/credentials/password").asText());
            return "{\"response\":{\"status\":\"" + ok + "\"}}";
        });
    }

    private static WebServiceSettings settings(String url) {
        return new WebServiceSettings(url, GATEWAY_USER, GATEWAY_PASSWORD, null, null, null, Duration.ofSeconds(2), null, null);
    }

    @Test
    void defaultSchemaAcceptsAndRejects() throws Exception {
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(defaultSchemaService()));

        Verification ok = store.verify("acme", "jane", "jane-Pa55".toCharArray());
        assertThat(ok).isInstanceOf(Verification.Accepted.class);
        assertThat(((Verification.Accepted) ok).user().store()).isEqualTo("webservice");
        assertThat(store.verify("acme", "jane", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
        assertThat(JSON.readTree(received.get(0)))
                .isEqualTo(JSON.readTree("{\"credentials\":{\"username\":\"jane\",\"password\":\"jane-Pa55\"}}"));
    }

    /** A service that ignores case, as many do: it accepts JANE with jane's password. */
    private String caseIgnoringService() throws IOException {
        return service(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10), body -> {
            boolean ok = "jane".equalsIgnoreCase(body.at("/credentials/username").asText())
                    && "jane-Pa55".equals(body.at("/credentials/password").asText());
            return "{\"response\":{\"status\":\"" + ok + "\"}}";
        });
    }

    private static String name(Verification verdict) {
        return ((Verification.Accepted) verdict).user().username();
    }

    @Test
    void byDefaultAServicesUsersAreNamedAsTypedAndACaseIgnoringOneNamesThemInLowerCase() throws Exception {
        String url = caseIgnoringService();
        WebServiceUserStore asTyped = new WebServiceUserStore("acme", settings(url));
        assertThat(name(asTyped.verify("acme", "JANE", "jane-Pa55".toCharArray()))).isEqualTo("JANE");

        WebServiceSettings s = settings(url);
        WebServiceUserStore ignoringCase = new WebServiceUserStore("acme", new WebServiceSettings(s.url(), s.username(),
                s.password(), null, null, null, s.timeout(), null, null, false));
        assertThat(name(ignoringCase.verify("acme", "JANE", "jane-Pa55".toCharArray()))).isEqualTo("jane");
        assertThat(ignoringCase.lookup("acme", "Jane")).get().extracting(u -> u.subject()).isEqualTo("jane@acme");
        assertThat(JSON.readTree(received.get(received.size() - 1)).at("/credentials/username").asText())
                .as("the service is asked with the name as typed").isEqualTo("JANE");
    }

    @Test
    void nonDefaultSchemaWithBooleanVerdict() throws Exception {
        String url = service(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10), body -> {
            boolean ok = "kim".equals(body.at("/user/login").asText()) && "kim-Pa55".equals(body.at("/user/secret").asText());
            return "{\"result\":{\"authenticated\":" + ok + "}}";
        });
        WebServiceSettings custom = new WebServiceSettings(url, GATEWAY_USER, GATEWAY_PASSWORD,
                "{\"user\":{\"login\":\"{username}\",\"secret\":\"{password}\"}}", "/result/authenticated", "true",
                Duration.ofSeconds(2), null, null);
        WebServiceUserStore store = new WebServiceUserStore("acme", custom);

        assertThat(store.verify("acme", "kim", "kim-Pa55".toCharArray())).isInstanceOf(Verification.Accepted.class);
        assertThat(store.verify("acme", "kim", "nope".toCharArray())).isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void usernameAndPasswordAreJsonEscapedNeverInjected() throws Exception {
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(defaultSchemaService()));
        String username = "ja\"ne\\\n\",\"password\":\"x";
        String password = "p\"w\\d\u2028";

        store.verify("acme", username, password.toCharArray());

        JsonNode sent = JSON.readTree(received.get(0));
        assertThat(sent.at("/credentials/username").asText()).isEqualTo(username);
        assertThat(sent.at("/credentials/password").asText()).isEqualTo(password);
        assertThat(sent.path("credentials").size()).isEqualTo(2);
    }

    @Test
    void placeholderTextInsideAUsernameIsNotSubstituted() throws Exception {
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(defaultSchemaService()));
        store.verify("acme", "x{password}y", "secret-Pa55".toCharArray());
        assertThat(JSON.readTree(received.get(0)).at("/credentials/username").asText()).isEqualTo("x{password}y");
    }

    @Test
    void blankPasswordNeverReachesTheService() throws Exception {
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(defaultSchemaService()));
        for (String blank : new String[] {"", "  ", "\t"}) {
            assertThat(store.verify("acme", "jane", blank.toCharArray())).isInstanceOf(Verification.Rejected.class);
        }
        assertThat(requests.get()).isZero();
    }

    private String fixedAnswer(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/auth", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (status == 302) {
                    exchange.getResponseHeaders().set("Location", "http://127.0.0.1:9/elsewhere");
                }
                answer(exchange, status, body);
            }
        });
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth";
    }

    @Test
    void serviceFailuresAreUnavailableNeverRejected() throws Exception {
        for (String url : List.of(fixedAnswer(500, "{}"), fixedAnswer(401, ""), fixedAnswer(200, "<html>not json"),
                fixedAnswer(200, "{\"other\":1}"), fixedAnswer(302, ""),
                fixedAnswer(200, "{\"response\":{\"status\":\"" + "x".repeat(70_000) + "\"}}"))) {
            WebServiceUserStore store = new WebServiceUserStore("acme", settings(url));
            assertThat(store.verify("acme", "jane", "jane-Pa55".toCharArray())).as(url)
                    .isInstanceOf(Verification.Unavailable.class);
        }
    }

    @Test
    void serviceThatNeverAnswersIsUnavailableWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            WebServiceSettings s = new WebServiceSettings("http://127.0.0.1:" + silent.getLocalPort() + "/auth",
                    null, null, null, null, null, Duration.ofMillis(500), null, null);
            WebServiceUserStore store = new WebServiceUserStore("acme", s);
            Verification verdict = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> store.verify("acme", "jane", "jane-Pa55".toCharArray()));
            assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
        }
    }

    private static SSLContext serverTls(File cert) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(cert)) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, TestCertificates.PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    @Test
    void httpsWithTrustedCertificateWorksAndUntrustedIsReportedAsTls() throws Exception {
        File cert = TestCertificates.localhost();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls(cert)));
        String url = service(https, body -> "{\"response\":{\"status\":\"true\"}}");

        WebServiceUserStore trusted = new WebServiceUserStore("acme", new WebServiceSettings(url, GATEWAY_USER,
                GATEWAY_PASSWORD, null, null, null, Duration.ofSeconds(3), cert.getPath(), TestCertificates.PASSWORD));
        assertThat(trusted.verify("acme", "jane", "jane-Pa55".toCharArray())).isInstanceOf(Verification.Accepted.class);

        WebServiceUserStore untrusted = new WebServiceUserStore("acme", settings(url));
        assertThat(untrusted.verify("acme", "jane", "jane-Pa55".toCharArray())).isInstanceOf(Verification.Unavailable.class);
        assertThat(untrusted.testConnection(null, null).stage()).isEqualTo(ConnectionCheck.Stage.TLS);
    }

    /** An HTTPS service at {@code https://127.0.0.1:<port>} presenting {@code cert}, and a store trusting exactly that certificate. */
    private WebServiceUserStore trustingStoreOf(File cert) throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls(cert)));
        String url = service(https, body -> "{\"response\":{\"status\":\"true\"}}");
        return new WebServiceUserStore("acme", new WebServiceSettings(url, GATEWAY_USER, GATEWAY_PASSWORD, null, null,
                null, Duration.ofSeconds(3), cert.getPath(), TestCertificates.PASSWORD));
    }

    @Test
    void httpsToAnIpAddressWhoseCertificateNamesAnotherHostIsRefusedAsTls() throws Exception {
        WebServiceUserStore store = trustingStoreOf(TestCertificates.forAnotherHost());
        assertThat(store.verify("acme", "jane", "jane-Pa55".toCharArray())).isInstanceOf(Verification.Unavailable.class);
        assertThat(store.testConnection(null, null).stage()).isEqualTo(ConnectionCheck.Stage.TLS);
        assertThat(received).as("nothing reaches a service whose certificate names another host").isEmpty();
    }

    @Test
    void httpsToAnIpAddressNamedInTheCertificatesIpAlternativeNameIsAccepted() throws Exception {
        WebServiceUserStore store = trustingStoreOf(TestCertificates.selfSigned("CN=auth", "ip:127.0.0.1"));
        assertThat(store.verify("acme", "jane", "jane-Pa55".toCharArray())).isInstanceOf(Verification.Accepted.class);
        assertThat(store.testConnection(null, null).stage()).isEqualTo(ConnectionCheck.Stage.OK);
    }

    @Test
    void testConnectionReportsEachStage() throws Exception {
        assertThat(new WebServiceUserStore("acme", settings(defaultSchemaService())).testConnection(null, null).ok()).isTrue();
        assertThat(new WebServiceUserStore("acme", settings(fixedAnswer(401, ""))).testConnection(null, null).stage())
                .isEqualTo(ConnectionCheck.Stage.BIND);
        assertThat(new WebServiceUserStore("acme", settings(fixedAnswer(200, "[]"))).testConnection(null, null).stage())
                .isEqualTo(ConnectionCheck.Stage.BAD_RESPONSE);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ConnectionCheck unreachable = new WebServiceUserStore("acme", settings("http://127.0.0.1:" + closed + "/auth"))
                .testConnection(null, null);
        assertThat(unreachable.stage()).isEqualTo(ConnectionCheck.Stage.CONNECT_REFUSED);
        assertThat(unreachable.message()).doesNotContain(GATEWAY_PASSWORD);
    }

    @Test
    void badSettingsAreRefusedAndSecretsNeverPrinted() {
        assertThatThrownBy(() -> new WebServiceUserStore("acme", settings("ftp://x/auth"))).hasMessageContaining("http");
        assertThatThrownBy(() -> new WebServiceUserStore("acme", new WebServiceSettings("http://x/auth", null, null,
                "{\"u\":\"{username}\"}", null, null, Duration.ofSeconds(1), null, null))).hasMessageContaining("{password}");
        assertThatThrownBy(() -> new WebServiceUserStore("acme", new WebServiceSettings("http://x/auth", null, null,
                "{\"u\":\"{username}\",\"p\":\"{password}\"", null, null, Duration.ofSeconds(1), null, null)))
                .hasMessageContaining("not JSON");
        assertThat(settings("http://x/auth").toString()).doesNotContain(GATEWAY_PASSWORD);
    }
}
