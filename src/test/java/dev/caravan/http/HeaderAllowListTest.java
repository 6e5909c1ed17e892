package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.PlainExchange;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The entry step of every traffic route, on a plain exchange. */
class HeaderAllowListTest {

    /** An allow-list that (wrongly) names internal and hop-by-hop headers: they must still never pass. */
    private static final List<String> CARELESS_ALLOW_LIST = List.of("Accept", "X-Request-ID", "Content-Type",
            "CamelHttpUri", "CAmelHttpUri", "camelhttppath", "CamelHttpQuery", "CamelHttpMethod",
            "org.apache.camel.x", "caravanApi", "Host", "Connection", "Transfer-Encoding", "Content-Length");

    private static Exchange exchange(Map<String, Object> headers) {
        Exchange exchange = PlainExchange.create();
        headers.forEach(exchange.getIn()::setHeader);
        return exchange;
    }

    @Test
    void allowListedHeadersAreKeptWhateverTheCaseOfTheirNames() {
        Exchange exchange = exchange(Map.of("accept", "application/json", "X-REQUEST-ID", "r-1",
                "content-TYPE", "text/plain"));

        new HeaderAllowList(List.of("Accept", "x-request-id", "Content-Type")).process(exchange);

        assertThat(exchange.getIn().getHeader("Accept")).isEqualTo("application/json");
        assertThat(exchange.getIn().getHeader("X-Request-ID")).isEqualTo("r-1");
        assertThat(exchange.getIn().getHeader("Content-Type")).isEqualTo("text/plain");
        assertThat(exchange.getIn().getHeaders()).hasSize(3);
    }

    @Test
    void headersNotOnTheAllowListAreDropped() {
        Exchange exchange = exchange(Map.of("Accept", "*/*", "X-Forwarded-For", "10.0.0.1", "X-JWT-Assertion", "forged",
                "Cookie", "session=1"));

        new HeaderAllowList(List.of("Accept")).process(exchange);

        assertThat(exchange.getIn().getHeaders()).containsOnlyKeys("Accept");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelHttpUri", "CAmelHttpUri", "camelhttppath", "CAMELHTTPQUERY", "CamelHttpMethod",
        "org.apache.camel.x", "ORG.APACHE.CAMEL.Y", "caravanBackendUri", "Host", "host", "Connection",
        "Transfer-Encoding", "Content-Length"})
    void internalAndHopByHopHeadersAreDroppedEvenWhenPutOnTheAllowList(String name) {
        HeaderAllowList allowList = new HeaderAllowList(CARELESS_ALLOW_LIST);
        Exchange exchange = exchange(Map.of(name, "http://127.0.0.2/evil", "X-Request-ID", "kept"));

        allowList.process(exchange);

        assertThat(allowList.allows(name)).isFalse();
        assertThat(exchange.getIn().getHeaders()).containsOnlyKeys("X-Request-ID");
        assertThat(exchange.getIn().getHeader(name)).isNull();
    }

    @Test
    void repeatedHeadersAreKeptAsAListInTheirOrder() {
        Exchange exchange = exchange(Map.of("Accept", List.of("text/html", "application/json"),
                "X-Request-ID", "only-one"));

        new HeaderAllowList(List.of("Accept", "X-Request-ID")).process(exchange);

        assertThat(exchange.getIn().getHeader("Accept")).isEqualTo(List.of("text/html", "application/json"));
        assertThat(exchange.getIn().getHeader("X-Request-ID")).isEqualTo("only-one");
    }

    @Test
    void theRawRequestIsCapturedAsAPropertyBeforeHeadersAreDropped() {
        Exchange exchange = exchange(Map.of(Exchange.HTTP_METHOD, "PUT", Exchange.HTTP_PATH, "/ctx/1.0/items",
                Exchange.HTTP_QUERY, "a=1", "Authorization", "Bearer abc", "X-Other", "x"));

        new HeaderAllowList(List.of("Accept")).process(exchange);

        InboundRequest request = InboundRequest.of(exchange);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/ctx/1.0/items");
        assertThat(request.rawQuery()).isEqualTo("a=1");
        assertThat(request.singleHeader("authorization")).isEqualTo("Bearer abc");
        assertThat(request.headerValues("x-other")).containsExactly("x");
        assertThat(exchange.getIn().getHeaders()).isEmpty();
    }
}
