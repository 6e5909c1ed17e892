package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BackendClient}: a call made on an event loop goes out on a connection of that same
 * loop, even when another loop has a free connection to the same backend; each loop keeps its
 * client; callers off the event loops share one.
 */
class BackendClientTest {
    private Vertx vertx;
    private HttpServer backend;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        backend = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void callsOnEachEventLoopUseThatLoopsConnections() throws Exception {
        BackendClient clients = new BackendClient(2, () -> vertx.createHttpClient());
        List<ContextInternal> loops = twoEventLoops();

        // the first loop calls first and leaves a free connection in its pool; the second loop's
        // calls must not take it (a shared pool hands it over, and the answer then arrives on
        // the first loop's thread)
        List<EventLoop> first = callsOn(loops.get(0), clients, 5);
        List<EventLoop> second = callsOn(loops.get(1), clients, 5);

        assertThat(first).containsOnly(loops.get(0).nettyEventLoop());
        assertThat(second).containsOnly(loops.get(1).nettyEventLoop());
    }

    @Test
    void eachEventLoopKeepsItsClientAndOtherThreadsShareOne() throws Exception {
        BackendClient clients = new BackendClient(2, () -> vertx.createHttpClient());
        List<ContextInternal> loops = twoEventLoops();

        HttpClient firstA = on(loops.get(0), clients::current);
        HttpClient firstB = on(loops.get(0), clients::current);
        HttpClient secondA = on(loops.get(1), clients::current);
        HttpClient secondB = on(loops.get(1), clients::current);

        assertThat(firstA).isSameAs(firstB);
        assertThat(secondA).isSameAs(secondB);
        assertThat(firstA).isNotSameAs(secondA);
        assertThat(clients.current()).isSameAs(clients.shared()).isNotSameAs(firstA).isNotSameAs(secondA);
    }

    @Test
    void anEventLoopBeyondTheConfiguredCountUsesTheSharedClient() throws Exception {
        BackendClient clients = new BackendClient(1, () -> vertx.createHttpClient());
        List<ContextInternal> loops = twoEventLoops();

        HttpClient first = on(loops.get(0), clients::current);
        HttpClient second = on(loops.get(1), clients::current);

        assertThat(first).isNotSameAs(clients.shared());
        assertThat(second).isSameAs(clients.shared());
        List<EventLoop> calls = callsOn(loops.get(1), clients, 3);
        assertThat(calls).hasSize(3);
    }

    /** Two event-loop contexts on different loops (Vert.x hands out its loops in turn). */
    private List<ContextInternal> twoEventLoops() {
        VertxInternal internal = (VertxInternal) vertx;
        ContextInternal first = internal.createEventLoopContext();
        ContextInternal second = internal.createEventLoopContext();
        assertThat(second.nettyEventLoop()).isNotSameAs(first.nettyEventLoop());
        return List.of(first, second);
    }

    /** Makes {@code count} calls one after another on the context; returns each connection's event loop. */
    private List<EventLoop> callsOn(ContextInternal context, BackendClient clients, int count) throws Exception {
        List<EventLoop> connectionLoops = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            connectionLoops.add(awaitOn(context, () -> {
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                        .setPort(backend.actualPort()).setURI("/");
                return clients.current().request(options).compose(request -> request.send()
                        .compose(response -> response.body().map(body ->
                                ((ConnectionBase) request.connection()).channel().eventLoop())));
            }));
        }
        return connectionLoops;
    }

    private <T> T on(Context context, Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> result.complete(work.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private <T> T awaitOn(Context context, Supplier<Future<T>> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> work.get().onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }
}
