package dev.caravan.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;

/** Tests of a bare {@link TrafficServer} on their own Vert.x: the server a test starts is closed after it. */
abstract class TrafficServerTestBase {
    protected final Vertx vertx;
    protected TrafficServer server;

    protected TrafficServerTestBase() {
        this(new VertxOptions());
    }

    protected TrafficServerTestBase(VertxOptions options) {
        this.vertx = Vertx.vertx(options);
    }

    @AfterEach
    void closeServerAndVertx() {
        if (server != null) {
            server.close();
        }
        vertx.close();
    }
}
