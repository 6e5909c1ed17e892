package dev.caravan.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The traffic port's HTTP/1.x request decoder: Vert.x's own, made to frame requests exactly as
 * RFC 9112 says and to refuse everything two parties could frame differently (request
 * smuggling). Netty's decoder is lenient where the RFC lets a recipient be: it takes
 * {@code Transfer-Encoding} over {@code Content-Length} when both are sent, frames
 * {@code Transfer-Encoding: chunked, identity} as chunked, joins obsolete line folding into the
 * previous value, accepts a bare LF as a line end and a request without {@code Host}. A proxy in
 * front of the gateway, or a backend behind it, that frames such a request otherwise would see a
 * second request where the gateway saw a body. Here each of these marks the request as
 * undecodable, so it is answered with an error and its connection closed before anything else
 * on it is read ({@link TrafficServer}):
 * <ul>
 *   <li>{@code Content-Length} and {@code Transfer-Encoding} together: 400 (RFC 9112 §6.3 allows
 *   a server to refuse; doing so leaves no framing to argue about);</li>
 *   <li>a {@code Transfer-Encoding} that is not exactly {@code chunked}: 501 for a single coding
 *   the gateway does not implement ({@code gzip}, ...), 400 for a list ({@code chunked, identity},
 *   {@code gzip, chunked}, {@code chunked, chunked}, two header lines), a coding with parameters
 *   or quotes, and one on an HTTP/1.0 request;</li>
 *   <li>several {@code Content-Length} values (Netty's own rule, kept), or one that is not plain
 *   digits ({@code +5}): 400;</li>
 *   <li>obsolete line folding (a header line starting with a space or tab): 400 (RFC 9112 §5.2);</li>
 *   <li>white space between a header name and its colon, or a header line without a colon: 400
 *   (RFC 9112 §5.1);</li>
 *   <li>a line ending in a bare LF: 400;</li>
 *   <li>an HTTP/1.1 request without exactly one {@code Host}: 400 (RFC 9112 §3.2).</li>
 * </ul>
 * The head checks read the bytes Netty's decoder consumed while it parsed the head, once, line by
 * line: a {@code ByteBuf.indexOf} per line; the body is never looked at.
 *
 * <p>It also times each request ({@link TrafficLimits}): a head not complete within
 * {@code headerReadTimeout} of its first byte, or a body not complete within
 * {@code bodyReadTimeout} of its head, is answered {@code 408 request_timeout} and the connection
 * closed (a client that trickles bytes cannot hold a connection for the idle timeout after idle
 * timeout).
 */
public final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    /** Vert.x's name for the decoder in an HTTP/1.x connection's pipeline. */
    static final String NAME = "httpDecoder";

    /** Why a request was refused; the status the traffic port answers with. */
    public static final class Refused extends IllegalArgumentException {
        private final int status;

        Refused(int status, String message) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a verdict about the caller's bytes, not a failure of ours
        }
    }

    static final Refused BOTH_LENGTHS = new Refused(400,
            "the request has both Content-Length and Transfer-Encoding");
    static final Refused OBS_FOLD = new Refused(400, "the request folds a header over several lines");
    static final Refused BARE_LF = new Refused(400, "a line of the request ends in LF without CR");
    static final Refused NO_COLON = new Refused(400, "a header line of the request has no colon");
    static final Refused FIELD_NAME = new Refused(400,
            "a header name of the request is empty or followed by white space before its colon");
    static final Refused LENGTH = new Refused(400, "Content-Length must be one decimal number");
    static final Refused HOST = new Refused(400, "an HTTP/1.1 request needs exactly one Host header");
    static final Refused CODING_LIST = new Refused(400,
            "Transfer-Encoding must be chunked alone (a request coding list ending in chunked, or chunked with"
                    + " another coding, is not accepted)");
    static final Refused CODING_HTTP10 = new Refused(400, "an HTTP/1.0 request cannot use Transfer-Encoding");
    static final Refused CODING_UNKNOWN = new Refused(501,
            "the request uses a transfer coding the gateway does not implement (only chunked)");

    /** Reading the head of a request (true from the start and after each request's last content). */
    private boolean inHead = true;
    /** The next byte looked at starts a line. */
    private boolean lineStart = true;
    /** A line with content (the request line) was seen in this head: an empty line now ends it. */
    private boolean started;
    /** The byte before the next one looked at (for the CR-before-LF check across reads). */
    private byte previous;
    /** A problem seen in the head read so far, reported on the request once it is decoded. */
    private Refused problem;
    /**
     * A request was refused: nothing after it is decoded (its connection closes once the refusal
     * is written), so no request hidden in its bytes reaches the server.
     */
    private boolean refusing;

    /** Read phases timed by {@link #deadline}: none, a head, a body. */
    private static final int IDLE = 0;
    private static final int HEAD = 1;
    private static final int BODY = 2;
    private final long headTimeoutNanos;
    private final long bodyTimeoutNanos;
    private int phase = IDLE;
    private long phaseStart;
    /** The one timer of this connection, or null: re-armed only when it fires during a phase. */
    private ScheduledFuture<?> deadline;
    private long deadlineAt;

    public StrictRequestDecoder(HttpServerOptions options) {
        this(options, TrafficLimits.defaults());
    }

    public StrictRequestDecoder(HttpServerOptions options, TrafficLimits limits) {
        super(options);
        this.headTimeoutNanos = limits.headerReadTimeout().toNanos();
        this.bodyTimeoutNanos = limits.bodyReadTimeout().toNanos();
    }

    /**
     * Puts this decoder in place of Vert.x's in an HTTP/1.x connection's pipeline (once). For use
     * in a connection handler, which Vert.x calls before the connection's first request is read.
     * An HTTP/2 connection has no such decoder and is left as it is.
     */
    public static void install(HttpConnection connection, HttpServerOptions options) {
        install(connection, options, TrafficLimits.defaults());
    }

    /** As {@link #install(HttpConnection, HttpServerOptions)}, with the read timeouts of {@code limits}. */
    public static void install(HttpConnection connection, HttpServerOptions options, TrafficLimits limits) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(NAME) instanceof VertxHttpRequestDecoder current && !(current instanceof StrictRequestDecoder)) {
                pipeline.replace(NAME, NAME, new StrictRequestDecoder(options, limits));
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refusing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (phase == IDLE && inHead && in.isReadable()) {
            startPhase(ctx, HEAD);
        }
        int from = in.readerIndex();
        int before = out.size();
        super.decode(ctx, in, out);
        if (inHead) {
            scanHead(in, from, in.readerIndex());
        }
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpRequest request) {
                check(request);
                endOfHead();
                startPhase(ctx, BODY);
                if (!request.decoderResult().isSuccess()) {
                    // this request is all that is let through: drop what was decoded after it
                    out.subList(i + 1, out.size()).forEach(io.netty.util.ReferenceCountUtil::release);
                    out.subList(i + 1, out.size()).clear();
                    in.skipBytes(in.readableBytes());
                    refusing = true;
                    return;
                }
            }
            if (decoded instanceof LastHttpContent) {
                inHead = true;
                problem = null;
                phase = IDLE;
            }
        }
    }

    /**
     * A head or a body began: it must be complete within its timeout. Costs a clock read; a timer
     * is scheduled only if none is pending (one per connection, re-armed when it fires).
     */
    private void startPhase(ChannelHandlerContext ctx, int next) {
        phase = next;
        phaseStart = System.nanoTime();
        long timeout = next == HEAD ? headTimeoutNanos : bodyTimeoutNanos;
        if (deadline != null && phaseStart + timeout - deadlineAt < 0) {
            // this phase ends before the pending timer fires (a body timeout shorter than the head's)
            deadline.cancel(false);
            deadline = null;
        }
        if (deadline == null) {
            deadlineAt = phaseStart + timeout;
            deadline = ctx.executor().schedule(() -> expire(ctx), timeout, TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (phase == IDLE || refusing || !ctx.channel().isActive()) {
            return;
        }
        long limit = phase == HEAD ? headTimeoutNanos : bodyTimeoutNanos;
        long left = phaseStart + limit - System.nanoTime();
        if (left > 0) {
            deadlineAt = phaseStart + limit;
            deadline = ctx.executor().schedule(() -> expire(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        // too slow: answered 408 and closed; nothing more of this connection is decoded
        refusing = true;
        ByteBuf answer = ctx.alloc().buffer(phase == HEAD ? HEAD_TIMEOUT.length : BODY_TIMEOUT.length);
        answer.writeBytes(phase == HEAD ? HEAD_TIMEOUT : BODY_TIMEOUT);
        phase = IDLE;
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private static byte[] timeoutAnswer(String what) {
        String body = "{\"error\":\"request_timeout\",\"error_description\":\"" + what + "\"}";
        return ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] HEAD_TIMEOUT = timeoutAnswer("the request head was not received in time");
    private static final byte[] BODY_TIMEOUT = timeoutAnswer("the request body was not received in time");

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        phase = IDLE;
        super.channelInactive(ctx);
    }

    /**
     * Looks at head bytes {@code [from, to)} as Netty consumed them: every LF must follow a CR,
     * and a line after the request line may not start with a space or tab. Empty lines before
     * the request line are skipped (RFC 9112 §2.2); the empty line after it ends the head, and
     * what follows (a body) is not looked at.
     */
    private void scanHead(ByteBuf in, int from, int to) {
        int at = from;
        while (at < to) {
            int lineBegin = -1;
            if (lineStart) {
                byte first = in.getByte(at);
                if (first == '\r' || first == '\n') {
                    if (started) {
                        if (first == '\n' || (at + 1 < to && in.getByte(at + 1) != '\n')) {
                            note(BARE_LF);
                        }
                        endOfHead();
                        return;
                    }
                } else if (started) {
                    if (first == ' ' || first == '\t') {
                        note(OBS_FOLD);
                    }
                    lineBegin = at; // a header field line
                } else {
                    started = true; // the request line
                }
                lineStart = false;
            }
            int lf = in.indexOf(at, to, (byte) '\n');
            if (lf < 0) {
                previous = in.getByte(to - 1);
                return;
            }
            if ((lf > from ? in.getByte(lf - 1) : previous) != '\r') {
                note(BARE_LF);
            }
            if (lineBegin >= 0) {
                // Netty reads a name up to white space or ':' and then skips white space before
                // the colon; RFC 9112 §5.1 says such a request must be refused
                int colon = in.indexOf(lineBegin, lf, (byte) ':');
                if (colon < 0) {
                    note(NO_COLON);
                } else if (colon == lineBegin || in.getByte(colon - 1) == ' ' || in.getByte(colon - 1) == '\t') {
                    note(FIELD_NAME);
                }
            }
            previous = '\n';
            lineStart = true;
            at = lf + 1;
        }
    }

    private void note(Refused refused) {
        if (problem == null) {
            problem = refused;
        }
    }

    private void endOfHead() {
        inHead = false;
        lineStart = true;
        started = false;
    }

    private void check(HttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return; // Netty refused it already; its reason stands
        }
        Refused refused = problem != null ? problem : framing(request);
        problem = null;
        if (refused != null) {
            request.setDecoderResult(DecoderResult.failure(refused));
        }
    }

    private static Refused framing(HttpRequest request) {
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty()) {
            Refused coding = codings(request, codings);
            if (coding != null) {
                return coding;
            }
        }
        for (String length : request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)) {
            // Netty takes Long.parseLong's "+5"; RFC 9112: 1*DIGIT
            if (length.isEmpty() || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return LENGTH;
            }
        }
        if (request.protocolVersion() == HttpVersion.HTTP_1_1 && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            return HOST;
        }
        return null;
    }

    /**
     * {@code Transfer-Encoding} is acceptable only as the one coding {@code chunked} (any case,
     * surrounding white space), sent once, on HTTP/1.1.
     */
    private static Refused codings(HttpRequest request, List<String> values) {
        if (request.protocolVersion() != HttpVersion.HTTP_1_1) {
            return CODING_HTTP10;
        }
        boolean chunked = false;
        int count = 0;
        for (String value : values) {
            for (String coding : value.split(",", -1)) {
                String name = coding.trim();
                count++;
                if (name.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (!HttpText.isToken(name)) {
                    // empty list members, parameters (chunked has none; Netty would not frame
                    // "chunked;x=y" as chunked while others might), quotes
                    return CODING_LIST;
                } else if (count == 1 && values.size() == 1 && value.indexOf(',') < 0) {
                    return CODING_UNKNOWN;
                }
            }
        }
        return chunked && count == 1 ? null : CODING_LIST;
    }

    /**
     * Both lengths on an HTTP/1.1 request: Netty would drop {@code Content-Length} and frame by
     * chunks; refused instead (the decoder answers it as an invalid message).
     */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw BOTH_LENGTHS;
    }
}
