package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.PlainExchange;
import org.apache.camel.Exchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The header policy of every traffic-port endpoint. */
class TrafficHeaderFilterStrategyTest {
    private final TrafficHeaderFilterStrategy strategy = new TrafficHeaderFilterStrategy();
    private final Exchange exchange = PlainExchange.create();

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "Accept", "CamelHttpUri", "CAmelHttpUri", "camelhttppath",
        "X-JWT-Assertion", "Content-Type", "Host"})
    void noRequestHeaderOrQueryParameterBecomesACamelHeaderByItself(String name) {
        assertThat(strategy.applyFilterToExternalHeaders(name, "value", exchange)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelHttpResponseCode", "CAmelHttpUri", "camelhttppath", "org.apache.camel.x",
        "caravanApi", "CARAVANTOKEN", "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host", "Server",
        "Proxy-Connection", "trailers", "KEEP-ALIVE", "te", "hOST", "Org.Apache.Camel.Y"})
    void internalAndHopByHopHeadersAreNotWrittenToTheResponse(String name) {
        assertThat(strategy.applyFilterToCamelHeaders(name, "value", exchange)).isTrue();
        assertThat(TrafficHeaderFilterStrategy.isInternalOrHopByHop(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Cache-Control", "ETag", "X-Backend-Header", "WWW-Authenticate",
        "Location", "Set-Cookie", "Hosts", "Servers", "Tee", "T", "", "Upgrade-Insecure-Requests", "Connection-Id",
        "X-Camel", "Cam", "Organization", "Proxy-Authorizations", "Caravel-Id", "Capital", "Orbit", "CXamel"})
    void endToEndHeadersAreWrittenToTheResponse(String name) {
        assertThat(strategy.applyFilterToCamelHeaders(name, "value", exchange)).isFalse();
        assertThat(TrafficHeaderFilterStrategy.isInternalOrHopByHop(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void headersNamedInTheBackendsConnectionHeaderAreNotWrittenToTheResponse() {
        exchange.getMessage().setHeader("Connection", "X-Backend-Session, Keep-Alive");

        assertThat(strategy.applyFilterToCamelHeaders("x-backend-session", "s3cret", exchange)).isTrue();
        assertThat(strategy.applyFilterToCamelHeaders("X-Other", "v", exchange)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void connectionOptionsAreWholeCommaSeparatedNamesInAnyCase() {
        assertThat(TrafficHeaderFilterStrategy.listedIn("X-A, \tX-Session ,keep-alive", "x-session")).isTrue();
        assertThat(TrafficHeaderFilterStrategy.listedIn("X-A,X-Session", "X-A")).isTrue();
        assertThat(TrafficHeaderFilterStrategy.listedIn(",,X-Last", "x-last")).isTrue();
        assertThat(TrafficHeaderFilterStrategy.listedIn(java.util.List.of("close", "X-Second"), "X-SECOND")).isTrue();

        assertThat(TrafficHeaderFilterStrategy.listedIn("X-Sessions", "X-Session")).isFalse();
        assertThat(TrafficHeaderFilterStrategy.listedIn("X-Session", "X-Sessions")).isFalse();
        assertThat(TrafficHeaderFilterStrategy.listedIn("X-A X-B", "X-B")).isFalse();
        assertThat(TrafficHeaderFilterStrategy.listedIn(" , ,", "")).isFalse();
        assertThat(TrafficHeaderFilterStrategy.listedIn("keep-alive", "X-Other")).isFalse();
        assertThat(TrafficHeaderFilterStrategy.listedIn(java.util.List.of(), "X-Other")).isFalse();
    }
}
