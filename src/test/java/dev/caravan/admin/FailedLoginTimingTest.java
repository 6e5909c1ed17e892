package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.token.FailedLoginPadding;
import dev.caravan.userstore.PasswordHasher;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Refused password logins look alike whoever the user is, without a decoy hash: a name nobody
 * knows, a primary user's wrong password (which pays Argon2id itself) and a directory user's wrong
 * password (UnboundID in-memory LDAP) have the same answer and timing distributions of the same
 * size, none faster than the Argon2id checks they are padded to; a directory user's successful
 * login is not padded.
 */
class FailedLoginTimingTest extends AdminApiTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(FailedLoginTimingTest.class);
    private static final String SERVICE_DN = "cn=gateway,dc=example,dc=com";
    private static final String SERVICE_PASSWORD = "bind-Secret-4-directory";
    private static final String LDAP_PASSWORD = "ldap-user-Pa55word!";
    private static final int ROUNDS = 40;
    /** Below the failed-login throttle's 10 per name. */
    private static final int PER_NAME = 8;
    private static InMemoryDirectoryServer directory;

    @Autowired
    PasswordHasher hasher;
    @Autowired
    FailedLoginPadding padding;

    @BeforeAll
    static void startDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        directory.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: " + SERVICE_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: gateway",
                "sn: gateway", "userPassword: " + SERVICE_PASSWORD);
        for (int i = 0; i < ROUNDS / PER_NAME + 1; i++) {
            directory.add("dn: uid=dir" + i + ",ou=people,dc=example,dc=com", "objectClass: inetOrgPerson",
                    "uid: dir" + i, "cn: Dir " + i, "sn: Dir", "userPassword: " + LDAP_PASSWORD);
        }
        directory.startListening();
    }

    @AfterAll
    static void stopDirectory() {
        directory.shutDown(true);
    }

    @Test
    void refusedLoginsOfUnknownPrimaryAndDirectoryUsersTakeAlikeAndSuccessesAreNotPadded() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        Fixtures.World withoutDirectory = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        Map<String, Object> ldap = new LinkedHashMap<>();
        ldap.put("urls", List.of("ldap://127.0.0.1:" + directory.getListenPort()));
        ldap.put("bindDn", SERVICE_DN);
        ldap.put("bindPassword", SERVICE_PASSWORD);
        ldap.put("userSearchBase", "ou=people,dc=example,dc=com");
        ldap.put("userFilter", "(uid={0})");
        expect(put("/organizations/" + org + "/userstore",
                json("kind", "ldap", "mode", "local", "timeout", "5s", "ldap", ldap)), 201);
        List<String> primaryUsers = new ArrayList<>();
        for (int i = 0; i < ROUNDS / PER_NAME + 1; i++) {
            primaryUsers.add(fixtures.endUser(world.organization(), "prim" + i + "_" + org, Fixtures.END_USER_PASSWORD)
                    .username());
        }
        // warm up every path once (connections, JIT)
        assertThat(login(world, "dir0", LDAP_PASSWORD).status()).isEqualTo(200);
        assertThat(login(world, primaryUsers.get(0), Fixtures.END_USER_PASSWORD).status()).isEqualTo(200);

        Map<String, List<Long>> refused = new LinkedHashMap<>();
        for (String kind : List.of("unknown user", "unknown user, no directory", "primary wrong password",
                "directory wrong password")) {
            refused.put(kind, new ArrayList<>());
        }
        long floor = Long.MAX_VALUE;
        String body = null;
        for (int i = 0; i < ROUNDS; i++) {
            int n = i;
            body = timed(refused.get("unknown user"), body, () -> login(world, "ghost" + n, "any-Pa55word"));
            body = timed(refused.get("unknown user, no directory"), body,
                    () -> login(withoutDirectory, "ghost" + n, "any-Pa55word"));
            body = timed(refused.get("primary wrong password"), body,
                    () -> login(world, primaryUsers.get(n / PER_NAME), "wrong-Pa55word"));
            body = timed(refused.get("directory wrong password"), body,
                    () -> login(world, "dir" + (n / PER_NAME), "wrong-Pa55word"));
            floor = Math.min(floor, hasher.shortestVerification().toNanos());
        }

        Map<String, Long> medians = new LinkedHashMap<>();
        refused.forEach((kind, times) -> {
            medians.put(kind, percentile(times, 50));
            LOG.info("refused login, {}: p10 {} ms, median {} ms, p90 {} ms", kind, percentile(times, 10) / 1_000_000,
                    percentile(times, 50) / 1_000_000, percentile(times, 90) / 1_000_000);
        });
        long fastest = Collections.min(medians.values());
        long slowest = Collections.max(medians.values());
        assertThat((double) slowest / fastest).as("ratio of the slowest to the fastest median, %s", medians)
                .isBetween(1.0, 2.0);
        for (Map.Entry<String, Long> median : medians.entrySet()) {
            assertThat(median.getValue()).as("median of %s against the shortest Argon2id check", median.getKey())
                    .isGreaterThanOrEqualTo(floor);
        }

        // a directory user who knows the password waits for the directory only
        long paddedBefore = padding.padded();
        List<Long> granted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            Http.Response ok = login(world, "dir" + (i % 3), LDAP_PASSWORD);
            granted.add(System.nanoTime() - start);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }
        LOG.info("granted directory login: median {} ms", percentile(granted, 50) / 1_000_000);
        assertThat(padding.padded()).as("successful logins padded").isEqualTo(paddedBefore);
    }

    /** Times one refused login, which must answer exactly as the others did. */
    private static String timed(List<Long> times, String expectedBody, Supplier<Http.Response> login) {
        long start = System.nanoTime();
        Http.Response refused = login.get();
        times.add(System.nanoTime() - start);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        if (expectedBody != null) {
            assertThat(refused.body()).isEqualTo(expectedBody);
        }
        return refused.body();
    }

    private Http.Response login(Fixtures.World world, String user, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", user + "@" + world.organization().name(),
                        "password", password));
    }

    private static long percentile(List<Long> values, int percent) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
    }
}
