package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.caravan.broker.BrokerProperties;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.InjectionCorpus;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * A publisher of one organization turned hostile. A publisher manages its own organization's
 * APIs, policies, subscriptions, applications and users, and reads its own userstore; it must
 * never reach another organization's APIs, paths, backend security profiles, queues or users, nor
 * the gateway's own paths, ports and admin-only endpoints (nor the cloud's metadata service), and
 * no value it gives is ever evaluated.
 *
 * <p>Two organizations over the real management and traffic ports (H2, the embedded broker, real
 * HTTP backends, an in-memory LDAP directory): the victim, with an API whose calls carry a backend
 * security profile bound to it, a queue-backed API served by its own broker user, an application
 * subscribed to both, users and a directory; and the hostile organization, whose publisher tries
 * every admin-API write that can name something, against the victim's resources and the
 * gateway's own. Each attempt gets its refusal (status and error code). After each family of
 * attempts, the victim, read back by the admin, is exactly as it was and still works (its
 * application's secret, its subscriptions, its profile's credentials on its own backend, its
 * publisher's password), and no answer the hostile publisher got, nor anything its backend
 * received, holds a secret of the gateway or the victim.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePublisherTest extends AdminApiTestBase {
    private static final String ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String VICTIM = "victim_" + ID;
    private static final String HOSTILE = "hostile_" + ID;

    private static final String PROFILE = "victim-backend";
    private static final String PROFILE_USER = "victim-gateway";
    private static final String PROFILE_PASSWORD = "victim-profile-Secret-3141";
    private static final String PROFILE_BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((PROFILE_USER + ":" + PROFILE_PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String PROFILE_HEADER = "X-Victim-Key";
    private static final String PROFILE_HEADER_VALUE = "victim-header-Secret-2718";
    private static final String BROKER_PASSWORD = "broker-Secret-1618";
    private static final String CONSUMER = "victim-orders";
    private static final String CONSUMER_PASSWORD = "victim-consumer-Secret-1414";
    private static final String SECRETS_KEY = Base64.getEncoder()
            .encodeToString("hostile-publisher-suite-key-0032".getBytes(StandardCharsets.UTF_8));
    private static final String BIND_DN = "cn=gateway,dc=victim,dc=example";
    private static final String BIND_PASSWORD = "victim-bind-Secret-1732";
    private static final String VICTIM_PASSWORD = "victim-user-Secret-5772";

    private static final String QUEUE = "orders";
    private static final String MAPS_CONTEXT = "/vmaps_" + ID + "/eu";
    private static final String ORDERS_CONTEXT = "/vorders_" + ID;
    private static final String TOOLS_CONTEXT = "/htools_" + ID;
    /** A user route's path on the traffic port (the operator's file). */
    private static final String ROUTE_PATH = "/ops_" + ID + "/status";

    private static final int BROKER_PORT = freePort();
    private static final TestBackend VICTIM_BACKEND = new TestBackend();
    private static final TestBackend HOSTILE_BACKEND = new TestBackend();
    private static final Path ROUTES = userRoutes();

    @Autowired
    private BrokerProperties broker;
    @Autowired
    private CamelContext camel;

    private InMemoryDirectoryServer directory;
    private String v;
    private String h;
    private String mapsId;
    private String ordersId;
    private String shopKey;
    private String shopSecret;
    private String mapsSubscriptionId;
    private String toolsId;
    private String toolsToken;
    private String hostileAuth;
    private Map<String, String> victimBefore;
    /** Everything the hostile side was answered, in order. */
    private final List<String> seen = new ArrayList<>();

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path userRoutes() {
        try {
            Path dir = Files.createTempDirectory("caravan-hostile-routes");
            Files.writeString(dir.resolve("ops.yaml"), """
                    - route:
                        id: ops-status
                        from:
                          uri: caravan-http:%s
                          steps:
                            - setBody:
                                constant: "operator's route"
                    """.formatted(ROUTE_PATH));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        // its own database: the shared one holds keys sealed with another caravan.secrets.key
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:hostile_publisher_" + ID + ";DB_CLOSE_DELAY=-1");
        String profile = "caravan.backend-security." + PROFILE;
        registry.add(profile + ".organizations[0]", () -> VICTIM);
        registry.add(profile + ".hosts[0]", () -> VICTIM_BACKEND.baseUrl().substring("http://".length()));
        registry.add(profile + ".basic.username", () -> PROFILE_USER);
        registry.add(profile + ".basic.password", () -> PROFILE_PASSWORD);
        registry.add(profile + ".header.name", () -> PROFILE_HEADER);
        registry.add(profile + ".header.value", () -> PROFILE_HEADER_VALUE);
        registry.add("caravan.broker.password", () -> BROKER_PASSWORD);
        registry.add("caravan.broker.consumers." + CONSUMER + ".password", () -> CONSUMER_PASSWORD);
        registry.add("caravan.broker.consumers." + CONSUMER + ".organization", () -> VICTIM);
        registry.add("caravan.broker.consumers." + CONSUMER + ".queues[0]", () -> QUEUE);
        registry.add("caravan.secrets.key", () -> SECRETS_KEY);
        registry.add("caravan.mediation.routes-dir", ROUTES::toString);
        registry.add("caravan.mediation.reload-interval", () -> "100ms");
        // the broker's acceptor listens: it is one of the gateway's own ports
        registry.add("caravan.broker.tcp.enabled", () -> true);
        registry.add("caravan.broker.tcp.port", () -> BROKER_PORT);
    }

    /** Every secret the hostile side must never see. */
    private List<String> secrets() {
        return List.of(ADMIN_PASSWORD, PROFILE_PASSWORD, PROFILE_BASIC.substring("Basic ".length()), PROFILE_HEADER_VALUE,
                BROKER_PASSWORD, CONSUMER_PASSWORD, SECRETS_KEY, BIND_PASSWORD, VICTIM_PASSWORD, shopSecret,
                // not a secret to the victim's own publishers, but nothing the hostile one may learn
                shopKey, InjectionCorpus.PASSWD_LINE);
    }

    // ------------------------------------------------------------------ the two organizations

    @BeforeAll
    void twoOrganizations() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=victim,dc=example");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=victim,dc=example", "objectClass: domain", "dc: victim");
        directory.add("dn: ou=people,dc=victim,dc=example", "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: " + BIND_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: gateway",
                "sn: gateway", "userPassword: " + BIND_PASSWORD);
        directory.add("dn: uid=lee,ou=people,dc=victim,dc=example", "objectClass: inetOrgPerson", "uid: lee", "cn: Lee",
                "sn: Lee", "userPassword: " + VICTIM_PASSWORD);
        directory.startListening();

        v = "/organizations/" + VICTIM;
        h = "/organizations/" + HOSTILE;
        expect(post("/organizations", json("name", VICTIM, "displayName", "The victim")), 201);
        expect(post("/organizations", json("name", HOSTILE, "displayName", "The hostile one")), 201);

        newUser(VICTIM, "vpub", VICTIM_PASSWORD, List.of("publisher"));
        newUser(VICTIM, "vsub", VICTIM_PASSWORD, List.of("subscriber"));
        newUser(VICTIM, "Ada", VICTIM_PASSWORD, List.of());
        mapsId = expect(post(v + "/apis", api("Victim Maps", MAPS_CONTEXT, "1.0", VICTIM_BACKEND.baseUrl() + "/svc",
                "{\"backendSecurity\":\"" + PROFILE + "\"}")), 201).json().path("id").asText();
        ordersId = expect(post(v + "/apis", api("Victim Orders", ORDERS_CONTEXT, "1", "queue:" + QUEUE,
                "{\"queue\":{\"mode\":\"request-reply\",\"timeout\":\"5s\"}}")), 201).json().path("id").asText();
        JsonNode shop = expect(post(v + "/applications", json("name", "shop", "owner", "vsub")), 201).json();
        shopKey = shop.path("consumerKey").asText();
        shopSecret = shop.path("consumerSecret").asText();
        mapsSubscriptionId = expect(post(v + "/applications/shop/subscriptions", json("apiId", mapsId, "tier", "Gold")),
                201).json().path("id").asText();
        expect(post(v + "/applications/shop/subscriptions", json("apiId", ordersId, "tier", "Gold")), 201);
        expect(put(v + "/userstore", json("kind", "ldap", "timeout", "3s", "ldap", Map.of(
                "urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()), "bindDn", BIND_DN,
                "bindPassword", BIND_PASSWORD, "userSearchBase", "ou=people,dc=victim,dc=example"))), 201);

        newUser(HOSTILE, "mallory", PASSWORD, List.of("publisher", "subscriber"));
        hostileAuth = basic("mallory@" + HOSTILE, PASSWORD);
        toolsId = expect(post(h + "/apis", api("Tools", TOOLS_CONTEXT, "1", HOSTILE_BACKEND.baseUrl() + "/svc", null)),
                201).json().path("id").asText();
        JsonNode tools = expect(post(h + "/applications", json("name", "tools", "owner", "mallory")), 201).json();
        expect(post(h + "/applications/tools/subscriptions", json("apiId", toolsId, "tier", "Gold")), 201);
        toolsToken = expect(clientCredentialsToken(tools.path("consumerKey").asText(),
                tools.path("consumerSecret").asText()), 200).json().path("access_token").asText();

        Poll.until(Duration.ofSeconds(20), () -> get("/mediation/files").body(), files -> files.contains("\"LOADED\""));
        assertThat(Http.get(traffic(ROUTE_PATH)).body()).isEqualTo("operator's route");
        victimBefore = victimState();
    }

    @AfterAll
    void stopServers() throws IOException {
        if (directory != null) {
            directory.shutDown(true);
        }
        VICTIM_BACKEND.close();
        HOSTILE_BACKEND.close();
        FileSystemUtils.deleteRecursively(ROUTES);
    }

    /** The hostile organization's API back on its own backend, without a policy; both backends forget. */
    @BeforeEach
    void hostileApiOnItsOwnBackend() {
        expect(put(h + "/apis/" + toolsId, api("Tools", TOOLS_CONTEXT, "1", HOSTILE_BACKEND.baseUrl() + "/svc", null)), 200);
        HOSTILE_BACKEND.clear();
        VICTIM_BACKEND.clear();
        seen.clear();
    }

    /** Everything of the victim that the admin API shows. */
    private Map<String, String> victimState() {
        Map<String, String> state = new LinkedHashMap<>();
        for (String path : List.of("", "/users", "/applications", "/applications/shop/subscriptions", "/apis",
                "/apis/" + mapsId, "/userstore")) {
            state.put(path, expect(get(v + path), 200).body());
        }
        return state;
    }

    @AfterEach
    void theVictimIsAsItWasAndStillWorksAndNoSecretReachedTheHostileSide() {
        assertThat(victimState()).isEqualTo(victimBefore);

        // its application's secret and subscription, and its profile on its own backend
        String token = expect(clientCredentialsToken(shopKey, shopSecret), 200).json().path("access_token").asText();
        VICTIM_BACKEND.clear();
        expect(Http.get(traffic(MAPS_CONTEXT + "/1.0/tiles"), "Authorization", "Bearer " + token), 200);
        TestBackend.Received received = VICTIM_BACKEND.take();
        assertThat(received.path()).isEqualTo("/svc/tiles");
        assertThat(received.header("Authorization")).isEqualTo(PROFILE_BASIC);
        assertThat(received.header(PROFILE_HEADER)).isEqualTo(PROFILE_HEADER_VALUE);
        // its publisher's password
        expect(call("GET", v, null, basic("vpub@" + VICTIM, VICTIM_PASSWORD)), 200);

        StringBuilder everything = new StringBuilder(String.join("\n", seen));
        for (TestBackend.Received request : HOSTILE_BACKEND.drain()) {
            everything.append('\n').append(describe(request));
        }
        for (String secret : secrets()) {
            assertThat(everything.toString()).as("what the hostile side saw").doesNotContain(secret);
        }
    }

    // ------------------------------------------------------------------ the hostile publisher

    private Http.Response hostile(String method, String path, String body) {
        return seen(method + " " + path, call(method, path, body, hostileAuth));
    }

    /** A call of the hostile organization's API with its application's token. */
    private Http.Response hostileCall(String method, String rest, String body) {
        return seen(method + " " + TOOLS_CONTEXT + "/1" + rest, Http.request(method, traffic(TOOLS_CONTEXT + "/1" + rest),
                body, "Authorization", "Bearer " + toolsToken, "Content-Type", "application/json"));
    }

    private Http.Response seen(String request, Http.Response response) {
        seen.add(request + " -> " + response.status() + " " + response.headers().map() + " " + response.body());
        return response;
    }

    private static String describe(TestBackend.Received request) {
        return request.method() + " " + request.path() + "?" + request.query() + " " + request.headers() + " "
                + request.bodyText();
    }

    /** Asserts the status and error code, and returns the error body. */
    private static JsonNode refused(Http.Response response, int status, String error) {
        expect(response, status);
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).as(response.body()).isEqualTo(error);
        return body;
    }

    private static void forbidden(Http.Response response) {
        JsonNode body = refused(response, 403, "forbidden");
        assertThat(body.path("message").asText()).doesNotContain(VICTIM);
    }

    private static JsonNode invalid(Http.Response response, String field) {
        JsonNode body = refused(response, 400, "validation_failed");
        assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
        return body;
    }

    /** An API body; {@code policy} is JSON or null. */
    private static String api(String name, String context, String version, String backendUrl, String policy) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name).put("context", context).put("version", version).put("backendUrl", backendUrl);
        body.putArray("tiers").add("Gold");
        if (policy != null) {
            try {
                body.set("policy", JSON.readTree(policy));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body.toString();
    }

    private Http.Response putTools(String backendUrl, String policy) {
        return hostile("PUT", h + "/apis/" + toolsId, api("Tools", TOOLS_CONTEXT, "1", backendUrl, policy));
    }

    private List<String> hostileApiIds() {
        List<String> ids = new ArrayList<>();
        expect(get(h + "/apis"), 200).json().forEach(api -> ids.add(api.path("id").asText()));
        return ids;
    }

    // ------------------------------------------------------------------ APIs

    @Test
    void theVictimsApisCanBeNeitherReadNorReplacedNorDeletedUnderEitherOrganizationsPath() {
        String hijack = api("Hijacked", MAPS_CONTEXT, "1.0", HOSTILE_BACKEND.baseUrl() + "/svc", null);
        for (String id : List.of(mapsId, ordersId)) {
            forbidden(hostile("GET", v + "/apis/" + id, null));
            forbidden(hostile("PUT", v + "/apis/" + id, hijack));
            forbidden(hostile("DELETE", v + "/apis/" + id, null));
            refused(hostile("GET", h + "/apis/" + id, null), 404, "not_found");
            refused(hostile("PUT", h + "/apis/" + id, hijack), 404, "not_found");
            refused(hostile("DELETE", h + "/apis/" + id, null), 404, "not_found");
        }
        forbidden(hostile("GET", v + "/apis", null));
        forbidden(hostile("POST", v + "/apis", api("Planted", "/planted_" + ID, "1", HOSTILE_BACKEND.baseUrl(), null)));
        // nor can the hostile's own API move onto the victim's paths
        invalid(hostile("PUT", h + "/apis/" + toolsId, api("Tools", MAPS_CONTEXT, "1.0", HOSTILE_BACKEND.baseUrl(), null)),
                "context");
        invalid(hostile("PUT", h + "/apis/" + toolsId, api("Tools", TOOLS_CONTEXT, "2", HOSTILE_BACKEND.baseUrl(), null)),
                "version");

        JsonNode own = expect(hostile("GET", h + "/apis", null), 200).json();
        assertThat(own).hasSize(1);
        assertThat(own.get(0).path("id").asText()).isEqualTo(toolsId);
    }

    @Test
    void noNewApiMayShadowOrBeShadowedByTheVictimsPathsNorTakeTheGatewaysOwn() {
        String backend = HOSTILE_BACKEND.baseUrl() + "/svc";
        // the victim's maps API serves /vmaps/eu/1.0/..., its orders API /vorders/1/...
        Map<String, String[]> overlapping = new LinkedHashMap<>();
        overlapping.put("the same paths", new String[] {MAPS_CONTEXT, "1.0"});
        overlapping.put("a prefix of them", new String[] {"/vmaps_" + ID, "eu"});
        overlapping.put("paths under them", new String[] {MAPS_CONTEXT + "/1.0", "v2"});
        overlapping.put("paths under the queue API's", new String[] {ORDERS_CONTEXT + "/1", "x"});
        overlapping.forEach((what, path) -> {
            Http.Response refused = hostile("POST", h + "/apis", api("Shadow", path[0], path[1], backend, null));
            JsonNode error = refused(refused, 409, "conflict");
            assertThat(error.path("field").asText()).as(what).isEqualTo("context");
            assertThat(error.path("message").asText()).as(what)
                    .isEqualTo("paths under " + path[0] + "/" + path[1] + "/ are already served by another API");
            assertThat(refused.body()).as(what).doesNotContain(VICTIM).doesNotContain(mapsId).doesNotContain(ordersId)
                    .doesNotContain("Victim").doesNotContain(VICTIM_BACKEND.baseUrl());
        });

        // the traffic port's own endpoints, in any case
        for (String[] own : new String[][] {{"/oauth2", "token"}, {"/oauth2/token", "1"}, {"/oauth2", "jwks"},
                {"/.well-known", "oauth-authorization-server"}, {"/OAuth2", "token"}, {"/token", "1"}, {"/revoke", "1"},
                {"/Token", "v1"}}) {
            invalid(hostile("POST", h + "/apis", api("Own", own[0], own[1], backend, null)), "context");
        }
        // an operator's user route: its path is the route's, named in no answer
        String[] route = ROUTE_PATH.substring(1).split("/");
        Http.Response underRoute = hostile("POST", h + "/apis", api("Route", "/" + route[0], route[1], backend, null));
        JsonNode error = refused(underRoute, 409, "conflict");
        assertThat(error.path("field").asText()).isEqualTo("context");
        assertThat(error.path("message").asText())
                .isEqualTo("paths under " + ROUTE_PATH + "/ are already served by a route of the gateway");
        assertThat(underRoute.body()).doesNotContain("ops-status").doesNotContain("ops.yaml").doesNotContain(ROUTES.toString());

        assertThat(hostileApiIds()).containsExactly(toolsId);
        assertThat(Http.get(traffic(ROUTE_PATH)).body()).isEqualTo("operator's route");
        expect(Http.postForm(traffic("/token"), Http.basic(shopKey, shopSecret), Http.params("grant_type",
                "client_credentials")), 200);
        expect(Http.get(traffic("/.well-known/oauth-authorization-server")), 200);
    }

    // ------------------------------------------------------------------ backend URLs and profiles

    @Test
    void theHostileApiMayCallTheVictimsBackendButNeverWithTheVictimsProfile() throws Exception {
        String victimsBackend = VICTIM_BACKEND.baseUrl() + "/svc";
        String unknownMessage = invalid(putTools(victimsBackend, "{\"backendSecurity\":\"no-such-profile\"}"),
                "policy.backendSecurity").path("message").asText();
        assertThat(unknownMessage).isEqualTo("policy.backendSecurity names no backend security profile available to this API");

        // the profile by name, in another case, towards the victim's backend or the hostile's own
        for (String profile : List.of(PROFILE, PROFILE.toUpperCase())) {
            for (String backend : List.of(victimsBackend, HOSTILE_BACKEND.baseUrl() + "/svc")) {
                Http.Response refused = putTools(backend, "{\"backendSecurity\":\"" + profile + "\"}");
                assertThat(invalid(refused, "policy.backendSecurity").path("message").asText()).isEqualTo(unknownMessage);
                assertThat(refused.body()).doesNotContain(VICTIM);
            }
        }
        Http.Response created = hostile("POST", h + "/apis", api("Steal", "/steal_" + ID, "1", victimsBackend,
                "{\"backendSecurity\":\"" + PROFILE + "\"}"));
        assertThat(invalid(created, "policy.backendSecurity").path("message").asText()).isEqualTo(unknownMessage);
        assertThat(hostileApiIds()).containsExactly(toolsId);

        // the victim's backend is just a URL: the hostile API's calls reach it as the hostile's own
        expect(putTools(victimsBackend, null), 200);
        expect(hostileCall("GET", "/tiles", null), 200);
        TestBackend.Received received = VICTIM_BACKEND.take();
        String everything = describe(received);
        assertThat(everything).doesNotContain(PROFILE_PASSWORD).doesNotContain(PROFILE_BASIC.substring(6))
                .doesNotContain(PROFILE_HEADER_VALUE);
        assertThat(received.header("Authorization")).isNull();
        assertThat(received.header(PROFILE_HEADER)).isNull();
        // and the gateway's assertion names the hostile API and organization, which the victim's backend can refuse
        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks")).verify(received.header("X-JWT-Assertion"));
        assertThat(claims.getAudience()).containsExactly(TOOLS_CONTEXT + "/1");
        assertThat(claims.getStringClaim(BackendJwtVerifier.DIALECT + "organization")).isEqualTo(HOSTILE);
    }

    /** A 400 on {@code backendUrl} that says no more than that the gateway does not call the address. */
    private static void notCalled(Http.Response response, String url) {
        String message = invalid(response, "backendUrl").path("message").asText();
        assertThat(message).as(url).isIn("backendUrl names an address the gateway does not call",
                "backendUrl names a host with an address the gateway does not call");
    }

    @Test
    void noBackendUrlLeadsToTheGatewaysOwnPortsOrTheCloudsMetadata() {
        // this suite allows loopback as a backend network (its backends listen there); the
        // gateway's own ports on its own addresses stay refused whatever is allowed
        int managementPort = java.net.URI.create(management("/")).getPort();
        List<String> urls = new ArrayList<>(List.of(management("/api/v1"), management("/actuator"), traffic("/oauth2"),
                "http://127.0.0.1:" + BROKER_PORT, "http://localhost:" + managementPort + "/api/v1",
                "http://127.0.0.2:" + managementPort + "/actuator", "http://[::ffff:127.0.0.1]:" + managementPort,
                "http://[::1]:" + managementPort, "http://0.0.0.0:" + managementPort, "http://[::]:" + trafficPort(),
                // link-local (cloud metadata), in IPv4 and IPv6 forms; metadata outside link-local
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://[::ffff:169.254.169.254]/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/computeMetadata/v1/",
                "http://[64:ff9b::169.254.169.254]/", "http://[fe80::a9fe:a9fe]/", "http://[fd00:ec2::254]/latest/meta-data/",
                "http://100.100.100.200/latest/meta-data/",
                // multicast, broadcast
                "http://224.0.0.1/", "http://255.255.255.255/", "http://[ff02::1]/"));
        for (String url : urls) {
            notCalled(putTools(url + "/svc", null), url);
            notCalled(hostile("POST", h + "/apis", api("Own", "/own_" + ID, "1", url, null)), url);
        }
        assertThat(hostileApiIds()).containsExactly(toolsId);
        // the hostile API is still on its own backend
        expect(hostileCall("GET", "/tiles", null), 200);
        assertThat(HOSTILE_BACKEND.take().path()).isEqualTo("/svc/tiles");
        for (String answer : seen) {
            assertThat(answer).doesNotContain("loopback").doesNotContain("link-local").doesNotContain("caravan.gateway");
        }
    }

    @Test
    void queueUrlsNameOnlyTheHostilesOwnNamespaceNeverTheVictimsQueueNorTheBrokers() throws Exception {
        for (String name : List.of(VICTIM + "/" + QUEUE, "../" + VICTIM + "/" + QUEUE, "/" + VICTIM + "/" + QUEUE,
                VICTIM + "::" + QUEUE, QUEUE + "::" + VICTIM, "DLQ", "dlq", "ExpiryQueue", "caravan.userstore." + VICTIM,
                "caravan.audit.security", "Caravan.audit.api", "activemq.management", "ActiveMQ.notifications",
                "$sys.mqtt", "$SYS", QUEUE + ".#", QUEUE + ".*", "#", "*", "", " " + QUEUE, QUEUE + " ",
                "%2e%2e/" + VICTIM + "/" + QUEUE)) {
            invalid(putTools("queue:" + name, null), "backendUrl");
        }
        for (String name : List.of(VICTIM + "/" + QUEUE, "DLQ", "caravan.userstore." + VICTIM)) {
            invalid(hostile("POST", h + "/apis", api("Queue", "/q_" + ID, "1", "queue:" + name, null)), "backendUrl");
        }
        invalid(putTools("QUEUE:" + QUEUE, null), "backendUrl");
        invalid(putTools("jms:queue:" + VICTIM + "/" + QUEUE, null), "backendUrl");
        assertThat(hostileApiIds()).containsExactly(toolsId);

        // the victim's own system serves its queue with its own broker user
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        ActiveMQConnectionFactory victimsSystem = new ActiveMQConnectionFactory(broker.url(), CONSUMER, CONSUMER_PASSWORD);
        try (JMSContext jms = victimsSystem.createContext(JMSContext.AUTO_ACKNOWLEDGE);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(VICTIM + "/" + QUEUE))) {
            consumer.setMessageListener(request -> {
                try {
                    served.add(request.getStringProperty("GatewayApi"));
                    TextMessage reply = jms.createTextMessage("{\"servedBy\":\"victim\"}");
                    reply.setJMSCorrelationID(request.getJMSCorrelationID() != null ? request.getJMSCorrelationID()
                            : request.getJMSMessageID());
                    jms.createProducer().send(request.getJMSReplyTo(), reply);
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });

            // the same name is the hostile organization's own queue, where the victim's system never listens
            expect(putTools("queue:" + QUEUE, "{\"queue\":{\"mode\":\"request-reply\",\"timeout\":\"1s\"}}"), 200);
            Http.Response answer = hostileCall("POST", "/orders", "{\"n\":1}");
            assertThat(refused(answer, 504, "backend_timeout").toString()).doesNotContain("victim");

            String token = expect(clientCredentialsToken(shopKey, shopSecret), 200).json().path("access_token").asText();
            Http.Response own = Http.request("POST", traffic(ORDERS_CONTEXT + "/1/orders"), "{\"n\":2}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            assertThat(own.body()).isEqualTo("{\"servedBy\":\"victim\"}");
            assertThat(served).containsExactly(ORDERS_CONTEXT + "/1");
        } finally {
            victimsSystem.close();
        }
    }

    // ------------------------------------------------------------------ mediators and their parameters

    /** A value each shipped mediator parameter accepts, to go beside the one under test. */
    private static final Map<String, String> ACCEPTED = Map.of("header", "X-Corpus", "value", "v",
            "pattern", "items$", "replacement", "/svc/rewritten", "rootElement", "doc");

    private Http.Response putMediator(String slot, String mediator, Map<String, String> parameters) {
        ObjectNode policy = JSON.createObjectNode();
        ObjectNode ref = policy.putObject("mediation").putArray(slot).addObject();
        ref.put("mediator", mediator);
        ObjectNode values = ref.putObject("parameters");
        parameters.forEach(values::put);
        return putTools(HOSTILE_BACKEND.baseUrl() + "/svc", policy.toString());
    }

    /** The mediators the gateway ships, by id, with their parameters other than the gateway's name. */
    private Map<String, List<String>> shippedMediators() {
        Map<String, List<String>> shipped = new LinkedHashMap<>();
        for (RouteTemplateDefinition template : camel.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteTemplateDefinitions()) {
            if (template.getResource() != null && template.getResource().getLocation().contains("caravan/mediators/")) {
                List<String> parameters = new ArrayList<>();
                for (RouteTemplateParameterDefinition parameter : template.getTemplateParameters()) {
                    if (!parameter.getName().equals("name")) {
                        parameters.add(parameter.getName());
                    }
                }
                shipped.put(template.getId(), parameters);
            }
        }
        return shipped;
    }

    @Test
    void everyShippedMediatorKeepsInjectedValuesAsDataAndTheGatewaysOwnTemplatesAreNoMediators() {
        Map<String, List<String>> shipped = shippedMediators();
        assertThat(shipped).containsKeys("set-header", "remove-header", "rewrite-path", "json-to-xml", "xml-to-json",
                "swap-authorization-headers");
        // what ${sysenv.PATH} would turn into
        String searchPath = System.getenv("PATH") == null ? ADMIN_PASSWORD : System.getenv("PATH");
        int accepted = 0;
        for (Map.Entry<String, List<String>> mediator : shipped.entrySet()) {
            for (String parameter : mediator.getValue()) {
                for (String value : InjectionCorpus.VALUES) {
                    Map<String, String> parameters = new LinkedHashMap<>();
                    for (String other : mediator.getValue()) {
                        assertThat(ACCEPTED).as("an accepted value of %s.%s", mediator.getKey(), other).containsKey(other);
                        parameters.put(other, ACCEPTED.get(other));
                    }
                    parameters.put(parameter, value);
                    Http.Response saved = putMediator("request", mediator.getKey(), parameters);
                    String what = mediator.getKey() + "." + parameter + " = " + value;
                    if (saved.status() == 400) {
                        assertThat(refused(saved, 400, "validation_failed").path("field").asText()).as(what)
                                .isEqualTo("policy.mediation.request[0].parameters." + parameter);
                        continue;
                    }
                    expect(saved, 200);
                    accepted++;
                    expect(hostileCall("POST", "/items", "{\"a\":1}"), 200);
                    TestBackend.Received received = HOSTILE_BACKEND.take();
                    seen.add(describe(received));
                    assertThat(describe(received)).as(what).doesNotContain(ADMIN_PASSWORD).doesNotContain(searchPath);
                    if (parameter.equals("value")) {
                        assertThat(received.header("X-Corpus")).as(what).isEqualTo(value);
                    }
                }
            }
            // the instance's endpoint name is the gateway's
            for (String value : List.of("${properties:caravan.admin.password}", "api-gateway", "userstore-verification-x")) {
                Map<String, String> parameters = new LinkedHashMap<>();
                mediator.getValue().forEach(other -> parameters.put(other, ACCEPTED.get(other)));
                parameters.put("name", value);
                invalid(putMediator("request", mediator.getKey(), parameters), "policy.mediation.request[0].parameters.name");
            }
        }
        assertThat(accepted).as("corpus values that reached the backend as data").isPositive();

        // the gateway's own template would consume the victim's login requests; route ids, expressions: no mediators
        for (String slot : List.of("request", "response", "fault")) {
            invalid(putMediator(slot, "userstore-verification", Map.of("organization", VICTIM, "consumers", "1")),
                    "policy.mediation." + slot + "[0]");
        }
        for (String mediator : List.of("api-gateway", "ops-status", "token-api", "Set-Header")) {
            invalid(putMediator("request", mediator, Map.of()), "policy.mediation.request[0]");
        }
        for (String mediator : List.of("direct:api-gateway", "${properties:caravan.admin.password}",
                "{{caravan.admin.password}}", "../mediators/set-header")) {
            Http.Response refused = putMediator("request", mediator, Map.of());
            assertThat(invalid(refused, "policy.mediation.request[0].mediator").path("message").asText())
                    .doesNotContain(mediator);
        }
    }

    // ------------------------------------------------------------------ subscriptions

    @Test
    void subscriptionsNeverCrossOrganizations() {
        String unknownMessage = invalid(hostile("POST", h + "/applications/tools/subscriptions",
                json("apiId", UUID.randomUUID().toString(), "tier", "Gold")), "apiId").path("message").asText();
        for (String id : List.of(mapsId, ordersId)) {
            Http.Response refused = hostile("POST", h + "/applications/tools/subscriptions", json("apiId", id, "tier", "Gold"));
            assertThat(invalid(refused, "apiId").path("message").asText()).isEqualTo(unknownMessage);
        }
        // the victim's application, by its path or by name under the hostile organization
        forbidden(hostile("POST", v + "/applications/shop/subscriptions", json("apiId", toolsId, "tier", "Gold")));
        forbidden(hostile("GET", v + "/applications/shop/subscriptions", null));
        forbidden(hostile("DELETE", v + "/applications/shop/subscriptions/" + mapsSubscriptionId, null));
        refused(hostile("POST", h + "/applications/shop/subscriptions", json("apiId", toolsId, "tier", "Gold")),
                404, "not_found");
        invalid(hostile("POST", h + "/applications/tools/subscriptions", json("apiId", toolsId, "tier", "Gold",
                "application", "shop")), "application");
        refused(hostile("DELETE", h + "/applications/shop/subscriptions/" + mapsSubscriptionId, null), 404, "not_found");
        refused(hostile("DELETE", h + "/applications/tools/subscriptions/" + mapsSubscriptionId, null), 404, "not_found");
        assertThat(expect(hostile("GET", h + "/applications/tools/subscriptions", null), 200).json()).hasSize(1);

        // and the hostile application's token reaches no API of the victim
        for (String path : List.of(MAPS_CONTEXT + "/1.0/tiles", ORDERS_CONTEXT + "/1/orders")) {
            Http.Response call = seen("GET " + path, Http.get(traffic(path), "Authorization", "Bearer " + toolsToken));
            assertThat(call.status()).as(path).isEqualTo(403);
        }
        assertThat(VICTIM_BACKEND.receivedNothing(Duration.ofMillis(200))).isTrue();
    }

    // ------------------------------------------------------------------ applications

    @Test
    void theVictimsApplicationsCanBeNeitherCreatedNorReadNorRegeneratedNorDeleted() {
        forbidden(hostile("POST", v + "/applications", json("name", "planted", "owner", "vsub")));
        forbidden(hostile("GET", v + "/applications", null));
        forbidden(hostile("GET", v + "/applications/shop", null));
        forbidden(hostile("POST", v + "/applications/shop/secret", null));
        forbidden(hostile("DELETE", v + "/applications/shop", null));
        refused(hostile("GET", h + "/applications/shop", null), 404, "not_found");
        refused(hostile("POST", h + "/applications/shop/secret", null), 404, "not_found");
        refused(hostile("DELETE", h + "/applications/shop", null), 404, "not_found");

        // a victim user as owner is refused like an unknown one
        String unknownMessage = invalid(hostile("POST", h + "/applications", json("name", "x", "owner", "nobody")), "owner")
                .path("message").asText();
        for (String owner : List.of("vsub", "vsub@" + VICTIM, "Ada")) {
            assertThat(invalid(hostile("POST", h + "/applications", json("name", "x", "owner", owner)), "owner")
                    .path("message").asText()).isEqualTo(unknownMessage);
        }
        // the victim's application's name is free in another organization, and shares nothing with it
        JsonNode twin = expect(hostile("POST", h + "/applications", json("name", "shop", "owner", "mallory")), 201).json();
        assertThat(twin.path("consumerKey").asText()).isNotEqualTo(shopKey);
        expect(hostile("POST", h + "/applications/shop/secret", null), 200);
        expect(hostile("DELETE", h + "/applications/shop", null), 204);

        // the hostile application gets no token for a victim user, whose password the hostile one may know
        JsonNode tools = expect(hostile("POST", h + "/applications/tools/secret", null), 200).json();
        for (String username : List.of("Ada@" + VICTIM, "vpub@" + VICTIM, "lee@" + VICTIM)) {
            Http.Response grant = seen("password grant " + username, passwordToken(tools.path("consumerKey").asText(),
                    tools.path("consumerSecret").asText(), username, VICTIM_PASSWORD));
            assertThat(grant.status()).as(username).isEqualTo(400);
            assertThat(grant.json().path("error").asText()).isEqualTo("invalid_grant");
        }
        toolsToken = expect(clientCredentialsToken(tools.path("consumerKey").asText(), tools.path("consumerSecret").asText()),
                200).json().path("access_token").asText();
    }

    // ------------------------------------------------------------------ users

    @Test
    void theVictimsUsersCanBeNeitherCreatedNorChangedNorDeletedAndNoNameOrRoleReachesBeyondTheHostilesOwn() {
        forbidden(hostile("POST", v + "/users", json("username", "mole", "password", PASSWORD, "roles", List.of("publisher"))));
        forbidden(hostile("GET", v + "/users", null));
        for (String user : List.of("vpub", "vsub", "Ada", "ada")) {
            forbidden(hostile("GET", v + "/users/" + user, null));
            forbidden(hostile("PATCH", v + "/users/" + user, json("password", "Takeover-123!")));
            forbidden(hostile("PATCH", v + "/users/" + user, json("roles", List.of("publisher", "subscriber"))));
            forbidden(hostile("DELETE", v + "/users/" + user, null));
            refused(hostile("PATCH", h + "/users/" + user, json("password", "Takeover-123!")), 404, "not_found");
            refused(hostile("DELETE", h + "/users/" + user, null), 404, "not_found");
        }
        refused(hostile("PATCH", h + "/users/vpub@" + VICTIM, json("enabled", false)), 404, "not_found");

        // names in the hostile's own organization: one person per name, whatever its case, spaces or form
        for (String twin : List.of("MALLORY", "Mallory", " mallory", "mallory ", " MalLory  ")) {
            JsonNode error = refused(hostile("POST", h + "/users", json("username", twin, "password", PASSWORD,
                    "roles", List.of("publisher"))), 409, "conflict");
            assertThat(error.path("field").asText()).isEqualTo("username");
        }
        expect(hostile("POST", h + "/users", json("username", "zo\u00eb", "password", PASSWORD)), 201);
        refused(hostile("POST", h + "/users", json("username", "zoe\u0308", "password", PASSWORD)), 409, "conflict");
        invalid(hostile("POST", h + "/users", json("username", "mal\u200blory", "password", PASSWORD)), "username");

        // roles are the two a publisher may give, nothing else, in no other spelling
        for (List<String> roles : List.of(List.of("admin"), List.of("publisher", "admin"), List.of("PUBLISHER"),
                List.of("publisher "), List.of("caravan.admin"), List.of("${properties:caravan.admin.username}"))) {
            invalid(hostile("POST", h + "/users", json("username", "roles_" + roles.size(), "password", PASSWORD,
                    "roles", roles)), "roles");
            invalid(hostile("PATCH", h + "/users/mallory", json("roles", roles)), "roles");
        }
        invalid(hostile("POST", h + "/users", json("username", "r", "password", PASSWORD, "role", "admin")), "role");

        // a user named like the victim's publisher, or like the admin, is the hostile organization's publisher only
        for (String name : List.of("vpub", ADMIN_USER)) {
            expect(hostile("POST", h + "/users", json("username", name, "password", PASSWORD,
                    "roles", List.of("publisher"))), 201);
            forbidden(seen("GET " + v, call("GET", v, null, basic(name + "@" + HOSTILE, PASSWORD))));
            forbidden(seen("GET /organizations", call("GET", "/organizations", null, basic(name + "@" + HOSTILE, PASSWORD))));
            refused(seen("GET " + v, call("GET", v, null, basic(name + "@" + VICTIM, PASSWORD))), 401, "unauthorized");
        }
        refused(seen("GET /organizations", call("GET", "/organizations", null, basic(ADMIN_USER, PASSWORD))), 401,
                "unauthorized");
        for (String name : List.of("vpub", ADMIN_USER, "zo\u00eb")) {
            expect(hostile("DELETE", h + "/users/" + name, null), 204);
        }
    }

    // ------------------------------------------------------------------ userstores

    @Test
    void userstoresAreTheAdminsToSetAndTheVictimsIsNotEvenReadable() {
        String store = json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()),
                "bindDn", BIND_DN, "userSearchBase", "ou=people,dc=victim,dc=example"));
        forbidden(hostile("GET", v + "/userstore", null));
        forbidden(hostile("PUT", v + "/userstore", store));
        forbidden(hostile("DELETE", v + "/userstore", null));
        forbidden(hostile("POST", v + "/userstore/test", json("username", "lee", "password", VICTIM_PASSWORD)));
        forbidden(hostile("POST", v + "/userstore/test", null));

        // the hostile organization's own: readable (it has none), set and tested by the admin only
        refused(hostile("GET", h + "/userstore", null), 404, "not_found");
        forbidden(hostile("PUT", h + "/userstore", store));
        forbidden(hostile("DELETE", h + "/userstore", null));
        forbidden(hostile("POST", h + "/userstore/test", null));
        refused(get(h + "/userstore"), 404, "not_found");

        // the victim's store still binds with its stored password, which no answer shows
        Http.Response test = expect(post(v + "/userstore/test", null), 200);
        assertThat(test.json().path("ok").asBoolean()).as(test.body()).isTrue();
        assertThat(expect(get(v + "/userstore"), 200).body()).contains("\"bindPasswordSet\":true").doesNotContain(BIND_PASSWORD);
    }

    // ------------------------------------------------------------------ organizations and the admin's endpoints

    @Test
    void organizationsAndTheGatewaysOwnEndpointsAreTheAdminsAlone() {
        String keysBefore = expect(get("/signing-keys"), 200).body();
        String secretsBefore = expect(get("/secrets"), 200).body();

        forbidden(hostile("POST", "/organizations", json("name", unique("mine"))));
        forbidden(hostile("POST", "/organizations", json("name", VICTIM)));
        forbidden(hostile("GET", "/organizations", null));
        forbidden(hostile("GET", v, null));
        forbidden(hostile("DELETE", v, null));
        forbidden(hostile("DELETE", h, null));
        forbidden(hostile("GET", "/signing-keys", null));
        forbidden(hostile("POST", "/signing-keys", null));
        forbidden(hostile("POST", "/signing-keys", "{}"));
        forbidden(hostile("GET", "/secrets", null));
        forbidden(hostile("POST", "/secrets/reseal", null));
        forbidden(hostile("GET", "/mediation/files", null));
        forbidden(hostile("GET", "/audit-events", null));
        forbidden(hostile("GET", "/audit-events?organization=" + VICTIM, null));
        forbidden(hostile("GET", v + "/audit-events", null));
        assertThat(expect(get("/signing-keys"), 200).body()).isEqualTo(keysBefore);
        assertThat(expect(get("/secrets"), 200).body()).isEqualTo(secretsBefore);
        expect(get("/organizations/" + HOSTILE), 200);

        // the hostile's own audit events are its organization's only, whatever the query asks for
        expect(hostile("PATCH", h + "/users/mallory", json("email", "mallory@example.com")), 200);
        Poll.until(Duration.ofSeconds(10), () -> expect(get("/audit-events?type=ADMIN_CHANGE&username=mallory@" + HOSTILE),
                200).json(), events -> events.size() > 0);
        for (String query : List.of("", "?organization=" + VICTIM, "?username=vpub@" + VICTIM, "?username=vpub")) {
            JsonNode events = expect(hostile("GET", h + "/audit-events" + query, null), 200).json();
            events.forEach(event -> assertThat(event.path("organization").asText()).as(query).isEqualTo(HOSTILE));
            if (query.isEmpty()) {
                assertThat(events).isNotEmpty();
            }
        }
        // and nothing the hostile one did is recorded as a change of the victim
        expect(get("/audit-events?username=mallory@" + HOSTILE), 200).json().forEach(event ->
                assertThat(event.path("organization").asText()).isEqualTo(HOSTILE));
    }
}
