package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection test does what a login does (service bind, user search, the probe user's own
 * bind with the probe password, the group search) and names the stage and the server that failed;
 * settings it fails on make logins Unavailable, never a wrong password.
 */
class LdapConnectionCheckTest {
    private InMemoryDirectoryServer directory;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        directory = Directories.openLdap(null);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        directory.shutDown(true);
    }

    private LdapUserStore store(LdapSettings settings) {
        LdapUserStore store = new LdapUserStore("acme", settings);
        toClose.add(store);
        return store;
    }

    private static LdapSettings with(LdapSettings s, String bindPassword, String groupSearchBase) {
        return new LdapSettings(s.urls(), false, s.bindDn(), bindPassword, s.userSearchBase(), s.userFilter(),
                groupSearchBase, s.groupFilter(), s.groupNameAttribute(), s.claimAttributes(), s.roleMappings(), 2,
                Duration.ofMillis(700), Duration.ofMillis(700), null, null);
    }

    private static int deadPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aProbeUserAndPasswordAreCheckedAsALoginWouldBeGroupsIncluded() {
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory)));

        ConnectionCheck ok = store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(ok.ok()).isTrue();
        assertThat(ok.message()).contains("password was accepted").contains("found 2 groups")
                .doesNotContain(Directories.JANE_PASSWORD);

        ConnectionCheck wrong = store.testConnection("jane", "not-janes-password".toCharArray());
        assertThat(wrong.stage()).as("the probe password is used").isEqualTo(ConnectionCheck.Stage.USER_BIND);
        assertThat(wrong.server()).isEqualTo(Directories.url(directory));
        assertThat(wrong.message()).doesNotContain("not-janes-password");

        assertThat(store.testConnection("jane", "  ".toCharArray()).stage()).isEqualTo(ConnectionCheck.Stage.USER_BIND);
    }

    @Test
    void aWrongGroupSearchBaseFailsTheTestAtTheGroupSearchAndLoginsAreUnavailable() {
        LdapSettings base = Directories.openLdapSettings(Directories.url(directory));
        LdapUserStore store = store(with(base, base.bindPassword(), "ou=nogroups,dc=example,dc=com"));

        ConnectionCheck check = store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.GROUP_SEARCH);
        assertThat(check.message()).contains("ou=nogroups,dc=example,dc=com").contains("does not exist");

        Verification login = store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(login).isInstanceOf(Verification.Unavailable.class);
        assertThat(((Verification.Unavailable) login).reason()).contains("organization 'acme'");
    }

    @Test
    void wrongServiceCredentialsFailTheTestAtTheBindAndLoginsAreUnavailable() {
        LdapSettings base = Directories.openLdapSettings(Directories.url(directory));
        LdapUserStore store = store(with(base, "not-the-service-password", base.groupSearchBase()));

        ConnectionCheck check = store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.BIND);
        assertThat(check.message()).doesNotContain("not-the-service-password");

        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Unavailable.class);
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersIsATimeoutNotARefusal() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "ldap://127.0.0.1:" + silent.getLocalPort();
            LdapSettings base = Directories.openLdapSettings(url);

            ConnectionCheck check = store(with(base, base.bindPassword(), base.groupSearchBase()))
                    .testConnection("jane", Directories.JANE_PASSWORD.toCharArray());

            assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.TIMEOUT);
            assertThat(check.server()).isEqualTo(url);
            assertThat(check.message()).contains("service bind");
        }
    }

    @Test
    void withTwoUrlsTheFailureNamesTheServerItHappenedAt() throws Exception {
        String good = Directories.url(directory);
        String dead = "ldap://127.0.0.1:" + deadPort();

        ConnectionCheck secondDead = store(Directories.openLdapSettings(good, dead))
                .testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(secondDead.stage()).isEqualTo(ConnectionCheck.Stage.CONNECT_REFUSED);
        assertThat(secondDead.server()).isEqualTo(dead);
        assertThat(secondDead.message()).startsWith(dead).doesNotContain(good);

        ConnectionCheck firstDead = store(Directories.openLdapSettings(dead, good)).testConnection(null, null);
        assertThat(firstDead.server()).isEqualTo(dead);

        ConnectionCheck both = store(Directories.openLdapSettings(good, good))
                .testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(both.ok()).isTrue();
        assertThat(both.message()).contains("each of the 2 servers");
    }

    @Test
    void aProbeUserNotFoundOrAmbiguousFailsTheUserSearch() {
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory)));
        assertThat(store.testConnection("nobody", "x-Pa55".toCharArray()).message()).contains("no entry");
        assertThat(store.testConnection("twin", "twin-Pa55word!".toCharArray()).message()).contains("more than one");
        LdapSettings s = Directories.openLdapSettings(Directories.url(directory));
        LdapUserStore wrongBase = store(new LdapSettings(s.urls(), false, s.bindDn(), s.bindPassword(),
                "ou=nobody,dc=example,dc=com", s.userFilter(), null, null, null, Map.of(), Map.of(), 2,
                Duration.ofSeconds(2), Duration.ofSeconds(2), null, null));
        ConnectionCheck check = wrongBase.testConnection("jane", null);
        assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.USER_SEARCH);
        assertThat(check.message()).contains("does not exist");
        assertThat(wrongBase.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .as("a misconfigured store, not an unknown user").isInstanceOf(Verification.Unavailable.class);
    }
}
