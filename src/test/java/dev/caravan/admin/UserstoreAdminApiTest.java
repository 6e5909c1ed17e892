package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Secondary userstores set through the admin API, then used by the Token API end to end: an
 * organization's LDAP directory (UnboundID in-memory server) and another's authentication web
 * service (JDK HTTP server, non-default JSON schema), both reached over Artemis.
 */
class UserstoreAdminApiTest extends AdminApiTestBase {
    private static final String SERVICE_DN = "cn=gateway,dc=example,dc=com";
    private static final String SERVICE_PASSWORD = "bind-Secret-4-directory";
    private static final String LDAP_USER_PASSWORD = "ldap-user-Pa55word!";
    private static final String WS_GATEWAY_PASSWORD = "ws-gateway-Secret-9";
    private static InMemoryDirectoryServer directory;
    private static HttpServer authService;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startServers() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        directory.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: " + SERVICE_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: gateway",
                "sn: gateway", "userPassword: " + SERVICE_PASSWORD);
        directory.add("dn: uid=lee,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: lee", "cn: Lee",
                "sn: Lee", "mail: lee@example.com", "userPassword: " + LDAP_USER_PASSWORD);
        directory.startListening();

        authService = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        authService.createContext("/login", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                String expected = basic("gateway", WS_GATEWAY_PASSWORD);
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                boolean ok = "max".equals(body.at("/auth/id").asText()) && "max-Pa55word!".equals(body.at("/auth/pw").asText());
                byte[] answer = ("{\"outcome\":{\"valid\":" + ok + "}}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        authService.start();
    }

    @AfterAll
    static void stopServers() {
        directory.shutDown(true);
        authService.stop(0);
    }

    private static String ldapDocument(String bindPassword) {
        Map<String, Object> ldap = new java.util.LinkedHashMap<>();
        ldap.put("urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()));
        ldap.put("bindDn", SERVICE_DN);
        if (bindPassword != null) {
            ldap.put("bindPassword", bindPassword);
        }
        ldap.put("userSearchBase", "ou=people,dc=example,dc=com");
        ldap.put("userFilter", "(uid={0})");
        ldap.put("claimAttributes", Map.of("email", "mail"));
        return json("kind", "ldap", "mode", "local", "timeout", "3s", "ldap", ldap);
    }

    private static String webServiceDocument() {
        return json("kind", "webservice", "webService", Map.of(
                "url", "http://127.0.0.1:" + authService.getAddress().getPort() + "/login",
                "username", "gateway", "password", WS_GATEWAY_PASSWORD,
                "requestTemplate", "{\"auth\":{\"id\":\"{username}\",\"pw\":\"{password}\"}}",
                "responsePointer", "/outcome/valid", "successValue", "true", "timeout", "2s"));
    }

    private Http.Response login(Fixtures.World world, String user, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", user + "@" + world.organization().name(),
                        "password", password));
    }

    @Test
    void ldapStoreSetThroughTheAdminApiLogsDirectoryUsersIn() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        expect(put("/organizations/" + org + "/userstore", ldapDocument(SERVICE_PASSWORD)), 201);

        Http.Response ok = login(world, "lee", LDAP_USER_PASSWORD);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(login(world, "lee", "wrong-password").json().path("error").asText()).isEqualTo("invalid_grant");
        // the primary user of the same organization still logs in
        assertThat(passwordGrant(world).path("access_token").asText()).isNotEmpty();
        // refresh asks the directory whether lee still exists
        String refresh = ok.json().path("refresh_token").asText();
        Http.Response refreshed = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
    }

    /**
     * Isolation with a real network hang: one organization's directory is a TCP port that accepts
     * connections and never answers (a directory hung, or a firewall swallowing packets after the
     * handshake). While eight of its logins wait on it, another organization's LDAP users and
     * primary users log in as fast as before it hung, and the stuck logins end in 503, never in
     * invalid_grant.
     */
    @Test
    void aDirectoryThatNeverAnswersDoesNotSlowOtherOrganizations() throws Exception {
        Fixtures.World stuck = fixtures.world("http://127.0.0.1:9");
        Fixtures.World healthy = fixtures.world("http://127.0.0.1:9");
        expect(put("/organizations/" + healthy.organization().name() + "/userstore", ldapDocument(SERVICE_PASSWORD)), 201);
        java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(9);
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            pool.submit(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        held.add(blackHole.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            Map<String, Object> ldap = new java.util.LinkedHashMap<>();
            ldap.put("urls", List.of("ldap://127.0.0.1:" + blackHole.getLocalPort()));
            ldap.put("bindDn", SERVICE_DN);
            ldap.put("bindPassword", SERVICE_PASSWORD);
            ldap.put("userSearchBase", "ou=people,dc=example,dc=com");
            ldap.put("userFilter", "(uid={0})");
            ldap.put("connectTimeout", "1s");
            ldap.put("responseTimeout", "10s");
            expect(put("/organizations/" + stuck.organization().name() + "/userstore",
                    json("kind", "ldap", "mode", "local", "timeout", "5s", "ldap", ldap)), 201);

            long before = slowestOfFivePairs(healthy);
            List<java.util.concurrent.Future<Http.Response>> waiting = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(pool.submit(() -> login(stuck, "lee", LDAP_USER_PASSWORD)));
            }
            Poll.until(java.time.Duration.ofSeconds(5), held::size, n -> n >= 1);
            long during = slowestOfFivePairs(healthy);

            for (java.util.concurrent.Future<Http.Response> login : waiting) {
                Http.Response answer = login.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                assertThat(answer.json().path("error").asText()).isEqualTo("temporarily_unavailable");
            }
            // the stuck store's 5 s timeout is the bound that matters: a login that waited for it
            // would take that long; a loaded machine alone makes a pair take 2-3 s
            assertThat(during).as("slowest pair of logins while the other directory hangs (before: %d ms)", before)
                    .isLessThan(4_500);
        } finally {
            pool.shutdownNow();
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Five times an LDAP login and a primary login of {@code world}, each pair timed: the slowest pair in ms. */
    private long slowestOfFivePairs(Fixtures.World world) {
        long slowest = 0;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Http.Response directoryUser = login(world, "lee", LDAP_USER_PASSWORD);
            Http.Response primaryUser = Http.postForm(traffic("/oauth2/token"),
                    Http.basic(world.consumerKey(), world.consumerSecret()),
                    Http.params("grant_type", "password", "username", world.endUserName(),
                            "password", Fixtures.END_USER_PASSWORD));
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            assertThat(directoryUser.status()).as(directoryUser.body()).isEqualTo(200);
            assertThat(primaryUser.status()).as(primaryUser.body()).isEqualTo(200);
        }
        return slowest;
    }

    @Test
    void webServiceStoreWithNonDefaultSchemaLogsItsUsersIn() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        expect(put("/organizations/" + world.organization().name() + "/userstore", webServiceDocument()), 201);

        assertThat(login(world, "max", "max-Pa55word!").status()).isEqualTo(200);
        assertThat(login(world, "max", "nope-nope").json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void secretsAreWriteOnlyAndEncryptedAtRest() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        Http.Response created = expect(put(path, ldapDocument(SERVICE_PASSWORD)), 201);
        assertThat(created.body()).doesNotContain(SERVICE_PASSWORD).contains("\"bindPasswordSet\":true");

        Http.Response read = expect(get(path), 200);
        assertThat(read.body()).doesNotContain(SERVICE_PASSWORD);
        assertThat(read.json().at("/ldap/bindPasswordSet").asBoolean()).isTrue();

        String stored = jdbc.sql("select definition from secondary_userstore where organization_id = ?")
                .param(world.organization().id()).query(String.class).single();
        assertThat(stored).doesNotContain(SERVICE_PASSWORD).contains("\"bindPassword\":\"v2:");

        // a replace without the secret keeps it: logins still work
        expect(put(path, ldapDocument(null)), 200);
        assertThat(login(world, "lee", LDAP_USER_PASSWORD).status()).isEqualTo(200);
        assertThat(jdbc.sql("select definition from secondary_userstore where organization_id = ?")
                .param(world.organization().id()).query(String.class).single()).contains("\"bindPassword\":\"v2:");
    }

    @Test
    void invalidDefinitionsAre400NamingTheField() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        Map<String, String> cases = Map.of(
                json("kind", "ldap", "ldap", Map.of("urls", List.of("http://x"), "userSearchBase", "dc=x")), "ldap.urls",
                json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://x"), "userSearchBase", "dc=x",
                        "userFilter", "(uid=jane)")), "ldap.userFilter",
                json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://x"), "userSearchBase", "not a dn")),
                "ldap.userSearchBase",
                json("kind", "webservice", "webService", Map.of("url", "ftp://x")), "webService.url",
                json("kind", "webservice", "webService", Map.of("url", "http://x/a", "requestTemplate", "{\"u\":\"{username}\"}")),
                "webService.requestTemplate",
                json("kind", "kerberos"), "kind",
                json("kind", "webservice", "timeout", "-5s", "webService", Map.of("url", "http://x/a")), "timeout");
        cases.forEach((body, field) -> {
            Http.Response refused = expect(put(path, body), 400);
            assertThat(refused.json().path("field").asText()).as(body).isEqualTo(field);
        });
        expect(get(path), 404);
    }

    @Test
    void unknownFieldsAtAnyLevelAre400NamingTheirPath() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        Map<String, Object> ldap = new java.util.LinkedHashMap<>(JSON.convertValue(
                readTree(ldapDocument(SERVICE_PASSWORD)).get("ldap"), Map.class));
        Map<String, Object> misspeltLdap = new java.util.LinkedHashMap<>(ldap);
        misspeltLdap.put("bindDnn", SERVICE_DN);
        Map<String, String> cases = Map.of(
                json("kind", "ldap", "timout", "1s", "ldap", ldap), "timout",
                json("kind", "ldap", "ldap", misspeltLdap), "ldap.bindDnn",
                json("kind", "ldap", "circuitBreaker", Map.of("threshold", 3), "ldap", ldap), "circuitBreaker.threshold",
                json("kind", "webservice", "webService", Map.of("url", "http://x/a", "timeOut", "1s")),
                "webService.timeOut",
                json("kind", "ldap", "ldap", ldap, "webService", Map.of("url", "http://x/a")), "webService",
                json("kind", "ldap", "circuitBreaker", "5", "ldap", ldap), "circuitBreaker",
                json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://x"), "userSearchBase", "dc=x",
                        "caseSensitive", "sometimes")), "ldap.caseSensitive",
                json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://x"), "userSearchBase", "dc=x",
                        "subjectAttribute", "(entryUUID=*)")), "ldap.subjectAttribute");
        cases.forEach((body, field) -> {
            Http.Response refused = expect(put(path, body), 400);
            assertThat(refused.json().path("error").asText()).isEqualTo("validation_failed");
            assertThat(refused.json().path("field").asText()).as(body).isEqualTo(field);
        });
        expect(get(path), 404);
    }

    @Test
    void aDefinitionReadFromTheApiCanBeSentBackAsItIs() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        expect(put(path, ldapDocument(SERVICE_PASSWORD)), 201);
        JsonNode read = expect(get(path), 200).json();
        assertThat(read.at("/ldap/caseSensitive").asBoolean(true)).as("directories ignore case by default").isFalse();

        ((com.fasterxml.jackson.databind.node.ObjectNode) read.get("ldap")).put("caseSensitive", true);
        Http.Response written = expect(put(path, read.toString()), 200);
        assertThat(written.json().at("/ldap/caseSensitive").asBoolean()).isTrue();
        assertThat(written.json().at("/ldap/bindPasswordSet").asBoolean()).as("the stored secret is kept").isTrue();
        assertThat(login(world, "lee", LDAP_USER_PASSWORD).status()).isEqualTo(200);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void testConnectionReportsTheStage() throws Exception {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        expect(put(path, ldapDocument(SERVICE_PASSWORD)), 201);
        Http.Response ok = expect(post(path + "/test", json("username", "lee")), 200);
        assertThat(ok.json().path("ok").asBoolean()).isTrue();
        Http.Response none = expect(post(path + "/test", json("username", "nobody")), 200);
        assertThat(none.json().path("stage").asText()).isEqualTo("USER_SEARCH");
        Http.Response whole = expect(post(path + "/test", json("username", "lee", "password", LDAP_USER_PASSWORD)), 200);
        assertThat(whole.json().path("ok").asBoolean()).as(whole.body()).isTrue();
        assertThat(whole.json().path("message").asText()).contains("password was accepted").contains("group search");
        Http.Response wrongPassword = expect(post(path + "/test", json("username", "lee", "password", "not-lees")), 200);
        assertThat(wrongPassword.json().path("stage").asText()).as("the probe password is used").isEqualTo("USER_BIND");
        assertThat(wrongPassword.json().path("server").asText()).startsWith("ldap://127.0.0.1:");
        assertThat(wrongPassword.body()).doesNotContain("not-lees").doesNotContain(LDAP_USER_PASSWORD);

        expect(put(path, ldapDocument("wrong-bind-password")), 200);
        Http.Response refused = expect(post(path + "/test", null), 200);
        assertThat(refused.json().path("stage").asText()).isEqualTo("BIND");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        expect(put(path, json("kind", "ldap", "ldap", Map.of("urls", List.of("ldap://127.0.0.1:" + closed),
                "userSearchBase", "dc=example,dc=com"))), 200);
        assertThat(expect(post(path + "/test", null), 200).json().path("stage").asText()).isEqualTo("CONNECT_REFUSED");

        expect(put(path, json("kind", "ldap", "mode", "agent")), 200);
        expect(post(path + "/test", null), 409);
    }

    @Test
    void deleteRemovesTheStoreAndItsUsersCanNoLongerLogIn() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        expect(put(path, ldapDocument(SERVICE_PASSWORD)), 201);
        assertThat(login(world, "lee", LDAP_USER_PASSWORD).status()).isEqualTo(200);
        expect(delete(path), 204);
        expect(delete(path), 404);
        assertThat(login(world, "lee", LDAP_USER_PASSWORD).json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void publisherMayReadButNotChangeTheirOrganizationsStore() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String path = "/organizations/" + world.organization().name() + "/userstore";
        expect(put(path, ldapDocument(SERVICE_PASSWORD)), 201);
        String publisher = basic(world.subscriber().username() + "@" + world.organization().name(),
                Fixtures.SUBSCRIBER_PASSWORD);
        assertThat(call("GET", path, null, publisher).status()).isEqualTo(200);
        assertThat(call("PUT", path, ldapDocument(SERVICE_PASSWORD), publisher).status()).isEqualTo(403);
        assertThat(call("DELETE", path, null, publisher).status()).isEqualTo(403);
        Fixtures.World other = fixtures.world("http://127.0.0.1:9");
        assertThat(call("GET", "/organizations/" + other.organization().name() + "/userstore", null, publisher).status())
                .isEqualTo(403);
    }
}
