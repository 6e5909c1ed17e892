package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The roles and claims of a refreshed token, over the traffic port with real stores reached over
 * Artemis: an authentication web service (JDK HTTP server) can only be asked with a password, so a
 * refresh of its user carries the roles and claims it mapped at login, through every rotation;
 * an LDAP directory (UnboundID in-memory) is asked again at each refresh, so a group removed
 * there is a role gone from the next refreshed token.
 */
class RefreshedClaimsEndToEndTest extends CaravanTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE_DN = "cn=gateway,dc=example,dc=com";
    private static final String SERVICE_PASSWORD = "bind-Secret-4-directory";
    private static final String LDAP_PASSWORD = "directory-user-Pa55word!";
    private static final String MAX_PASSWORD = "max-Pa55word!-secret";
    private static final String ROLES = "http://wso2.org/claims/role";
    private static InMemoryDirectoryServer directory;
    private static HttpServer authService;
    private static final AtomicInteger serviceCalls = new AtomicInteger();
    private static TestBackend backend;

    @Autowired
    JdbcClient jdbc;

    private Fixtures.World world;
    private String org;

    @BeforeAll
    static void startServers() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        directory.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: ou=groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: groups");
        directory.add("dn: " + SERVICE_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: gateway",
                "sn: gateway", "userPassword: " + SERVICE_PASSWORD);
        directory.startListening();

        // answers max's right password with his mail and groups, anything else with valid false
        authService = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        authService.createContext("/login", exchange -> {
            try (exchange) {
                serviceCalls.incrementAndGet();
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                boolean ok = "max".equals(body.at("/auth/id").asText()) && MAX_PASSWORD.equals(body.at("/auth/pw").asText());
                String answer = ok
                        ? "{\"outcome\":{\"valid\":true,\"mail\":\"max@example.com\",\"groups\":[\"travel, europe\",\"admins\"]}}"
                        : "{\"outcome\":{\"valid\":false}}";
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        authService.start();
        backend = new TestBackend();
    }

    @AfterAll
    static void stopServers() {
        directory.shutDown(true);
        authService.stop(0);
        backend.close();
    }

    @BeforeEach
    void createWorld() {
        world = fixtures.world(backend.baseUrl());
        org = world.organization().name();
    }

    private void userstore(Map<String, Object> document) throws Exception {
        Http.Response stored = Http.request("PUT", management("/api/v1/organizations/" + org + "/userstore"),
                JSON.writeValueAsString(document),
                "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD), "Content-Type", "application/json");
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    }

    private void webServiceStore() throws Exception {
        Map<String, Object> webService = new LinkedHashMap<>();
        webService.put("url", "http://127.0.0.1:" + authService.getAddress().getPort() + "/login");
        webService.put("requestTemplate", "{\"auth\":{\"id\":\"{username}\",\"pw\":\"{password}\"}}");
        webService.put("responsePointer", "/outcome/valid");
        webService.put("claims", Map.of("email", "/outcome/mail"));
        webService.put("rolesPointer", "/outcome/groups");
        userstore(Map.of("kind", "webservice", "timeout", "5s", "webService", webService));
    }

    private void directoryStore() throws Exception {
        Map<String, Object> ldap = new LinkedHashMap<>();
        ldap.put("urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()));
        ldap.put("bindDn", SERVICE_DN);
        ldap.put("bindPassword", SERVICE_PASSWORD);
        ldap.put("userSearchBase", "ou=people,dc=example,dc=com");
        ldap.put("groupSearchBase", "ou=groups,dc=example,dc=com");
        ldap.put("groupFilter", "(member={0})");
        ldap.put("groupNameAttribute", "cn");
        ldap.put("claimAttributes", Map.of("email", "mail"));
        userstore(Map.of("kind", "ldap", "timeout", "5s", "ldap", ldap));
    }

    private Http.Response login(String username, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", username, "password", password));
    }

    private Http.Response refresh(Http.Response granted) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "refresh_token", "refresh_token", granted.json().path("refresh_token").asText()));
    }

    private static JWTClaimsSet claims(Http.Response granted) {
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        try {
            return SignedJWT.parse(granted.json().path("access_token").asText()).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    private JWTClaimsSet backendJwt(Http.Response granted) throws ParseException {
        backend.clear();
        Http.Response call = Http.get(traffic(world.apiPath() + "/who"), "Authorization",
                "Bearer " + granted.json().path("access_token").asText());
        assertThat(call.status()).as(call.body()).isEqualTo(200);
        return SignedJWT.parse(backend.take().header("X-JWT-Assertion")).getJWTClaimsSet();
    }

    @Test
    void aWebServiceUsersRefreshedTokensCarryTheRolesAndClaimsMappedAtLogin() throws Exception {
        webServiceStore();
        Http.Response login = login("max@" + org, MAX_PASSWORD);
        assertThat(claims(login).getStringListClaim("roles")).containsExactly("admins", "travel, europe");
        int callsAtLogin = serviceCalls.get();

        Http.Response refreshed = refresh(login);
        Http.Response again = refresh(refreshed);

        for (Http.Response granted : List.of(refreshed, again)) {
            JWTClaimsSet access = claims(granted);
            assertThat(access.getSubject()).isEqualTo("max@" + org);
            assertThat(access.getStringListClaim("roles")).containsExactly("admins", "travel, europe");
            assertThat(access.getJSONObjectClaim("user_claims")).isEqualTo(Map.of("email", "max@example.com"));
            JWTClaimsSet toBackend = backendJwt(granted);
            assertThat(toBackend.getStringListClaim(ROLES)).containsExactly("admins", "travel, europe");
            assertThat(toBackend.getStringClaim("http://wso2.org/claims/email")).isEqualTo("max@example.com");
        }
        assertThat(serviceCalls.get()).as("a refresh never asks the service (it has no password to send)")
                .isEqualTo(callsAtLogin);
        List<String> stored = jdbc.sql("select login_claims from refresh_token where username = 'max' and organization = ?")
                .param(org).query(String.class).list();
        assertThat(stored).hasSize(3).allSatisfy(json -> assertThat(json)
                .contains("max@example.com").contains("travel, europe").doesNotContain(MAX_PASSWORD));
    }

    @Test
    void aDirectoryUserWhoseGroupIsRemovedLosesTheRoleAtTheNextRefresh() throws Exception {
        directoryStore();
        String uid = "lee_" + UUID.randomUUID().toString().substring(0, 8);
        String userDn = "uid=" + uid + ",ou=people,dc=example,dc=com";
        directory.add("dn: " + userDn, "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid, "sn: " + uid,
                "mail: " + uid + "@example.com", "userPassword: " + LDAP_PASSWORD);
        String ops = "ops_" + uid;
        String audit = "audit_" + uid;
        for (String group : List.of(ops, audit)) {
            directory.add("dn: cn=" + group + ",ou=groups,dc=example,dc=com", "objectClass: groupOfNames",
                    "cn: " + group, "member: " + userDn);
        }
        Http.Response login = login(uid + "@" + org, LDAP_PASSWORD);
        assertThat(claims(login).getStringListClaim("roles")).containsExactlyInAnyOrder(ops, audit);

        directory.modify("cn=" + ops + ",ou=groups,dc=example,dc=com",
                new Modification(ModificationType.DELETE, "member", userDn));
        directory.modify(userDn, new Modification(ModificationType.REPLACE, "mail", "new-" + uid + "@example.com"));
        Http.Response refreshed = refresh(login);

        JWTClaimsSet access = claims(refreshed);
        assertThat(access.getStringListClaim("roles")).as("the directory's view now, not the login's")
                .containsExactly(audit);
        assertThat(access.getJSONObjectClaim("user_claims")).containsEntry("email", "new-" + uid + "@example.com");
        assertThat(backendJwt(refreshed).getStringListClaim(ROLES)).containsExactly(audit);
    }
}
