package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backend's answer whose headers could not be written on to the caller (a control character
 * in a value, a name that is not a token) is answered 502 and passed on in no part: the header
 * checks of the backend client's decoder turn it into a failed call, never a split answer.
 */
class BackendAnswerHeadersTest extends CaravanTestBase {
    private RawBackend backend;

    @AfterEach
    void closeBackend() throws IOException {
        if (backend != null) {
            backend.close();
        }
    }

    private Http.Response callThrough(String answerHeaderLine) throws IOException {
        backend = new RawBackend(answerHeaderLine);
        Fixtures.World world = fixtures.world("http://127.0.0.1:" + backend.port());
        String token = passwordGrant(world).path("access_token").asText();
        return Http.get(traffic(world.apiPath() + "/x"), "Authorization", "Bearer " + token);
    }

    @Test
    void aWellFormedAnswerHeaderIsPassedOn() throws IOException {
        // the control for the refusals below: the same raw backend, a header Caravan can write
        Http.Response response = callThrough("X-Backend: fine value; q=1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Backend")).isEqualTo("fine value; q=1");
        assertThat(response.body()).isEqualTo("hello");
    }

    @Test
    void anAnswerHeaderWithABareCarriageReturnIsA502() throws IOException {
        Http.Response response = callThrough("X-Backend: a\rSet-Cookie: session=stolen");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().path("error").asText()).isEqualTo("bad_gateway");
        assertThat(response.headers().map()).doesNotContainKeys("X-Backend", "Set-Cookie");
        assertThat(backend.requests()).isEqualTo(1);
    }

    @Test
    void anAnswerHeaderWithAnotherControlCharacterIsA502() throws IOException {
        Http.Response response = callThrough("X-Backend: a\u0001b");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.body()).doesNotContain("hello");
    }

    @Test
    void anAnswerHeaderNameThatIsNotATokenIsA502() throws IOException {
        Http.Response response = callThrough("X(Backend): v");

        assertThat(response.status()).isEqualTo(502);
    }

    /** Answers every request on a socket with one fixed answer holding the given header line, written as bytes. */
    private static final class RawBackend implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger requests = new AtomicInteger();

        RawBackend(String headerLine) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + headerLine
                    + "\r\nContent-Length: 5\r\n\r\nhello").getBytes(StandardCharsets.ISO_8859_1);
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        while (readHead(connection.getInputStream())) {
                            requests.incrementAndGet();
                            connection.getOutputStream().write(answer);
                            connection.getOutputStream().flush();
                        }
                    } catch (IOException closed) {
                        // the gateway closed the connection, or the test closed the socket
                    }
                }
            }, "raw-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Reads one request head (the API calls here carry no body); false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    return true;
                }
            }
            return false;
        }

        int port() {
            return socket.getLocalPort();
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
