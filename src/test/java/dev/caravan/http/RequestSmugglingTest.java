package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling over raw sockets: requests that two HTTP implementations could frame
 * differently (the PortSwigger CL.TE / TE.CL / TE.TE families and the cases of RFC 9112 §6.3,
 * §5.1, §5.2 and §3.2) are refused before any route sees them, with one answer and the
 * connection closed, so nothing hidden in their bytes is ever served. Well-formed requests,
 * bodies that look like headers, pipelining and a head arriving a byte at a time pass.
 */
class RequestSmugglingTest extends TrafficServerTestBase {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
    private final List<String> served = new CopyOnWriteArrayList<>();

    private int serve() {
        server = new TrafficServer(vertx, "127.0.0.1", 0, 30, 1, true);
        server.start();
        for (String path : new String[] {"/ok", "/smuggled"}) {
            server.register(path, false, request -> request.body().onSuccess(body -> {
                served.add(request.method().name() + " " + request.path() + " " + body.toString(StandardCharsets.ISO_8859_1));
                request.response().end("served " + body.length());
            }));
        }
        return server.port();
    }

    static Stream<Arguments> refused() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                // CL.TE and TE.CL: both length headers
                Arguments.of("CL.TE", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"
                        + smuggled, 400),
                Arguments.of("TE.CL", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n"
                        + smuggled + "\r\n0\r\n\r\n", 400),
                // TE.TE: obfuscated or listed codings
                Arguments.of("xchunked", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n"
                        + "abcd" + smuggled, 501),
                Arguments.of("gzip alone", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled, 501),
                Arguments.of("chunked, identity", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                        + "0\r\n\r\n" + smuggled, 400),
                Arguments.of("gzip, chunked", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("two TE lines", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n"
                        + "0\r\n\r\n" + smuggled, 400),
                Arguments.of("chunked twice", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("chunked with a parameter", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;x=1\r\n"
                        + "Content-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("quoted chunked", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("space before the colon", "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
                        + "Content-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("tab before the colon", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length\t: 5\r\n\r\n0\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("folded Transfer-Encoding", "POST /ok HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n Transfer-Encoding: chunked\r\n"
                        + "Content-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("obs-fold with a tab", "GET /ok HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n\tb\r\n\r\n" + smuggled, 400),
                Arguments.of("line without a colon", "GET /ok HTTP/1.1\r\nHost: x\r\nX-Note\r\n\r\n" + smuggled, 400),
                Arguments.of("bare LF in the head", "GET /ok HTTP/1.1\r\nHost: x\nX-Note: a\r\n\r\n" + smuggled, 400),
                Arguments.of("bare LF ending the head", "GET /ok HTTP/1.1\r\nHost: x\r\n\n" + smuggled, 400),
                Arguments.of("HTTP/1.0 with Transfer-Encoding", "POST /ok HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n" + smuggled, 400),
                // Content-Length itself
                Arguments.of("two Content-Lengths", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 36\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("a Content-Length list", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 36\r\n\r\n" + smuggled, 400),
                Arguments.of("signed Content-Length", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n" + smuggled, 400),
                // Host (RFC 9112 §3.2)
                Arguments.of("no Host", "GET /ok HTTP/1.1\r\nX-Note: a\r\n\r\n" + smuggled, 400),
                Arguments.of("two Hosts", "GET /ok HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n" + smuggled, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void anAmbiguouslyFramedRequestIsRefusedAndNothingInItsBytesIsServed(String name, String bytes, int status)
            throws Exception {
        int port = serve();

        String answers = exchange(port, bytes.getBytes(StandardCharsets.ISO_8859_1), false);

        assertThat(statuses(answers)).as("one answer, then the connection closed").containsExactly(status);
        assertThat(answers).contains("\"error\":\"" + (status == 501 ? "not_implemented" : "invalid_request") + "\"");
        assertThat(served).isEmpty();
    }

    @Test
    void wellFramedRequestsPipelinedOnOneConnectionAreAllServed() throws Exception {
        int port = serve();
        String requests = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
                + "POST /ok HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                // a body that looks like folded and bare-LF header lines is a body: not looked at
                + "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 22\r\n\r\nA: b\r\n folded\nbare\r\n\r\n"
                + "GET /ok HTTP/1.0\r\n\r\n";

        String answers = exchange(port, requests.getBytes(StandardCharsets.ISO_8859_1), false);

        assertThat(statuses(answers)).containsExactly(200, 200, 200, 200, 200);
        assertThat(served).containsExactly("GET /ok ", "POST /ok hello world", "POST /ok hello world",
                "POST /ok A: b\r\n folded\nbare\r\n\r\n", "GET /ok ");
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkippedNotTakenAsTheEndOfAHead() throws Exception {
        int port = serve();

        String answers = exchange(port, "\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n folded\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), false);

        assertThat(statuses(answers)).containsExactly(400);
        assertThat(served).isEmpty();
    }

    @Test
    void aHeadArrivingOneByteAtATimeIsCheckedTheSame() throws Exception {
        int port = serve();
        String good = "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
        String folded = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n folded\r\n\r\n";

        assertThat(statuses(exchange(port, (good + "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), true))).containsExactly(200, 200);
        assertThat(statuses(exchange(port, folded.getBytes(StandardCharsets.ISO_8859_1), true))).containsExactly(400);
        assertThat(served).containsExactly("POST /ok hi", "GET /ok ");
    }

    @Test
    void aFoldedHeaderInTheSecondPipelinedRequestRefusesThatRequestOnly() throws Exception {
        int port = serve();
        String requests = "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /ok HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

        String answers = exchange(port, requests.getBytes(StandardCharsets.ISO_8859_1), false);

        assertThat(statuses(answers)).containsExactly(200, 400);
        assertThat(served).containsExactly("POST /ok abc");
    }

    /** Sends {@code bytes} (one at a time, flushed, if {@code slowly}) and reads until the server closes or stays silent. */
    private static String exchange(int port, byte[] bytes, boolean slowly) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            if (slowly) {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                }
            } else {
                out.write(bytes);
                out.flush();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answers = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answers.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException stillOpen) {
                answers.write("<connection left open>".getBytes(StandardCharsets.ISO_8859_1));
            }
            return answers.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static List<Integer> statuses(String answers) {
        List<Integer> statuses = new ArrayList<>();
        Matcher matcher = STATUS.matcher(answers);
        while (matcher.find()) {
            statuses.add(Integer.parseInt(matcher.group(1)));
        }
        if (answers.endsWith("<connection left open>")) {
            statuses.add(-1);
        }
        return statuses;
    }
}
