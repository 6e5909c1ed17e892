package dev.caravan.bench;

import dev.caravan.gateway.GatewayMediators;
import dev.caravan.http.HeaderAllowList;
import dev.caravan.http.TrafficHeaderFilterStrategy;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.PlainExchange;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The header policy of the traffic port, both ways.
 *
 * <ul>
 * <li>{@code allowListProcess}: the API route's entry step ({@code stripUntrustedHeaders}, the
 *     default allow-list) on a fresh exchange carrying {@link #REQUEST} (12 request headers, two
 *     of them smuggled {@code CAmel*} names) plus the method, path and query platform-http sets:
 *     capture the {@code InboundRequest}, drop every header, copy back the allowed ones. Each
 *     call builds its exchange first, as a request does.</li>
 * <li>{@code baselineBuildExchange}: building that exchange alone; subtract it from
 *     {@code allowListProcess} for the cost of the step itself.</li>
 * <li>{@code filterResponseHeaders}: {@link TrafficHeaderFilterStrategy#applyFilterToCamelHeaders}
 *     called once per header of a backend response message ({@link #RESPONSE}, 14 headers),
 *     as platform-http does when it writes the response. {@code connection} is the backend's
 *     {@code Connection} header: {@code absent}, or a value naming a header, which makes every
 *     call also tokenize it.</li>
 * </ul>
 *
 * On a plain exchange the inbound request is read from the Camel headers; on the traffic port
 * it is read from Vert.x's request, so the capture part differs slightly from production.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class HeaderFilteringBenchmark {
    static final String[][] REQUEST = {
        {"Host", "gateway.example.com"},
        {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
        {"Accept", "application/json"},
        {"Accept-Encoding", "gzip, deflate, br"},
        {"Accept-Language", "en-GB,en;q=0.8"},
        {"Authorization", "Bearer " + "eyJhbGciOiJSUzI1NiJ9.".repeat(30)},
        {"Content-Type", "application/json"},
        {"Connection", "keep-alive"},
        {"X-Request-ID", "6f1c2c1e-93a4-4d8e-9d5e-0c1b7a7f4e21"},
        {"X-Forwarded-For", "203.0.113.7"},
        {"CAmelHttpUri", "http://169.254.169.254/latest/meta-data/"},
        {"CAmelExecCommandExecutable", "/bin/sh"},
        {Exchange.HTTP_METHOD, "GET"},
        {Exchange.HTTP_PATH, "/placeFinder/1.0.0/places"},
        {Exchange.HTTP_QUERY, "near=Colombo"},
    };

    static final String[][] RESPONSE = {
        {"Content-Type", "application/json"},
        {"Content-Length", "1024"},
        {"Date", "Sun, 22 Nov 2026 10:00:00 GMT"},
        {"Server", "nginx/1.22.1"},
        {"ETag", "\"5f1c-1a2b\""},
        {"Cache-Control", "no-cache"},
        {"Vary", "Accept-Encoding"},
        {"Keep-Alive", "timeout=60"},
        {"X-Backend-Trace", "node-7"},
        {"X-Request-ID", "6f1c2c1e-93a4-4d8e-9d5e-0c1b7a7f4e21"},
        {"Set-Cookie", "backend=1; HttpOnly"},
        {"X-JWT-Assertion", "eyJhbGciOiJSUzI1NiJ9.".repeat(30)},
        {Exchange.HTTP_RESPONSE_CODE, "200"},
        {Exchange.HTTP_RESPONSE_TEXT, "OK"},
    };

    private HeaderAllowList allowList;

    @Setup
    public void setUp() {
        QuietLogs.warnOnly();
        allowList = new GatewayMediators().stripUntrustedHeaders(MediatorRig.properties(Map.of()));
        Exchange sample = allowListProcess(); // also starts the shared Camel context before measuring
        if (!sample.getIn().getHeaders().keySet().equals(Set.of("Accept", "Accept-Encoding", "Accept-Language",
                "Authorization", "Content-Type", "User-Agent", "X-Request-ID"))) {
            throw new IllegalStateException("the allow-list kept " + sample.getIn().getHeaders().keySet());
        }
    }

    private static Exchange request() {
        Exchange exchange = PlainExchange.create();
        Message message = exchange.getIn();
        for (String[] header : REQUEST) {
            message.setHeader(header[0], header[1]);
        }
        return exchange;
    }

    @Benchmark
    public Exchange baselineBuildExchange() {
        return request();
    }

    @Benchmark
    public Exchange allowListProcess() {
        Exchange exchange = request();
        allowList.process(exchange);
        return exchange;
    }

    /** A backend's response as the message platform-http writes back. */
    @State(Scope.Benchmark)
    public static class Response {
        @Param({"absent", "keep-alive, X-Backend-Trace"})
        public String connection;

        final TrafficHeaderFilterStrategy strategy = new TrafficHeaderFilterStrategy();
        Exchange exchange;

        @Setup
        public void setUp() {
            exchange = PlainExchange.create();
            Message message = exchange.getMessage();
            for (String[] header : RESPONSE) {
                message.setHeader(header[0], header[1]);
            }
            if (!"absent".equals(connection)) {
                message.setHeader("Connection", connection);
            }
        }
    }

    @Benchmark
    public int filterResponseHeaders(Response response) {
        int kept = 0;
        for (Map.Entry<String, Object> header : response.exchange.getMessage().getHeaders().entrySet()) {
            if (!response.strategy.applyFilterToCamelHeaders(header.getKey(), header.getValue(), response.exchange)) {
                kept++;
            }
        }
        return kept;
    }
}
