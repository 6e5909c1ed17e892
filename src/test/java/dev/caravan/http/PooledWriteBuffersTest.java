package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.MediatorRig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.VertxByteBufAllocator;
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
 * Traffic and backend connections write through Vert.x's pooled allocator, and what they read
 * still reaches handlers as Vert.x's own unpooled copies.
 */
class PooledWriteBuffersTest extends TrafficServerTestBase {
    private static ByteBufAllocator allocator(HttpConnection connection) {
        return ((ConnectionBase) connection).channel().config().getAllocator();
    }

    @Test
    void bothEndsWritePooledAndBodiesArriveWholeAndUnpooled() throws Exception {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true);
        Set<ByteBufAllocator> serverAllocators = ConcurrentHashMap.newKeySet();
        Set<Boolean> receivedPooled = ConcurrentHashMap.newKeySet();
        server.register("/echo", false, request -> {
            serverAllocators.add(allocator(request.connection()));
            request.body().onSuccess(body -> {
                receivedPooled.add(body.getByteBuf().alloc() instanceof PooledByteBufAllocator);
                request.response().putHeader("X-Length", String.valueOf(body.length())).end(body);
            });
        });
        HttpClient client = MediatorRig.profiles(Map.of()).defaultClient();
        Set<ByteBufAllocator> clientAllocators = ConcurrentHashMap.newKeySet();

        List<Future<String>> calls = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            // bodies from a few bytes to 64 KiB: one read or many
            String body = ("call " + n + ";").repeat(1 + n * 160);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                    .setPort(server.port()).setURI("/echo");
            calls.add(client.request(options).compose(request -> {
                clientAllocators.add(allocator(request.connection()));
                return request.send(Buffer.buffer(body));
            }).compose(response -> response.body().map(received -> {
                receivedPooled.add(received.getByteBuf().alloc() instanceof PooledByteBufAllocator);
                return received.toString().equals(body) && response.getHeader("X-Length").equals(
                        String.valueOf(body.length())) ? "ok" : "mismatch at " + body.length();
            })));
        }
        for (Future<String> call : calls) {
            assertThat(call.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        }

        assertThat(serverAllocators).containsExactly(VertxByteBufAllocator.POOLED_ALLOCATOR);
        assertThat(clientAllocators).containsExactly(VertxByteBufAllocator.POOLED_ALLOCATOR);
        assertThat(receivedPooled).as("bodies handed to handlers are never pooled buffers").containsExactly(false);
    }
}
