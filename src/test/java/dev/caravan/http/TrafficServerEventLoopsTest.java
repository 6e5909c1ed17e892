package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The traffic server spreads connections over every event loop, on one port (also when that port was 0). */
class TrafficServerEventLoopsTest extends TrafficServerTestBase {
    TrafficServerEventLoopsTest() {
        super(new VertxOptions().setEventLoopPoolSize(3));
    }

    @Test
    void connectionsAreServedByEveryEventLoop() {
        server = new TrafficServer(vertx, "127.0.0.1", freePort(), 30, 3);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        server.register("/where", false, request -> {
            threads.add(Thread.currentThread().getName());
            request.response().end("ok");
        });

        for (int i = 0; i < 9; i++) {
            assertThat(Http.raw(server.port(), "GET", "/where").status()).isEqualTo(200);
        }

        assertThat(threads).hasSize(3).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void aRandomPortIsServedByOneInstance() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 3);
        server.register("/where", false, request -> request.response().end("ok"));

        assertThat(Http.raw(server.port(), "GET", "/where").status()).isEqualTo(200);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSecondServerOnTheSamePortIsRefused() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 2);
        Vertx other = Vertx.vertx();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TrafficServer(other, "127.0.0.1", server.port(), 30, 2))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
        } finally {
            other.close();
        }
    }
}
