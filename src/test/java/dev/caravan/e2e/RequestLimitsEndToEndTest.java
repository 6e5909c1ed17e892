package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The API route decides on the request head: a call without a valid token is answered before its
 * body is sent (and its connection closed, the body never read); an authenticated large body
 * goes through a temporary file to the backend intact, and the file is gone afterwards.
 */
@TestPropertySource(properties = {"caravan.traffic.body-spill-directory=target/request-limits-spill",
        "caravan.traffic.body-memory-threshold=16384"})
class RequestLimitsEndToEndTest extends CaravanTestBase {
    private static final Path SPILL = Path.of("target/request-limits-spill");

    private TestBackend backend;
    private Fixtures.World world;
    private String token;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        world = fixtures.world(backend.baseUrl() + "/svc/v1");
        token = passwordGrant(world).path("access_token").asText();
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private static String head(String path, long length, String authorization) {
        return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/octet-stream\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: " + length + "\r\n\r\n";
    }

    /** What the gateway sends until it closes the connection, or (after 10 s) with a marker. */
    private static String untilClosed(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        try {
            in.transferTo(all);
        } catch (SocketTimeoutException e) {
            return all.toString(StandardCharsets.ISO_8859_1) + "[NOT CLOSED]";
        } catch (java.net.SocketException e) {
            // reset after the answer: closed
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCallWithoutATokenAnnouncingNineMebibytesIs401BeforeItsBodyIsSent() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), trafficPort())) {
            socket.getOutputStream().write(head(world.apiPath() + "/x", 9437184, null).getBytes(StandardCharsets.US_ASCII));

            String answer = untilClosed(socket);

            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("Connection: close")
                    .containsIgnoringCase("WWW-Authenticate: Bearer").doesNotContain("[NOT CLOSED]");
        }
        assertThat(backend.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    @Test
    void aCallWithABadTokenIsRefusedOnItsHeadAndItsBodyNeverRead() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), trafficPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head(world.apiPath() + "/x", 9437184, "Bearer not-a-token").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[4096]);

            String answer = untilClosed(socket);

            assertThat(answer).startsWith("HTTP/1.1 401").contains("invalid_token")
                    .containsIgnoringCase("Connection: close").doesNotContain("[NOT CLOSED]");
        }
    }

    @Test
    void aLargeAuthenticatedBodyReachesTheBackendIntactAndLeavesNoTemporaryFile() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 5];
        new Random(7).nextBytes(body);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), trafficPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head(world.apiPath() + "/upload", body.length, "Bearer " + token).getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.setSoTimeout(10_000);
            byte[] status = socket.getInputStream().readNBytes(12);
            assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }

        TestBackend.Received received = backend.take();
        assertThat(received.path()).isEqualTo("/svc/v1/upload");
        assertThat(received.body()).hasSize(body.length).isEqualTo(body);
        Poll.until(Duration.ofSeconds(5), RequestLimitsEndToEndTest::spilled, count -> count == 0);
        assertThat(spilled()).isZero();
    }

    private static long spilled() {
        try (Stream<Path> files = Files.list(SPILL)) {
            return files.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
