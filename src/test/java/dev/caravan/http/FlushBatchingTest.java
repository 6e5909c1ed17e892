package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.MediatorRig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link FlushBatching} on both ends of the API path: the traffic server's connections and the
 * backend client's. Many calls at once over a few connections (so writes really wait for the
 * end of a batch) must all be answered, each with its own answer.
 */
class FlushBatchingTest extends TrafficServerTestBase {
    private static final int CALLS = 300;

    @Test
    void batchedFlushesAnswerEveryCallWithItsOwnAnswer() throws Exception {
        Set<String> serverFirstHandlers = serveEcho(true);
        HttpClient client = MediatorRig.profiles(Map.of()).defaultClient();
        Set<String> clientFirstHandlers = ConcurrentHashMap.newKeySet();

        List<String> answers = callAll(client, clientFirstHandlers);

        for (int n = 0; n < CALLS; n++) {
            assertThat(answers.get(n)).isEqualTo("call " + n + " / " + n);
        }
        assertThat(serverFirstHandlers).containsExactly(FlushBatching.HANDLER_NAME);
        assertThat(clientFirstHandlers).containsExactly(FlushBatching.HANDLER_NAME);
    }

    @Test
    void switchedOffByConfigurationFlushesAsVertxDoes() throws Exception {
        Set<String> serverFirstHandlers = serveEcho(false);
        HttpClient client = MediatorRig.profiles(Map.of("caravan.traffic.batch-flushes", "false")).defaultClient();
        Set<String> clientFirstHandlers = ConcurrentHashMap.newKeySet();

        List<String> answers = callAll(client, clientFirstHandlers);

        assertThat(answers).hasSize(CALLS).allMatch(a -> a.startsWith("call "));
        assertThat(serverFirstHandlers).isNotEmpty().doesNotContain(FlushBatching.HANDLER_NAME);
        assertThat(clientFirstHandlers).isNotEmpty().doesNotContain(FlushBatching.HANDLER_NAME);
    }

    /** Starts the traffic server with an echo path; returns the first pipeline handler of each connection it served. */
    private Set<String> serveEcho(boolean batchFlushes) {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, batchFlushes);
        Set<String> firstHandlers = ConcurrentHashMap.newKeySet();
        server.register("/echo", false, request -> {
            firstHandlers.add(firstHandler(request.connection()));
            request.response().putHeader("X-Call", request.getParam("n")).end("call " + request.getParam("n"));
        });
        return firstHandlers;
    }

    /** Sends every call at once; returns "body / X-Call header" per call, in call order. */
    private List<String> callAll(HttpClient client, Set<String> clientFirstHandlers) throws Exception {
        List<Future<String>> calls = new ArrayList<>();
        for (int n = 0; n < CALLS; n++) {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                    .setPort(server.port()).setURI("/echo?n=" + n);
            calls.add(client.request(options).compose(request -> {
                clientFirstHandlers.add(firstHandler(request.connection()));
                return request.send();
            }).compose(response -> response.body()
                    .map(body -> body.toString() + " / " + response.getHeader("X-Call"))));
        }
        List<String> answers = new ArrayList<>();
        for (Future<String> call : calls) {
            answers.add(call.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
        }
        return answers;
    }

    private static String firstHandler(HttpConnection connection) {
        return ((ConnectionBase) connection).channelHandlerContext().pipeline().names().get(0);
    }
}
