package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.MediatorRig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link HeaderValueBytes}: same bytes on the wire, long values written from bytes. */
class HeaderValueBytesTest {
    private static final String LONG = "Bearer " + "eyJhbGciOiJSUzI1NiJ9.payload-part_~+/=".repeat(30);

    @Test
    void theEncoderWritesExactlyTheSameBytesWithAndWithoutIt() {
        String latin = LONG + "\u00e9\u00ff";
        String beyondLatin = LONG + "\u20ac\u4e2d";

        byte[] plain = encode(request(latin, beyondLatin), false);
        byte[] converted = encode(request(latin, beyondLatin), true);

        assertThat(converted).isEqualTo(plain);
        // and the characters above U+00FF became '?' in both, as Netty's ASCII writer does
        assertThat(new String(plain, StandardCharsets.ISO_8859_1)).contains(LONG + "??\r\n");
    }

    @Test
    void longValuesBecomeBytesShortOnesStayAndTheOrderIsKept() {
        FullHttpRequest request = request("first " + LONG, "second " + LONG);
        request.headers().add("X-Short", "short");

        HeaderValueBytes.asBytes(request.headers());

        assertThat(request.headers().names()).containsExactly("Host", "X-Repeated", "X-JWT-Assertion", "Accept", "X-Short");
        assertThat(request.headers().getAll("X-Repeated")).containsExactly("first " + LONG, "second " + LONG);
        request.headers().iteratorCharSequence().forEachRemaining(header -> {
            if (header.getValue().length() >= HeaderValueBytes.FROM) {
                assertThat(header.getValue()).isInstanceOf(AsciiString.class);
            } else {
                assertThat(header.getValue()).isInstanceOf(String.class);
            }
        });
        assertThat(request.headers().get("X-Short")).isEqualTo("short");
        request.release();
    }

    @Test
    void backendClientConnectionsCarryIt() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<String> names = MediatorRig.profiles(Map.of()).defaultClient()
                    .request(new RequestOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/"))
                    .map(request -> ((ConnectionBase) request.connection()).channelHandlerContext().pipeline().names())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(names).contains(HeaderValueBytes.HANDLER_NAME);
            assertThat(names.indexOf(HeaderValueBytes.HANDLER_NAME)).isGreaterThan(names.indexOf("codec"));
        } finally {
            vertx.close();
        }
    }

    private static FullHttpRequest request(String first, String second) {
        // as Vert.x's client builds it: headers without validation, every value a String
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/items?x=1");
        request.headers().add("Host", "backend:8080");
        request.headers().add("X-Repeated", first);
        request.headers().add("X-JWT-Assertion", LONG.substring(7));
        request.headers().add("X-Repeated", second);
        request.headers().add("Accept", "application/json");
        return request;
    }

    private static byte[] encode(FullHttpRequest request, boolean withHandler) {
        EmbeddedChannel channel = withHandler
                ? new EmbeddedChannel(new HttpRequestEncoder(), HeaderValueBytes.INSTANCE)
                : new EmbeddedChannel(new HttpRequestEncoder());
        channel.writeOutbound(request);
        ByteBuf out = channel.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        channel.finishAndReleaseAll();
        return bytes;
    }
}
