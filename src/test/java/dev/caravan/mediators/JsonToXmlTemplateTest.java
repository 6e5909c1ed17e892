package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.mediation.MediationException;
import dev.caravan.mediation.JsonToXmlMediator;
import dev.caravan.mediation.MediationConfigException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonToXmlTemplateTest {
    private TemplateHarness harness;

    @BeforeEach
    void load() throws Exception {
        harness = TemplateHarness.load("json-to-xml", Map.of("jsonToXmlMediator", new JsonToXmlMediator()));
        harness.instance("json-to-xml", "to-xml", Map.of());
        harness.instance("json-to-xml", "to-weather-xml", Map.of("rootElement", "weather"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Exchange request(String name, Object body) {
        return harness.send(name, e -> {
            e.getIn().setBody(body);
            e.getIn().setHeader("Content-Type", "application/json");
            e.getIn().setHeader("Content-Length", "42");
        });
    }

    private Exchange response(String name, Object body) {
        return harness.send(name, e -> {
            e.getIn().setBody(body);
            e.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getIn().setHeader("content-type", "application/json");
            e.getIn().setHeader("content-length", "42");
        });
    }

    private static String body(Exchange exchange) {
        assertThat(exchange.getMessage().getBody()).isInstanceOf(byte[].class);
        return new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
    }

    private static MediationException failure(Exchange exchange) {
        assertThat(exchange.getException()).isInstanceOf(MediationException.class);
        return (MediationException) exchange.getException();
    }

    @Test
    void jsonObjectBecomesXmlUnderDefaultRoot() {
        Exchange result = request("to-xml", "{\"city\":\"Oslo\",\"days\":[1,2],\"wind\":{\"speed\":3.5,\"gusts\":null}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(result.getException()).isNull();
        assertThat(body(result)).isEqualTo(
                "<root><city>Oslo</city><days>1</days><days>2</days><wind><speed>3.5</speed><gusts/></wind></root>");
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/xml");
        assertThat(result.getMessage().getHeader("Content-Length")).isNull();
    }

    @Test
    void rootElementParameterNamesTheRoot() {
        Exchange result = request("to-weather-xml", "{\"city\":\"Oslo\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(body(result)).isEqualTo("<weather><city>Oslo</city></weather>");
    }

    @Test
    void markupInJsonStringsIsEscaped() {
        Exchange result = request("to-xml", "{\"note\":\"<a>&amp;</a>\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(body(result)).isEqualTo("<root><note>&lt;a>&amp;amp;&lt;/a></note></root>");
    }

    @Test
    void keysThatAreNotXmlNamesAreMadeValid() {
        Exchange result = request("to-xml", "{\"a b\":1,\"1st\":2,\"\":3,\"p:q\":4,\"é\":5}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.getException()).isNull();
        assertThat(body(result)).isEqualTo("<root><a_b>1</a_b><_st>2</_st><_>3</_><p_q>4</p_q><_>5</_></root>");
    }

    @Test
    void responseBufferBodyIsConvertedAndSetBackAsBytes() {
        Exchange result = response("to-xml", Buffer.buffer("{\"city\":\"Oslo\"}"));
        assertThat(result.getException()).isNull();
        assertThat(body(result)).isEqualTo("<root><city>Oslo</city></root>");
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/xml");
        assertThat(result.getMessage().getHeader("Content-Length")).isNull();
    }

    @Test
    void responseStringBodyIsConverted() {
        Exchange result = response("to-xml", "{\"city\":\"Oslo\"}");
        assertThat(body(result)).isEqualTo("<root><city>Oslo</city></root>");
    }

    @Test
    void emptyBodyIsLeftAlone() {
        Exchange result = request("to-xml", null);
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getBody()).isNull();
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void requestBodyNotJsonThenInvalidRequest() {
        for (String notJson : new String[] {"<city>Oslo</city>", "{\"city\":", "{} trailing", "{'city':1}"}) {
            MediationException failure = failure(request("to-xml", notJson.getBytes(StandardCharsets.UTF_8)));
            assertThat(failure.status()).isEqualTo(400);
            assertThat(failure.error()).isEqualTo("invalid_request");
            assertThat(failure.getMessage()).doesNotContain("Oslo", "city");
        }
    }

    @Test
    void responseBodyNotJsonThenMediationFailed() {
        MediationException failure = failure(response("to-xml", Buffer.buffer("<html>oops</html>")));
        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.error()).isEqualTo("mediation_failed");
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "[".repeat(65) + "]".repeat(65);
        MediationException failure = failure(request("to-xml", deep.getBytes(StandardCharsets.UTF_8)));
        assertThat(failure.status()).isEqualTo(400);
        assertThat(failure.getMessage()).contains("nested too deeply");
        String notTooDeep = "{\"a\":".repeat(60) + "1" + "}".repeat(60);
        assertThat(request("to-xml", notTooDeep.getBytes(StandardCharsets.UTF_8)).getException()).isNull();
    }

    @Test
    void stringThatXmlCannotCarryIsRefused() {
        MediationException failure = failure(request("to-xml", "{\"a\":\"\\u0000\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(failure.status()).isEqualTo(400);
    }

    @Test
    void invalidRootElementIsAConfigError() {
        harness.instance("json-to-xml", "bad-root", Map.of("rootElement", "a b"));
        Exchange result = request("bad-root", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.getException()).isInstanceOf(MediationConfigException.class).hasMessageContaining("'rootElement'");
    }
}
