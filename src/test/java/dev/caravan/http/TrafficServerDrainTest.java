package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Shutdown drains the traffic port: requests already taken are answered, new ones get 503 with
 * {@code Connection: close}, and the port closes once nothing is in flight (or the grace ran out).
 */
class TrafficServerDrainTest extends TrafficServerTestBase {
    /** A server whose {@code /slow} answers when the test releases it, and {@code /fast} at once. */
    private CountDownLatch serve(Duration grace) {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true, grace);
        server.start();
        CountDownLatch release = new CountDownLatch(1);
        server.register("/slow", false, request -> vertx.<Void>executeBlocking(() -> {
            release.await(20, TimeUnit.SECONDS);
            return null;
        }).onComplete(done -> request.response().end("slow done")));
        server.register("/fast", false, request -> request.response().end("fast"));
        return release;
    }

    @Test
    void requestsInFlightAreAnsweredNewOnesRefusedThenThePortCloses() throws Exception {
        CountDownLatch release = serve(Duration.ofSeconds(20));
        int port = server.port();
        CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> Http.raw(port, "GET", "/slow"));
        Poll.until(Duration.ofSeconds(10), server::inFlight, n -> n == 1);

        CountDownLatch drained = new CountDownLatch(1);
        server.stop(drained::countDown);
        Poll.until(Duration.ofSeconds(10), server::draining, d -> d);

        Http.Response refused = Http.raw(port, "GET", "/fast");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Connection")).isEqualTo("close");
        assertThat(refused.json().path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(drained.await(300, TimeUnit.MILLISECONDS)).as("the drain waits for /slow").isFalse();
        assertThat(server.isRunning()).isTrue();

        release.countDown();
        Http.Response answered = slow.get(10, TimeUnit.SECONDS);
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("slow done");
        assertThat(drained.await(10, TimeUnit.SECONDS)).as("drain ends once nothing is in flight").isTrue();
        assertThat(server.isRunning()).isFalse();
        Poll.until(Duration.ofSeconds(10), () -> connects(port), connects -> !connects);
    }

    @Test
    void aClientThatLeavesMidRequestIsNotWaitedFor() throws Exception {
        CountDownLatch release = serve(Duration.ofSeconds(20));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            // headers and half of the declared body: the request is taken, its body never completes
            out.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Poll.until(Duration.ofSeconds(10), server::inFlight, n -> n == 1);
        }
        Poll.until(Duration.ofSeconds(10), server::inFlight, n -> n == 0);

        long started = System.nanoTime();
        server.drain();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        release.countDown();
    }

    @Test
    void theGraceBoundsTheWait() throws Exception {
        CountDownLatch release = serve(Duration.ofMillis(300));
        int port = server.port();
        CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // until the server closes the connection
                }
            } catch (IOException closed) {
                // reset by the closing server: also the end
            }
        });
        Poll.until(Duration.ofSeconds(10), server::inFlight, n -> n == 1);

        server.drain();

        assertThat(server.isRunning()).isFalse();
        stuck.get(10, TimeUnit.SECONDS);
        // as in the first test: the listening socket's close may trail the server's by a moment
        Poll.until(Duration.ofSeconds(10), () -> connects(port), connects -> !connects);
        release.countDown();
    }

    private static boolean connects(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
