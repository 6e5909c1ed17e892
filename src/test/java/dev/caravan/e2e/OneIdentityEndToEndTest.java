package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditRepository;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import java.net.InetAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * One person, one identity, over the traffic port: however a username is typed (case, spaces,
 * Unicode normalization form), it is one JWT {@code sub}, one {@code username} claim, one audit
 * name and one failed-login counter, for a directory user (UnboundID in-memory LDAP, asked over
 * Artemis) and for a primary-store user alike; a case-sensitive store keeps {@code Ada} and
 * {@code ada} apart; a subject pinned to {@code entryUUID} survives a rename in the directory.
 */
@TestPropertySource(properties = {"caravan.token.max-failures-per-user=3"})
class OneIdentityEndToEndTest extends CaravanTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE_DN = "cn=gateway,dc=example,dc=com";
    private static final String SERVICE_PASSWORD = "bind-Secret-4-directory";
    private static final String PASSWORD = "directory-user-Pa55word!";
    private static final String UPPER_ADA_PASSWORD = "Upper-ada-Pa55word!";
    private static InMemoryDirectoryServer directory;
    private static TestBackend backend;

    @Autowired
    AuditRepository audit;

    private Fixtures.World world;
    private String org;

    @BeforeAll
    static void startDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        directory.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: " + SERVICE_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: gateway",
                "sn: gateway", "userPassword: " + SERVICE_PASSWORD);
        for (String uid : new String[] {"ada", "bob smith", "load5", "zo\u00eb"}) {
            person(uid);
        }
        // told apart only by a case-exact attribute (labeledURI's equality rule is caseExactMatch)
        directory.add("dn: cn=ada-upper,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: ada-upper",
                "sn: a", "labeledURI: Ada", "userPassword: " + UPPER_ADA_PASSWORD);
        directory.add("dn: cn=ada-lower,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: ada-lower",
                "sn: a", "labeledURI: ada", "userPassword: " + PASSWORD);
        directory.startListening();
        backend = new TestBackend();
    }

    private static void person(String uid) throws Exception {
        directory.add("dn: uid=" + uid + ",ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + uid, "sn: " + uid, "userPassword: " + PASSWORD);
    }

    @AfterAll
    static void stopDirectory() {
        directory.shutDown(true);
        backend.close();
    }

    @BeforeEach
    void createWorld() {
        world = fixtures.world(backend.baseUrl());
        org = world.organization().name();
    }

    /** Sets the world's organization's LDAP store through the admin API, with these extra {@code ldap} fields. */
    private void directoryStore(Map<String, Object> extra) {
        Map<String, Object> ldap = new LinkedHashMap<>();
        ldap.put("urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()));
        ldap.put("bindDn", SERVICE_DN);
        ldap.put("bindPassword", SERVICE_PASSWORD);
        ldap.put("userSearchBase", "ou=people,dc=example,dc=com");
        ldap.putAll(extra);
        Http.Response stored;
        try {
            stored = Http.request("PUT", management("/api/v1/organizations/" + org + "/userstore"),
                    JSON.writeValueAsString(Map.of("kind", "ldap", "timeout", "5s", "ldap", ldap)),
                    "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD), "Content-Type", "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    }

    private Http.Response login(String username, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", username, "password", password));
    }

    private static JWTClaimsSet claims(Http.Response granted) {
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        try {
            return SignedJWT.parse(granted.json().path("access_token").asText()).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** The sub and username claims of a successful login. */
    private List<Object> identity(String username, String password) {
        JWTClaimsSet claims = claims(login(username, password));
        return List.of(claims.getSubject(), claims.getClaim("username"));
    }

    @Test
    void everySpellingOfADirectoryUserIsOneSubjectOneUsernameAndOneAuditName() {
        directoryStore(Map.of());

        for (String spelling : new String[] {"ada@" + org, "ADA@" + org, " ada@" + org, "ada @" + org, "ada@ " + org,
                "Ada", "\u00a0ada\u3000@" + org}) {
            assertThat(identity(spelling, PASSWORD)).as("'%s'", spelling).containsExactly("ada@" + org, "ada");
        }
        assertThat(identity("BOB   SMITH@" + org, PASSWORD)).containsExactly("bob smith@" + org, "bob smith");
        assertThat(identity("bob smith@" + org, PASSWORD)).containsExactly("bob smith@" + org, "bob smith");

        List<AuditEvent> issued = Poll.until(Duration.ofSeconds(15), () -> audit.find(new AuditRepository.Query(org,
                null, AuditEventType.TOKEN_ISSUED, null, null, 100)), events -> events.size() >= 8);
        assertThat(issued).extracting(AuditEvent::username).containsOnly("ada", "bob smith");
    }

    @Test
    void everySpellingOfADirectoryUserCountsAgainstOneFailedLoginCounter() {
        directoryStore(Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(login("load5@" + org, "wrong-" + i).json().path("error").asText()).isEqualTo("invalid_grant");
        }

        for (String spelling : new String[] {" load5@" + org, "load5 @" + org, "LOAD5@" + org, "load5",
                "load5@ " + org}) {
            Http.Response locked = login(spelling, PASSWORD);
            assertThat(locked.status()).as("'%s' after three failures of load5", spelling).isEqualTo(429);
        }
    }

    @Test
    void everySpellingOfAPrimaryUserIsOneSubjectAndOneFailedLoginCounter() {
        fixtures.endUser(world.organization(), "Grace", PASSWORD);

        for (String spelling : new String[] {"Grace@" + org, "grace@" + org, " GRACE @" + org, "grace"}) {
            assertThat(identity(spelling, PASSWORD)).as("'%s'", spelling).containsExactly("Grace@" + org, "Grace");
        }
        for (int i = 0; i < 3; i++) {
            login("GRACE@" + org, "wrong-" + i);
        }
        assertThat(login("grace", PASSWORD).status()).isEqualTo(429);
        assertThat(login(" Grace@" + org, PASSWORD).status()).isEqualTo(429);
    }

    @Test
    void nfdAndNfcSpellingsAreOneUser() {
        directoryStore(Map.of());
        String nfc = "zo\u00eb";
        String nfd = "zoe\u0308";

        assertThat(identity(nfd + "@" + org, PASSWORD)).containsExactly(nfc + "@" + org, nfc);
        assertThat(identity(nfc.toUpperCase(java.util.Locale.ROOT) + "@" + org, PASSWORD))
                .containsExactly(nfc + "@" + org, nfc);

        fixtures.endUser(world.organization(), "Ren\u00e9e", PASSWORD);
        assertThat(identity("Rene\u0301e@" + org, PASSWORD)).containsExactly("Ren\u00e9e@" + org, "Ren\u00e9e");
    }

    @Test
    void aCaseSensitiveStoreKeepsAdaAndAdaApart() {
        directoryStore(Map.of("userFilter", "(labeledURI={0})", "caseSensitive", true));

        assertThat(identity("Ada@" + org, UPPER_ADA_PASSWORD)).containsExactly("Ada@" + org, "Ada");
        assertThat(identity("ada@" + org, PASSWORD)).containsExactly("ada@" + org, "ada");
        assertThat(login("ada@" + org, UPPER_ADA_PASSWORD).json().path("error").asText())
                .as("Ada's password is not ada's").isEqualTo("invalid_grant");
    }

    @Test
    void aSubjectPinnedToEntryUuidSurvivesARename() throws Exception {
        directoryStore(Map.of("subjectAttribute", "entryUUID"));
        String uid = "kim_" + UUID.randomUUID().toString().substring(0, 8);
        person(uid);
        String uuid = directory.getEntry("uid=" + uid + ",ou=people,dc=example,dc=com", "entryUUID")
                .getAttributeValue("entryUUID");
        String pinned = "entryUUID/" + uuid + "@" + org;

        Http.Response first = login(uid.toUpperCase(java.util.Locale.ROOT) + "@" + org, PASSWORD);
        assertThat(List.of(claims(first).getSubject(), claims(first).getClaim("username"))).containsExactly(pinned, uid);
        JWTClaimsSet backendJwt = backendJwt(first.json().path("access_token").asText());
        assertThat(backendJwt.getSubject()).isEqualTo(pinned);
        assertThat(backendJwt.getClaim("http://wso2.org/claims/enduser")).isEqualTo(uid + "@" + org);

        directory.modifyDN("uid=" + uid + ",ou=people,dc=example,dc=com", "uid=" + uid + ".renamed", true);

        Http.Response renamed = login(uid + ".renamed@" + org, PASSWORD);
        assertThat(List.of(claims(renamed).getSubject(), claims(renamed).getClaim("username")))
                .as("the same person under a new name").containsExactly(pinned, uid + ".renamed");
        assertThat(login(uid + "@" + org, PASSWORD).json().path("error").asText()).isEqualTo("invalid_grant");

        // the old name given to someone else: another person, whom the first login's refresh token never reaches
        person(uid);
        assertThat(claims(login(uid + "@" + org, PASSWORD)).getSubject()).isNotEqualTo(pinned);
        Http.Response refreshed = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()), Http.params("grant_type", "refresh_token",
                        "refresh_token", first.json().path("refresh_token").asText()));
        assertThat(refreshed.json().path("error").asText()).isEqualTo("invalid_grant");
        Http.Response refreshedRenamed = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()), Http.params("grant_type", "refresh_token",
                        "refresh_token", renamed.json().path("refresh_token").asText()));
        assertThat(claims(refreshedRenamed).getSubject()).as("the renamed login refreshes as itself").isEqualTo(pinned);
    }

    private JWTClaimsSet backendJwt(String accessToken) throws ParseException {
        backend.clear();
        Http.Response call = Http.get(traffic(world.apiPath() + "/who"), "Authorization", "Bearer " + accessToken);
        assertThat(call.status()).as(call.body()).isEqualTo(200);
        return SignedJWT.parse(backend.take().header("X-JWT-Assertion")).getJWTClaimsSet();
    }

    @Test
    void namesWithControlOrInvisibleCharactersAreRefused() {
        directoryStore(Map.of());
        for (String spelling : new String[] {"ada\u0000@" + org, "ad\u200ba@" + org, "\u202eada@" + org,
                "ada\n@" + org, "\tada@" + org}) {
            JsonNode refused = login(spelling, PASSWORD).json();
            assertThat(refused.path("error").asText()).as("'%s'", spelling).isEqualTo("invalid_grant");
        }
    }
}
