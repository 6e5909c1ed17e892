package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who serves a path on the traffic port, over real connections: one owner per path, a
 * registration removed only by its owner, and a held path answered through a swap of owners.
 */
class TrafficServerRegistrationTest extends TrafficServerTestBase {

    @BeforeEach
    void start() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1);
    }

    private static Handler<HttpServerRequest> answering(String body) {
        return request -> request.response().end(body);
    }

    private Http.Response get(String path) {
        return Http.raw(server.port(), "GET", path);
    }

    @Test
    void aSecondOwnerOfAPathIsRefusedAndTheFirstKeepsServing() {
        Handler<HttpServerRequest> first = answering("first");
        server.register("/token", false, first, "token-api");

        assertThatThrownBy(() -> server.register("/token", false, answering("second"), "intruder"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already served by token-api");
        server.register("/api", true, answering("a"), "a");
        assertThatThrownBy(() -> server.register("/api/", true, answering("b"), "b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already served by a");

        assertThat(get("/token").body()).isEqualTo("first");
        assertThat(server.registrations()).containsExactly(
                new TrafficServer.Registration("/api/", true, "a"), new TrafficServer.Registration("/token", false, "token-api"));
    }

    @Test
    void onlyTheOwnerTakesItsRegistrationOff() {
        Handler<HttpServerRequest> owner = answering("owner");
        server.register("/oauth2/token", false, owner, "token-api");
        Handler<HttpServerRequest> prefixOwner = answering("apis");
        server.register("/", true, prefixOwner, "api-gateway");

        // what a consumer whose start failed does on its way out
        assertThat(server.unregister("/oauth2/token", false, answering("refused"))).isFalse();
        assertThat(server.unregister("/", true, answering("refused"))).isFalse();

        assertThat(get("/oauth2/token").body()).isEqualTo("owner");
        assertThat(get("/weather/1.0").body()).isEqualTo("apis");
        assertThat(server.unregister("/oauth2/token", false, owner)).isTrue();
        assertThat(get("/oauth2/token").body()).isEqualTo("apis");
    }

    @Test
    void aHeldPathWaitsForItsNextOwnerInsteadOfAnswering404() throws Exception {
        Handler<HttpServerRequest> old = answering("old");
        server.register("/hello", false, old, "hello");

        TrafficServer.Hold hold = server.hold("/hello", false);
        server.unregister("/hello", false, old);
        CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() -> get("/hello"));
        Poll.until(Duration.ofSeconds(5), server::registrations,
                r -> r.contains(new TrafficServer.Registration("/hello", false, "(held)")));
        assertThat(waiting).isNotDone();

        server.register("/hello", false, answering("new"), "hello");
        hold.close();

        assertThat(waiting.get().status()).isEqualTo(200);
        assertThat(waiting.get().body()).isEqualTo("new");
        assertThat(get("/hello").body()).isEqualTo("new");
    }

    @Test
    void aHoldClosedWithoutANextOwnerRoutesTheWaitingRequestsAgain() throws Exception {
        Handler<HttpServerRequest> old = answering("old");
        server.register("/gone", false, old, "gone");
        TrafficServer.Hold hold = server.hold("/gone", false);
        server.unregister("/gone", false, old);
        CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() -> get("/gone"));
        Poll.until(Duration.ofSeconds(5), () -> server.inFlight(), n -> n == 1);

        hold.close();

        assertThat(waiting.get().status()).isEqualTo(404);
        assertThat(server.registrations()).isEmpty();
    }

    @Test
    void aHoldOnAPathItsOwnerKeepsChangesNothing() {
        server.register("/kept", false, answering("kept"), "kept");

        server.hold("/kept", false).close();

        assertThat(get("/kept").body()).isEqualTo("kept");
        assertThat(server.owner("/kept", false)).isEqualTo("kept");
    }
}
