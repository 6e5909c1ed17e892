package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped mediators attached to an API by its policy, over real ports, in request, response and fault flows. */
class ShippedMediatorsEndToEndTest extends PolicyTestBase {

    @Test
    void requestFlowRunsItsMediatorsInOrderBeforeTheBackend() {
        policy("{'mediation': {'request': ["
                + "{'mediator': 'set-header', 'parameters': {'header': 'X-Api-Version', 'value': '2'}},"
                + "{'mediator': 'remove-header', 'parameters': {'header': 'User-Agent'}},"
                + "{'mediator': 'rewrite-path', 'parameters': {'pattern': '^/svc/items/(\\\\d+)$', 'replacement': '/svc/v2/item/$1'}}]}}");

        Http.Response response = call("GET", "/items/42", null, "Authorization", "Bearer " + userToken,
                "User-Agent", "caller-agent/1");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.header("X-Api-Version")).isEqualTo("2");
        assertThat(received.header("User-Agent")).isNotEqualTo("caller-agent/1");
        assertThat(received.path()).isEqualTo("/svc/v2/item/42");
    }

    @Test
    void responseFlowShapesTheBackendsAnswer() {
        backend.withResponseHeaders(Map.of("Server", "backend/1.2", "X-Internal-Host", "db-7"));
        policy("{'mediation': {'response': ["
                + "{'mediator': 'remove-header', 'parameters': {'header': 'X-Internal-Host'}},"
                + "{'mediator': 'json-to-xml', 'parameters': {'rootElement': 'answer'}}]}}");

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Internal-Host")).isNull();
        assertThat(response.header("Content-Type")).startsWith("application/xml");
        assertThat(response.body()).contains("<answer>").contains("<ok>true</ok>");
    }

    @Test
    void requestBodyTransformedFromXmlToJson() {
        policy("{'mediation': {'request': ['xml-to-json']}}");

        Http.Response response = call("POST", "/orders", "<order><id>7</id><item>tea</item></order>",
                "Authorization", "Bearer " + userToken, "Content-Type", "application/xml");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.header("Content-Type")).startsWith("application/json");
        assertThat(received.bodyText()).contains("\"id\":\"7\"").contains("\"item\":\"tea\"");
    }

    @Test
    void aRequestBodyLargerThanTheInMemoryBoundIsTransformedAsWell() {
        // past caravan.traffic.body-memory-threshold (64 KiB): the body arrives in a temporary file
        policy("{'mediation': {'request': ['xml-to-json']}}");
        StringBuilder xml = new StringBuilder("<order><id>7</id>");
        for (int i = 0; i < 5000; i++) {
            xml.append("<note>line-").append(i).append("</note>");
        }
        xml.append("</order>");
        assertThat(xml.length()).isGreaterThan(64 * 1024);

        Http.Response response = call("POST", "/orders", xml.toString(),
                "Authorization", "Bearer " + userToken, "Content-Type", "application/xml");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        assertThat(received.header("Content-Type")).startsWith("application/json");
        assertThat(received.bodyText()).contains("\"id\":\"7\"").contains("line-0").contains("line-4999");
    }

    @Test
    void malformedBodyForATransformIs400AndNeverForwarded() {
        policy("{'mediation': {'request': ['json-to-xml']}}");

        Http.Response response = call("POST", "/orders", "{not json", "Authorization", "Bearer " + userToken,
                "Content-Type", "application/json");

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.receivedNothing(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void faultFlowRunsOnTheGatewaysErrorAnswer() {
        policy("{'backendTimeout': '200ms', 'mediation': {'fault': ["
                + "{'mediator': 'set-header', 'parameters': {'header': 'X-Fault', 'value': 'handled-by-fault-flow'}}]}}");
        backend.delay(Duration.ofSeconds(1));

        Http.Response response = call("GET", "/slow", null, "Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.header("X-Fault")).isEqualTo("handled-by-fault-flow");
        assertThat(response.json().path("error").asText()).isEqualTo("backend_timeout");
    }

    @Test
    void parametersThatCouldReadTheGatewaysConfigurationAreRefused() {
        Http.Response response = putPolicy("{'mediation': {'request': [{'mediator': 'set-header',"
                + " 'parameters': {'header': 'X-Leak', 'value': '{{caravan.admin.password}}'}}]}}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("field").asText()).isEqualTo("policy.mediation.request[0].parameters.value");
        assertThat(response.body()).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void badMediatorParametersAreRefusedWhenTheApiIsSaved() {
        Http.Response badHeader = putPolicy("{'mediation': {'request': [{'mediator': 'set-header',"
                + " 'parameters': {'header': 'CamelHttpUri', 'value': 'http://evil'}}]}}");
        Http.Response missing = putPolicy("{'mediation': {'request': [{'mediator': 'set-header',"
                + " 'parameters': {'header': 'X-A'}}]}}");
        Http.Response badRegex = putPolicy("{'mediation': {'request': [{'mediator': 'rewrite-path',"
                + " 'parameters': {'pattern': '([', 'replacement': '/'}}]}}");

        assertThat(badHeader.status()).isEqualTo(400);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("field").asText()).isEqualTo("policy.mediation.request[0].parameters.value");
        assertThat(badRegex.status()).isEqualTo(400);
    }

    @Test
    void adminApiAnswersJsonEvenWhenXmlIsAsked() {
        Http.Response response = Http.get(management("/api/v1/organizations/" + world.organization().name() + "/apis"),
                "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD), "Accept", "application/xml, application/json");

        assertThat(response.header("Content-Type")).startsWith("application/json");
    }
}
