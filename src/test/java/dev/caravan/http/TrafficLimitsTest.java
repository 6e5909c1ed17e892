package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic port's limits ({@link TrafficLimits}) on a bare server with {@code caravan-http}
 * routes: a deferred body is not read for a refused call, a large body goes through a temporary
 * file that is deleted afterwards, and connections, slow clients, the body memory budget and the
 * worker pool are bounded.
 */
class TrafficLimitsTest extends TrafficServerTestBase {
    @TempDir
    Path spill;

    private final AtomicInteger routeCalls = new AtomicInteger();
    private final CountDownLatch releaseHeld = new CountDownLatch(1);
    private DefaultCamelContext camel;

    @AfterEach
    void stopCamel() throws Exception {
        releaseHeld.countDown();
        if (camel != null) {
            camel.close();
        }
    }

    private int serve(TrafficLimits limits) throws Exception {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true, Duration.ofSeconds(1),
                limits.withSpillDirectory(spill));
        server.start();
        camel = new DefaultCamelContext();
        camel.addComponent("caravan-http", new CaravanHttpComponent(server));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // checks the head (X-Allow), then reads the body and answers its size, place and digest
                from("caravan-http:/checked?deferBody=true&maxBodySize=10485760")
                        .process(exchange -> {
                            routeCalls.incrementAndGet();
                            if (InboundRequest.of(exchange).singleHeader("X-Allow") == null) {
                                exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
                                exchange.getMessage().setBody("refused");
                                exchange.setRouteStop(true);
                            }
                        })
                        .process(new RequestBodyReader())
                        .process(TrafficLimitsTest::describeBody);
                from("caravan-http:/collected?maxBodySize=10485760")
                        .process(TrafficLimitsTest::describeBody);
                from("caravan-http:/held?blocking=true")
                        .process(exchange -> {
                            routeCalls.incrementAndGet();
                            releaseHeld.await(20, TimeUnit.SECONDS);
                            exchange.getMessage().setBody("released");
                        });
            }
        });
        camel.start();
        return server.port();
    }

    private static void describeBody(Exchange exchange) throws Exception {
        ReceivedBody body = exchange.getIn().getBody(ReceivedBody.class);
        byte[] bytes = RequestBodies.read(exchange, 10485760);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        exchange.getMessage().setBody(bytes.length + " " + (body.inFile() ? "file" : "memory") + " " + digest);
    }

    private static String post(String path, long length, String... headers) {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Length: " + length
                + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private List<Path> spilled() throws IOException {
        try (Stream<Path> files = Files.list(spill)) {
            return files.toList();
        }
    }

    @Test
    void aCallRefusedOnItsHeadIsAnsweredBeforeItsBodyIsSentAndItsConnectionClosed() throws Exception {
        int port = serve(TrafficLimits.defaults());
        try (RawConnection client = new RawConnection(port)) {
            // 9 MiB announced, not a byte of it sent: the answer cannot wait for the body
            String answer = client.send(post("/checked", 9437184)).readUntilClosed(5_000);

            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("Connection: close")
                    .doesNotContain("[NOT CLOSED]");
        }
        assertThat(server.bodyMemoryUsed()).isZero();
    }

    @Test
    void aSmallBodyStaysInMemoryAndALargeOneGoesThroughATemporaryFileThatIsDeletedAfterTheCall() throws Exception {
        int port = serve(TrafficLimits.defaults().withBodyMemory(4096, 1 << 20));
        byte[] small = randomBytes(1000);
        byte[] large = randomBytes(3 * 1024 * 1024 + 17);
        try (RawConnection client = new RawConnection(port)) {
            String first = client.send(post("/checked", small.length, "X-Allow: yes")).send(small).readAnswer();
            String second = client.send(post("/checked", large.length, "X-Allow: yes")).send(large).readAnswer();
            String third = client.send(post("/collected", large.length)).send(large).readAnswer();

            assertThat(first).startsWith("HTTP/1.1 200").endsWith(small.length + " memory " + sha256(small));
            assertThat(second).startsWith("HTTP/1.1 200").endsWith(large.length + " file " + sha256(large));
            assertThat(third).startsWith("HTTP/1.1 200").endsWith(large.length + " file " + sha256(large));
        }
        Poll.until(Duration.ofSeconds(5), this::spilledQuietly, List::isEmpty);
        assertThat(spilled()).isEmpty();
        assertThat(server.bodyMemoryUsed()).isZero();
    }

    private List<Path> spilledQuietly() {
        try {
            return spilled();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientThatLeavesMidBodyLeavesNoTemporaryFileAndNoMemoryHeld() throws Exception {
        int port = serve(TrafficLimits.defaults().withBodyMemory(1024, 1 << 20));
        try (RawConnection client = new RawConnection(port)) {
            client.send(post("/checked", 1_000_000, "X-Allow: yes")).send(randomBytes(200_000));
            Poll.until(Duration.ofSeconds(5), this::spilledQuietly, files -> !files.isEmpty());
        }
        Poll.until(Duration.ofSeconds(5), this::spilledQuietly, List::isEmpty);
        assertThat(spilled()).isEmpty();
        assertThat(server.bodyMemoryUsed()).isZero();
    }

    @Test
    void aNewBodyIsRefused503WhileTheBodyMemoryBudgetIsUsedUp() throws Exception {
        int port = serve(TrafficLimits.defaults().withBodyMemory(4096, 50));
        try (RawConnection holder = new RawConnection(port); RawConnection next = new RawConnection(port)) {
            holder.send(post("/held", 50)).send(new byte[50]);
            Poll.until(Duration.ofSeconds(5), server::bodyMemoryUsed, used -> used == 50);

            String answer = next.send(post("/collected", 10)).send(new byte[10]).readUntilClosed(5_000);

            assertThat(answer).startsWith("HTTP/1.1 503").contains("temporarily_unavailable")
                    .containsIgnoringCase("Retry-After: 1").containsIgnoringCase("Connection: close")
                    .doesNotContain("[NOT CLOSED]");
            releaseHeld.countDown();
            assertThat(holder.readAnswer()).startsWith("HTTP/1.1 200");
        }
        Poll.until(Duration.ofSeconds(5), server::bodyMemoryUsed, used -> used == 0);
    }

    @Test
    void aBlockingRouteWithEveryWorkerSlotTakenAnswers503AtOnce() throws Exception {
        int port = serve(TrafficLimits.defaults().withMaxBlockingInFlight(2));
        List<RawConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(new RawConnection(port).send("GET /held HTTP/1.1\r\nHost: gateway\r\n\r\n"));
            }
            Poll.until(Duration.ofSeconds(5), routeCalls::get, calls -> calls == 2);
            try (RawConnection third = new RawConnection(port)) {
                long started = System.nanoTime();
                String answer = third.send("GET /held HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer();

                assertThat(answer).startsWith("HTTP/1.1 503").contains("temporarily_unavailable")
                        .containsIgnoringCase("Retry-After: 1");
                // generous: it did not wait for a worker (they are held for 20 s)
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            }
            assertThat(routeCalls).hasValue(2);
            releaseHeld.countDown();
            for (RawConnection connection : held) {
                assertThat(connection.readAnswer()).startsWith("HTTP/1.1 200");
            }
            // the slots are free again
            try (RawConnection after = new RawConnection(port)) {
                assertThat(after.send("GET /held HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer()).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (RawConnection connection : held) {
                connection.close();
            }
        }
    }

    @Test
    void aClientPastItsConnectionCapIsClosedAtAcceptWhileAnotherClientIsServed() throws Exception {
        int port = serve(TrafficLimits.defaults().withConnections(3, 100));
        List<RawConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawConnection connection = new RawConnection(port, "127.0.0.1");
                open.add(connection);
                assertThat(connection.send("GET /none HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer())
                        .startsWith("HTTP/1.1 404");
            }
            try (RawConnection fourth = new RawConnection(port, "127.0.0.1")) {
                String answer = fourth.send("GET /none HTTP/1.1\r\nHost: gateway\r\n\r\n").readUntilClosed(5_000);
                assertThat(answer).isEmpty();
            }
            try (RawConnection other = new RawConnection(port, "127.0.0.2")) {
                assertThat(other.send("GET /none HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer()).startsWith("HTTP/1.1 404");
            }
            open.remove(0).close();
            Poll.until(Duration.ofSeconds(5), server::connections, count -> count == 2);
            try (RawConnection again = new RawConnection(port, "127.0.0.1")) {
                assertThat(again.send("GET /none HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer()).startsWith("HTTP/1.1 404");
            }
        } finally {
            for (RawConnection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void aHeadNotCompleteInTimeIsAnswered408AndTheConnectionClosed() throws Exception {
        int port = serve(TrafficLimits.defaults().withReadTimeouts(Duration.ofMillis(500), Duration.ofSeconds(30)));
        try (RawConnection client = new RawConnection(port)) {
            client.send("GET /checked HTTP/1.1\r\nHost: gateway\r\nX-Slow: ");

            String answer = client.readUntilClosed(5_000);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("request_timeout")
                    .containsIgnoringCase("Connection: close").doesNotContain("[NOT CLOSED]");
        }
        assertThat(routeCalls).hasValue(0);
    }

    @Test
    void aBodyNotCompleteInTimeIsAnswered408AndTheConnectionClosed() throws Exception {
        int port = serve(TrafficLimits.defaults().withReadTimeouts(Duration.ofSeconds(10), Duration.ofMillis(500)));
        try (RawConnection client = new RawConnection(port)) {
            client.send(post("/collected", 100)).send(new byte[10]);

            String answer = client.readUntilClosed(5_000);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("request_timeout").doesNotContain("[NOT CLOSED]");
        }
    }

    @Test
    void requestsOnAKeptAliveConnectionAreNotTimedOutByTheirConnectionsAge() throws Exception {
        int port = serve(TrafficLimits.defaults().withReadTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
        try (RawConnection client = new RawConnection(port)) {
            for (int i = 0; i < 4; i++) {
                byte[] body = randomBytes(10);
                assertThat(client.send(post("/collected", body.length)).send(body).readAnswer()).startsWith("HTTP/1.1 200");
                Thread.sleep(200); // idle between requests: not a slow head
            }
        }
    }

    @Test
    void aReadTimeoutThatIsNotPositiveIsRefusedNamingItsSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TrafficLimits.defaults().withReadTimeouts(Duration.ZERO, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("caravan.traffic.header-read-timeout");
    }
}
