package dev.caravan.mediators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.mediation.MediationException;
import dev.caravan.mediation.XmlToJsonMediator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlToJsonTemplateTest {
    private TemplateHarness harness;

    @BeforeEach
    void load() throws Exception {
        harness = TemplateHarness.load("xml-to-json", Map.of("xmlToJsonMediator", new XmlToJsonMediator()));
        harness.instance("xml-to-json", "to-json", Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Exchange request(Object body) {
        return harness.send("to-json", e -> {
            e.getIn().setBody(body);
            e.getIn().setHeader("Content-Type", "application/xml");
            e.getIn().setHeader("Content-Length", "42");
        });
    }

    private Exchange response(Object body) {
        return harness.send("to-json", e -> {
            e.getIn().setBody(body);
            e.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getIn().setHeader("Content-Type", "text/xml");
            e.getIn().setHeader("Content-Length", "42");
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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void xmlBecomesJsonWithRepeatedElementsAsArrays() {
        Exchange result = request(utf8("<?xml version=\"1.0\"?><weather><city>Oslo</city><day>1</day><day>2</day>"
                + "<wind unit=\"m/s\">3.5</wind><empty/></weather>"));
        assertThat(result.getException()).isNull();
        assertThat(body(result)).isEqualTo(
                "{\"city\":\"Oslo\",\"day\":[\"1\",\"2\"],\"wind\":{\"unit\":\"m/s\",\"\":\"3.5\"},\"empty\":\"\"}");
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(result.getMessage().getHeader("Content-Length")).isNull();
    }

    @Test
    void responseBufferBodyIsConvertedAndSetBackAsBytes() {
        Exchange result = response(Buffer.buffer("<w><city>Oslo</city></w>"));
        assertThat(result.getException()).isNull();
        assertThat(body(result)).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(result.getMessage().getHeader("Content-Length")).isNull();
    }

    @Test
    void emptyBodyIsLeftAlone() {
        Exchange result = request(new byte[0]);
        assertThat(result.getException()).isNull();
        assertThat(result.getMessage().getHeader("Content-Type")).isEqualTo("application/xml");
    }

    @Test
    void externalEntityIsRefusedWithoutReadingTheFile(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "XXE-MARKER-7f3a");
        for (String system : new String[] {"file:///etc/passwd", secret.toUri().toString()}) {
            Exchange result = request(utf8("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"" + system + "\">]>"
                    + "<x>&e;</x>"));
            MediationException failure = failure(result);
            assertThat(failure.status()).isEqualTo(400);
            assertThat(failure.error()).isEqualTo("invalid_request");
            assertThat(failure.getMessage()).isEqualTo("a DOCTYPE is not allowed in the XML body")
                    .doesNotContain("root:", "XXE-MARKER");
            assertThat(String.valueOf(result.getMessage().getBody())).doesNotContain("XXE-MARKER");
        }
    }

    @Test
    void externalEntityOverHttpIsNeverFetched() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(300);
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/x.dtd";
            failure(request(utf8("<!DOCTYPE x SYSTEM \"" + url + "\"><x/>")));
            failure(request(utf8("<!DOCTYPE x [<!ENTITY e SYSTEM \"" + url + "\">]><x>&e;</x>")));
            failure(request(utf8("<!DOCTYPE x [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]><x/>")));
            boolean connected;
            try (var ignored = listener.accept()) {
                connected = true;
            } catch (SocketTimeoutException e) {
                connected = false;
            }
            assertThat(connected).as("the parser connected to the entity's URL").isFalse();
        }
    }

    @Test
    void entityExpansionIsRefused() {
        String lol = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;</l>";
        assertThat(failure(request(utf8(lol))).status()).isEqualTo(400);
    }

    @Test
    void undeclaredEntityIsRefused() {
        assertThat(failure(request(utf8("<x>&e;</x>"))).status()).isEqualTo(400);
    }

    @Test
    void deeplyNestedXmlIsRefused() {
        String deep = "<a>".repeat(65) + "</a>".repeat(65);
        MediationException failure = failure(request(utf8(deep)));
        assertThat(failure.status()).isEqualTo(400);
        String notTooDeep = "<a>".repeat(60) + "x" + "</a>".repeat(60);
        assertThat(request(utf8(notTooDeep)).getException()).isNull();
    }

    @Test
    void requestBodyNotXmlThenInvalidRequest() {
        for (String notXml : new String[] {"{\"city\":\"Oslo\"}", "<a><b></a>", "<a>", "just text"}) {
            MediationException failure = failure(request(utf8(notXml)));
            assertThat(failure.status()).isEqualTo(400);
            assertThat(failure.error()).isEqualTo("invalid_request");
            assertThat(failure.getMessage()).doesNotContain("Oslo");
        }
    }

    @Test
    void responseBodyNotXmlThenMediationFailed() {
        MediationException failure = failure(response(Buffer.buffer("{\"city\":\"Oslo\"}")));
        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.error()).isEqualTo("mediation_failed");
        assertThat(failure.getMessage()).doesNotContain("Oslo");
    }

    @Test
    void responseWithDoctypeThenMediationFailed() {
        MediationException failure = failure(response(Buffer.buffer("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")));
        assertThat(failure.status()).isEqualTo(502);
    }
}
