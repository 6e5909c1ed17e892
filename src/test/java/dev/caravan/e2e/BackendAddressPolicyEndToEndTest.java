package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.gateway.ApiRuntimes;
import dev.caravan.testsupport.ByteCountingServer;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The backend address policy on its defaults, over the real ports: the gateway never calls
 * loopback (nor link-local, where cloud metadata answers). An API whose backend URL leads there
 * is refused when it is saved (400 on {@code backendUrl}, saying no more than "an address the
 * gateway does not call"); one stored before (or whose name resolves there only later) is
 * refused when the gateway connects: 502 {@code backend_unavailable}, the connection closed
 * before anything was written on it. The backends here are plain TCP servers that count the
 * bytes they receive.
 */
@TestPropertySource(properties = {
        "spring.datasource.url=jdbc:h2:mem:backend_address_policy;DB_CLOSE_DELAY=-1",
        // the defaults (src/test/resources/application.properties allows loopback for the other tests)
        "caravan.gateway.backend-networks.allowed="})
@ExtendWith(OutputCaptureExtension.class)
class BackendAddressPolicyEndToEndTest extends CaravanTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = Http.basic(ADMIN_USER, ADMIN_PASSWORD);
    private static final String REFUSED = "backendUrl names an address the gateway does not call";
    private static final String REFUSED_HOST = "backendUrl names a host with an address the gateway does not call";

    @Autowired
    private ApiRuntimes runtimes;

    private final ByteCountingServer backend = new ByteCountingServer();

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private Http.Response admin(String method, String path, Object body) {
        try {
            return Http.request(method, management("/api/v1" + path), body == null ? null : JSON.writeValueAsString(body),
                    "Authorization", ADMIN, "Content-Type", "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String organization() {
        String name = "org_" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response created = admin("POST", "/organizations", Map.of("name", name, "displayName", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private static Map<String, Object> api(String context, String backendUrl) {
        return Map.of("name", "API " + context, "context", context, "version", "1", "backendUrl", backendUrl,
                "tiers", List.of("Gold"));
    }

    private static void refused(Http.Response response, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        JsonNode error = response.json();
        assertThat(error.path("error").asText()).isEqualTo("validation_failed");
        assertThat(error.path("field").asText()).isEqualTo("backendUrl");
        assertThat(error.path("message").asText()).isEqualTo(message);
        assertThat(response.body()).doesNotContain("127.0.0.0").doesNotContain("loopback").doesNotContain("caravan.")
                .doesNotContainIgnoringCase("port");
    }

    private Http.Response call(Fixtures.World world, String rest) {
        String token = passwordGrant(world).path("access_token").asText();
        return Http.get(traffic(world.apiPath() + rest), "Authorization", "Bearer " + token);
    }

    @Test
    void anApiOnLoopbackOrLinkLocalIsRefusedAtSaveAndNothingIsStored() {
        String org = organization();
        String port = String.valueOf(backend.port());
        for (String url : List.of("http://127.0.0.1:" + port + "/svc", "http://127.8.9.10:" + port,
                "http://[::1]:" + port + "/svc", "http://[::ffff:127.0.0.1]:" + port, "http://[::ffff:7f00:1]:" + port,
                "http://0.0.0.0:" + port, "http://[::]:" + port, "https://169.254.169.254/latest/meta-data/iam/",
                "http://[::ffff:169.254.169.254]/latest/meta-data/", "http://[fe80::1]/", "http://100.100.100.200/",
                "http://[fd00:ec2::254]/latest/meta-data/", management("/api/v1"), traffic("/oauth2"))) {
            refused(admin("POST", "/organizations/" + org + "/apis", api("/refused", url)), REFUSED);
        }
        for (String url : List.of("http://localhost:" + port + "/svc", "http://LocalHost:" + port,
                "http://2130706433:" + port)) {
            refused(admin("POST", "/organizations/" + org + "/apis", api("/refused", url)), REFUSED_HOST);
        }

        // private networks stay allowed (nothing is called on save); a PUT onto loopback is refused too
        Http.Response created = admin("POST", "/organizations/" + org + "/apis", api("/private", "http://10.255.255.1:9/svc"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asText();
        refused(admin("PUT", "/organizations/" + org + "/apis/" + id, api("/private", "http://127.0.0.1:" + port)), REFUSED);
        refused(admin("PUT", "/organizations/" + org + "/apis/" + id, api("/private", "http://localhost:" + port)),
                REFUSED_HOST);

        JsonNode stored = admin("GET", "/organizations/" + org + "/apis", null).json();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("backendUrl").asText()).isEqualTo("http://10.255.255.1:9/svc");
        assertThat(backend.nextConnection(Duration.ofMillis(200))).as("a connection to the backend").isNull();
    }

    @Test
    void aStoredApiOnLoopbackIsRefusedAtConnectAndItsBackendReceivesNothing() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:" + backend.port() + "/svc");

        Http.Response response = call(world, "/latest/meta-data");

        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.json().path("error").asText()).isEqualTo("backend_unavailable");
        assertThat(response.body()).doesNotContain("127.0.0.1").doesNotContain(String.valueOf(backend.port()));
        assertThat(backend.nextConnection(Duration.ofSeconds(10))).as("bytes the backend received").isZero();
    }

    @Test
    void aStoredApiOnAHostNameThatResolvesToLoopbackIsRefusedAtConnect(CapturedOutput output) {
        // what DNS answers when the gateway connects counts, not what it answered when the API was saved
        Fixtures.World world = fixtures.world("http://localhost:" + backend.port() + "/svc");

        Http.Response response = call(world, "/x");

        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.json().path("error").asText()).isEqualTo("backend_unavailable");
        assertThat(backend.nextConnection(Duration.ofSeconds(10))).as("bytes the backend received").isZero();
        assertThat(output.getOut()).contains("backend connection to 127.0.0.1:" + backend.port()
                + " (host localhost) closed before any request: the address is in a network the gateway does not call");
    }

    @Test
    void storedApisThePolicyRefusesAreReported(CapturedOutput output) {
        Fixtures.World literal = fixtures.world("http://127.0.0.1:" + backend.port() + "/svc");
        Fixtures.World named = fixtures.world("http://localhost:" + backend.port() + "/svc");
        Fixtures.World elsewhere = fixtures.world("http://10.255.255.1:9/svc");

        assertThat(runtimes.reportRefusedBackendAddresses()).isGreaterThanOrEqualTo(2);

        assertThat(output.getOut())
                .contains("API " + literal.api().context() + " " + literal.api().version() + " of organization "
                        + literal.organization().name() + ": its backend 127.0.0.1:" + backend.port()
                        + " is an address the gateway does not call")
                .contains("API " + named.api().context() + " " + named.api().version() + " of organization "
                        + named.organization().name() + ": its backend localhost:" + backend.port()
                        + " resolves to an address the gateway does not call")
                .doesNotContain("API " + elsewhere.api().context() + " ");
    }
}
