package dev.caravan.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * On a backend connection: long header values of an outgoing request become bytes before
 * Netty's encoder writes them.
 *
 * <p>Vert.x's client copies a request's headers into Netty's as {@code String}s (an
 * {@link AsciiString} given to it, such as the backend JWT, is turned back into a String), and
 * Netty's encoder writes a String one character at a time, where it copies an AsciiString's bytes
 * in one go. For the kilobyte-long backend JWT and bearer tokens of every API call that loop
 * was about 4% of the event loop's time. Values of {@value #FROM} characters or more are
 * replaced by the bytes the encoder would have written (ISO-8859-1: each character up to
 * U+00FF as that byte, any other as '?', as Netty's ASCII writer does), so the bytes on the
 * wire are unchanged. Shorter values are left alone.
 */
@ChannelHandler.Sharable
public final class HeaderValueBytes extends ChannelOutboundHandlerAdapter {
    /** The handler's name in a connection's pipeline. */
    public static final String HANDLER_NAME = "caravan-header-value-bytes";
    /** Values this long or longer are turned into bytes. */
    public static final int FROM = 64;

    static final HeaderValueBytes INSTANCE = new HeaderValueBytes();

    private HeaderValueBytes() {}

    /**
     * Puts the handler just before Vert.x's own handler of a client connection (so requests
     * pass it before the encoder), once. A connection of another kind (none today), or one
     * whose pipeline Vert.x names differently, is left as it is.
     */
    public static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(HANDLER_NAME) == null && pipeline.get("handler") != null) {
                pipeline.addBefore("handler", HANDLER_NAME, INSTANCE);
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpRequest request) {
            asBytes(request.headers());
        }
        ctx.write(msg, promise);
    }

    /** Replaces every long String value by its bytes; the headers keep their order. */
    static void asBytes(HttpHeaders headers) {
        boolean any = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext() && !any; ) {
            any = isLong(it.next().getValue());
        }
        if (!any) {
            return;
        }
        List<Map.Entry<CharSequence, CharSequence>> all = new ArrayList<>(headers.size());
        headers.iteratorCharSequence().forEachRemaining(all::add);
        headers.clear();
        for (Map.Entry<CharSequence, CharSequence> header : all) {
            CharSequence value = header.getValue();
            headers.add(header.getKey(), isLong(value) ? asBytes((String) value) : value);
        }
    }

    /** The bytes Netty's ASCII writer would write for {@code value}: ISO-8859-1, '?' above U+00FF. */
    public static AsciiString asBytes(String value) {
        return new AsciiString(value.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static boolean isLong(CharSequence value) {
        return value instanceof String && value.length() >= FROM;
    }
}
