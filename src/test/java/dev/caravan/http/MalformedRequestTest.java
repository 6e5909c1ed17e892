package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the traffic port does with a request it cannot take as HTTP, and with an answer it
 * cannot write: header names and values are checked by Vert.x's decoder and encoder (which
 * Caravan relies on: see README, Performance), refusals answered by {@link TrafficServer}.
 */
class MalformedRequestTest extends TrafficServerTestBase {
    private final AtomicInteger handled = new AtomicInteger();

    private int serve() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true);
        server.start();
        server.register("/ok", false, request -> {
            handled.incrementAndGet();
            request.response().end("ok " + request.getHeader("X-Value"));
        });
        return server.port();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0001b", "a\u0000b", "a\rb", "a\u007fb", "\u001b[31m", "x\u000b"})
    void aCallerValueWithAControlCharacterIsRefusedBeforeAnyRoute(String value) {
        int port = serve();

        Http.Response response = Http.raw(port, "GET", "/ok", "X-Value", value);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(handled).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X Value", "X(Value)", "X\u0001Value", "X/Value", "X\"Value"})
    void aCallerHeaderNameThatIsNotATokenIsRefused(String name) {
        int port = serve();

        Http.Response response = Http.raw(port, "GET", "/ok", name, "v");

        assertThat(response.status()).isEqualTo(400);
        assertThat(handled).hasValue(0);
    }

    @Test
    void tabsAndObsTextAreValuesLikeAnyOther() {
        int port = serve();

        assertThat(Http.raw(port, "GET", "/ok", "X-Value", "a\tb").status()).isEqualTo(200);
        assertThat(Http.raw(port, "GET", "/ok", "X-Value", "caf\u00e9").status()).isEqualTo(200);
        assertThat(handled).hasValue(2);
    }

    @Test
    void anOversizeHeaderBlockIs431WithAJsonBody() {
        int port = serve();

        Http.Response response = Http.raw(port, "GET", "/ok", "X-Value", "v".repeat(9000));

        assertThat(response.status()).isEqualTo(431);
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(handled).hasValue(0);
    }

    @Test
    void nothingElseSentOnTheConnectionOfARefusedRequestIsServed() throws Exception {
        int port = serve();
        String refused = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Value: a\u0001b\r\n\r\n";
        String next = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((refused + next).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String answers = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(answers).startsWith("HTTP/1.1 400 ");
            assertThat(answers.split("HTTP/1.1 ", -1)).as("one answer, then the connection closed").hasSize(2);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aRouteSettingAnUnwritableAnswerHeaderGetsAServerErrorNotASplitAnswer() throws Exception {
        int port = serve();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("caravan-http", new CaravanHttpComponent(server));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("caravan-http:/split")
                            .setHeader("X-Fine", constant("fine"))
                            .setHeader("X-Split", constant("a\r\nSet-Cookie: session=stolen"))
                            .setBody(constant("body"));
                    from("caravan-http:/bad-name")
                            .setHeader("X Bad", constant("v"))
                            .setBody(constant("body"));
                }
            });
            camel.start();

            for (String path : new String[] {"/split", "/bad-name"}) {
                Http.Response response = Http.raw(port, "GET", path);

                assertThat(response.status()).as(path).isEqualTo(500);
                assertThat(response.json().path("error").asText()).isEqualTo("server_error");
                assertThat(response.headers().map()).doesNotContainKeys("Set-Cookie", "X-Fine", "X-Split");
            }
        }
    }
}
