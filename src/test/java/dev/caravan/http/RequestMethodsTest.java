package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which methods reach a route: the standard ones; TRACE and CONNECT never (405), and any other
 * name, a lower-case {@code get} included, is 501 before any route sees it.
 */
class RequestMethodsTest extends TrafficServerTestBase {
    private final List<String> served = new CopyOnWriteArrayList<>();

    private int serve() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true);
        server.start();
        server.register("/", true, request -> {
            served.add(request.method().name());
            request.response().end("ok");
        });
        return server.port();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void aStandardMethodReachesItsRoute(String method) {
        int port = serve();

        assertThat(Http.raw(port, method, "/x").status()).isEqualTo(200);
        assertThat(served).containsExactly(method);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE", "CONNECT"})
    void traceAndConnectAreNeverServed(String method) {
        int port = serve();

        Http.Response response = Http.raw(port, method, "/x");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
        assertThat(response.json().path("error").asText()).isEqualTo("method_not_allowed");
        assertThat(served).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Post", "PROPFIND", "BREW", "MOVE", "PRI"})
    void anyOtherMethodIsNotImplemented(String method) {
        int port = serve();

        Http.Response response = Http.raw(port, method, "/x");

        assertThat(response.status()).isEqualTo(501);
        assertThat(response.json().path("error").asText()).isEqualTo("not_implemented");
        assertThat(served).isEmpty();
    }

    @Test
    void aRefusedMethodWithABodyLeavesTheConnectionFramedForTheNextRequest() throws Exception {
        int port = serve();
        String requests = "TRACE /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /"
                + "GET /y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answers = new ByteArrayOutputStream();
            in.transferTo(answers);

            String text = answers.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 405 ").contains("HTTP/1.1 200 ");
        }
        assertThat(served).containsExactly("GET");
    }

    @Test
    void cleartextHttp2IsNotSpoken() throws Exception {
        int port = serve();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            // Vert.x answers the preface as an HTTP/1 request of an unsupported version
            assertThat(answer).matches("(?s)HTTP/\\S+ 5\\d\\d .*");
        }
        assertThat(served).isEmpty();
    }
}
