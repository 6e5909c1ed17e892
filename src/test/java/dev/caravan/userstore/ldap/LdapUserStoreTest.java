package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.util.ObjectPair;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.StoreUnavailableException;
import java.io.File;
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

class LdapUserStoreTest {
    private final Directories.BindCounter binds = new Directories.BindCounter();
    private InMemoryDirectoryServer directory;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        directory = Directories.openLdap(binds);
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

    private LdapUserStore openLdap() {
        return store(Directories.openLdapSettings(Directories.url(directory)));
    }

    @Test
    void verifyWhenPasswordRightThenAcceptedWithClaimsAndMappedRoles() {
        Verification verdict = openLdap().verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray());

        assertThat(verdict).isInstanceOf(Verification.Accepted.class);
        AuthenticatedUser jane = ((Verification.Accepted) verdict).user();
        assertThat(jane.qualifiedName()).isEqualTo("jane@acme");
        assertThat(jane.store()).isEqualTo("ldap");
        assertThat(jane.attributes()).containsEntry("email", "jane@example.com");
        assertThat(jane.roles()).containsExactlyInAnyOrder("travellers", "administrator");
    }

    @Test
    void aCaseInsensitiveDirectoryNamesItsUserInLowerCaseHoweverTheyTypeIt() {
        LdapUserStore store = openLdap();
        for (String spelling : new String[] {"jane", "JANE", "Jane"}) {
            Verification verdict = store.verify("acme", spelling, Directories.JANE_PASSWORD.toCharArray());
            assertThat(verdict).as(spelling).isInstanceOf(Verification.Accepted.class);
            AuthenticatedUser jane = ((Verification.Accepted) verdict).user();
            assertThat(jane.username()).isEqualTo("jane");
            assertThat(jane.subject()).isEqualTo("jane@acme");
        }
        assertThat(store.lookup("acme", "JANE")).get().extracting(AuthenticatedUser::subject).isEqualTo("jane@acme");
    }

    @Test
    void aCaseSensitiveStoreKeepsAdaAndAdaApart() {
        LdapSettings s = Directories.openLdapSettings(Directories.url(directory));
        LdapUserStore store = store(new LdapSettings(s.urls(), false, s.bindDn(), s.bindPassword(), s.userSearchBase(),
                "(labeledURI={0})", null, null, null, Map.of(), Map.of(), 2, Duration.ofSeconds(2),
                Duration.ofSeconds(2), null, null).withIdentity(true, null));

        Verification upper = store.verify("acme", "Ada", Directories.UPPER_ADA_PASSWORD.toCharArray());
        Verification lower = store.verify("acme", "ada", Directories.LOWER_ADA_PASSWORD.toCharArray());

        assertThat(((Verification.Accepted) upper).user().subject()).isEqualTo("Ada@acme");
        assertThat(((Verification.Accepted) lower).user().subject()).isEqualTo("ada@acme");
        assertThat(store.verify("acme", "ada", Directories.UPPER_ADA_PASSWORD.toCharArray()))
                .as("Ada's password is not ada's").isInstanceOf(Verification.Rejected.class);
        assertThat(store.verify("acme", "ADA", Directories.UPPER_ADA_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
    }

    @Test
    void aPinnedSubjectSurvivesARename() throws Exception {
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withIdentity(false, "entryUUID"));
        String uuid = directory.getEntry("uid=jane,ou=people,dc=example,dc=com", "entryUUID")
                .getAttributeValue("entryUUID");
        AuthenticatedUser before = ((Verification.Accepted) store.verify("acme", "Jane",
                Directories.JANE_PASSWORD.toCharArray())).user();
        assertThat(before.subject()).isEqualTo("entryUUID/" + uuid + "@acme");
        assertThat(before.username()).isEqualTo("jane");

        directory.modifyDN("uid=jane,ou=people,dc=example,dc=com", "uid=jane.doe", true);

        AuthenticatedUser after = ((Verification.Accepted) store.verify("acme", "jane.doe",
                Directories.JANE_PASSWORD.toCharArray())).user();
        assertThat(after.subject()).as("the same person").isEqualTo(before.subject());
        assertThat(after.username()).isEqualTo("jane.doe");
        assertThat(store.lookup("acme", "jane.doe")).get().extracting(AuthenticatedUser::subject)
                .isEqualTo(before.subject());
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
    }

    @Test
    void anEntryWithoutTheSubjectAttributeCannotLogIn() {
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withIdentity(false, "employeeNumber"));
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Unavailable.class);
        assertThatThrownBy(() -> store.lookup("acme", "jane")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void anActiveDirectoryObjectGuidIsWrittenAsTheUsualGuidString() throws Exception {
        InMemoryDirectoryServer ad = Directories.activeDirectory();
        try {
            LdapUserStore store = store(Directories.activeDirectorySettings(Directories.url(ad), "(sAMAccountName={0})")
                    .withIdentity(false, "objectGUID"));
            AuthenticatedUser jane = ((Verification.Accepted) store.verify("acme", "JDOE",
                    Directories.JANE_PASSWORD.toCharArray())).user();
            assertThat(jane.subject()).isEqualTo("objectGUID/" + Directories.JANE_GUID + "@acme");
            assertThat(jane.username()).isEqualTo("jdoe");
            assertThat(jane.qualifiedName()).isEqualTo("jdoe@acme");
        } finally {
            ad.shutDown(true);
        }
    }

    @Test
    void verifyWhenPasswordWrongThenRejected() {
        assertThat(openLdap().verify("acme", "jane", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void verifyWhenUserUnknownThenUnknownUser() {
        assertThat(openLdap().verify("acme", "nobody", "x-Pa55".toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
    }

    @Test
    void verifyWhenPasswordEmptyOrBlankThenRejectedAndNoBindReachesTheDirectory() {
        LdapUserStore store = openLdap();
        for (String blank : new String[] {"", " ", "\t\n "}) {
            assertThat(store.verify("acme", "jane", blank.toCharArray())).isInstanceOf(Verification.Rejected.class);
        }
        assertThat(binds.userBinds.get()).isZero();
        // the counter does count user binds: a real attempt is seen
        store.verify("acme", "jane", "wrong".toCharArray());
        assertThat(binds.userBinds.get()).isEqualTo(1);
    }

    @Test
    void verifyWhenUsernameHasFilterMetacharactersThenTheyMatchOnlyLiterally() {
        LdapUserStore store = openLdap();
        assertThat(store.verify("acme", "*", "bob-Pa55word!".toCharArray())).isInstanceOf(Verification.UnknownUser.class);
        assertThat(store.verify("acme", "j*", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
        assertThat(store.verify("acme", "jane)(uid=*", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
        assertThat(store.verify("acme", "x)(|(uid=*", "bob-Pa55word!".toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
        assertThat(store.verify("acme", "jane\u0000", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
        // the entry whose uid really is made of metacharacters is found by exactly that name
        assertThat(store.verify("acme", "we*ird(na)me\\,+=", "odd-Pa55word!".toCharArray()))
                .isInstanceOf(Verification.Accepted.class);
    }

    @Test
    void filterEscapingFollowsRfc4515() {
        assertThat(openLdap().filterFor("a*b(c)d\\e\u0000").toString())
                .isEqualTo("(uid=a\\2ab\\28c\\29d\\5ce\\00)");
    }

    @Test
    void verifyWhenTwoEntriesMatchThenRejected() {
        assertThat(openLdap().verify("acme", "twin", "twin-Pa55word!".toCharArray()))
                .isInstanceOf(Verification.Rejected.class);
        assertThat(openLdap().lookup("acme", "twin")).isEmpty();
    }

    @Test
    void lookupFindsUserWithoutPasswordAndAnswersEmptyForUnknown() {
        LdapUserStore store = openLdap();
        assertThat(store.lookup("acme", "bob")).get().extracting(AuthenticatedUser::roles)
                .isEqualTo(java.util.Set.of("administrator"));
        assertThat(store.lookup("acme", "nobody")).isEmpty();
    }

    @Test
    void whenDirectoryDownThenUnavailableNeverRejected() {
        LdapUserStore store = openLdap();
        directory.shutDown(true);
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Unavailable.class);
        assertThatThrownBy(() -> store.lookup("acme", "jane")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void whenDirectoryAcceptsButNeverAnswersThenUnavailableWithinTheResponseTimeout() throws Exception {
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
            LdapSettings s = Directories.openLdapSettings("ldap://127.0.0.1:" + silent.getLocalPort());
            LdapSettings fast = new LdapSettings(s.urls(), false, s.bindDn(), s.bindPassword(), s.userSearchBase(),
                    s.userFilter(), s.groupSearchBase(), s.groupFilter(), s.groupNameAttribute(), s.claimAttributes(),
                    s.roleMappings(), 2, Duration.ofMillis(500), Duration.ofMillis(500), null, null);
            LdapUserStore store = store(fast);
            Verification verdict = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()));
            assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
        }
    }

    @Test
    void whenFirstUrlDeadThenFailsOverToTheNext() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        LdapUserStore store = store(Directories.openLdapSettings("ldap://127.0.0.1:" + dead, Directories.url(directory)));
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Accepted.class);
    }

    @Test
    void activeDirectoryBySamAccountNameWithMemberOfRoles() throws Exception {
        InMemoryDirectoryServer ad = Directories.activeDirectory();
        try {
            LdapUserStore store = store(Directories.activeDirectorySettings(Directories.url(ad), "(sAMAccountName={0})"));
            Verification verdict = store.verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray());
            assertThat(verdict).isInstanceOf(Verification.Accepted.class);
            AuthenticatedUser jane = ((Verification.Accepted) verdict).user();
            assertThat(jane.roles()).containsExactlyInAnyOrder("VPN Users", "administrator");
            assertThat(jane.attributes()).isEqualTo(Map.of("email", "jane@corp.example", "department", "Travel"));
            assertThat(store.verify("acme", "jdoe", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
        } finally {
            ad.shutDown(true);
        }
    }

    @Test
    void activeDirectoryByUserPrincipalName() throws Exception {
        InMemoryDirectoryServer ad = Directories.activeDirectory();
        try {
            LdapUserStore store = store(Directories.activeDirectorySettings(Directories.url(ad),
                    "(userPrincipalName={0}@corp.example)"));
            assertThat(store.verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray()))
                    .isInstanceOf(Verification.Accepted.class);
        } finally {
            ad.shutDown(true);
        }
    }

    private static ObjectPair<File, char[]> certificate() {
        return new ObjectPair<>(TestCertificates.localhost(), TestCertificates.PASSWORD.toCharArray());
    }

    private static LdapSettings withTls(LdapSettings s, String url, boolean startTls, String trustStore, char[] pin) {
        return new LdapSettings(List.of(url), startTls, s.bindDn(), s.bindPassword(), s.userSearchBase(),
                s.userFilter(), s.groupSearchBase(), s.groupFilter(), s.groupNameAttribute(), s.claimAttributes(),
                s.roleMappings(), 2, Duration.ofSeconds(2), Duration.ofSeconds(2), trustStore,
                pin == null ? null : new String(pin));
    }

    @Test
    void ldapsWithTrustedCertificateAcceptsAndUntrustedIsReportedAsTls() throws Exception {
        ObjectPair<File, char[]> cert = certificate();
        SSLUtil serverSsl = new SSLUtil(new KeyStoreKeyManager(cert.getFirst(), cert.getSecond(), "PKCS12", null),
                new TrustAllTrustManager());
        InMemoryDirectoryServer secure = Directories.openLdap(null,
                Directories.ldaps(serverSsl.createSSLServerSocketFactory(), serverSsl.createSSLSocketFactory()));
        try {
            String url = "ldaps://127.0.0.1:" + secure.getListenPort();
            LdapSettings base = Directories.openLdapSettings(url);
            LdapUserStore trusted = store(withTls(base, url, false, cert.getFirst().getPath(), cert.getSecond()));
            assertThat(trusted.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                    .isInstanceOf(Verification.Accepted.class);

            ObjectPair<File, char[]> other = certificate();
            LdapUserStore untrusted = store(withTls(base, url, false, other.getFirst().getPath(), other.getSecond()));
            assertThat(untrusted.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                    .isInstanceOf(Verification.Unavailable.class);
            assertThat(untrusted.testConnection(null, null).stage()).isEqualTo(ConnectionCheck.Stage.TLS);
        } finally {
            secure.shutDown(true);
        }
    }

    @Test
    void startTlsUpgradesAPlainConnection() throws Exception {
        ObjectPair<File, char[]> cert = certificate();
        SSLUtil serverSsl = new SSLUtil(new KeyStoreKeyManager(cert.getFirst(), cert.getSecond(), "PKCS12", null),
                new TrustAllTrustManager());
        InMemoryDirectoryServer secure = Directories.openLdap(null,
                Directories.startTls(serverSsl.createSSLSocketFactory()));
        try {
            String url = "ldap://127.0.0.1:" + secure.getListenPort();
            LdapUserStore store = store(withTls(Directories.openLdapSettings(url), url, true,
                    cert.getFirst().getPath(), cert.getSecond()));
            assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                    .isInstanceOf(Verification.Accepted.class);
            assertThat(store.testConnection("jane", null).ok()).isTrue();
        } finally {
            secure.shutDown(true);
        }
    }

    @Test
    void testConnectionReportsEachStage() throws Exception {
        LdapUserStore store = openLdap();
        assertThat(store.testConnection(null, null)).extracting(ConnectionCheck::stage).isEqualTo(ConnectionCheck.Stage.OK);
        assertThat(store.testConnection("jane", null).ok()).isTrue();
        assertThat(store.testConnection("nobody", null).stage()).isEqualTo(ConnectionCheck.Stage.USER_SEARCH);
        assertThat(store.testConnection("twin", null).stage()).isEqualTo(ConnectionCheck.Stage.USER_SEARCH);

        LdapSettings s = Directories.openLdapSettings(Directories.url(directory));
        LdapSettings badBind = new LdapSettings(s.urls(), false, s.bindDn(), "not-the-service-password",
                s.userSearchBase(), s.userFilter(), null, null, null, Map.of(), Map.of(), 2, Duration.ofSeconds(2),
                Duration.ofSeconds(2), null, null);
        ConnectionCheck refused = store(badBind).testConnection(null, null);
        assertThat(refused.stage()).isEqualTo(ConnectionCheck.Stage.BIND);
        assertThat(refused.message()).doesNotContain("not-the-service-password");

        int dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        assertThat(store(Directories.openLdapSettings("ldap://127.0.0.1:" + dead)).testConnection(null, null).stage())
                .isEqualTo(ConnectionCheck.Stage.CONNECT_REFUSED);
    }

    @Test
    void settingsWithoutPlaceholderOrWithBadUrlAreRefusedAtConstruction() {
        LdapSettings s = Directories.openLdapSettings(Directories.url(directory));
        assertThatThrownBy(() -> new LdapUserStore("acme", new LdapSettings(s.urls(), false, null, null,
                s.userSearchBase(), "(uid=jane)", null, null, null, null, null, 2, Duration.ofSeconds(1),
                Duration.ofSeconds(1), null, null))).hasMessageContaining("{0}");
        assertThatThrownBy(() -> new LdapUserStore("acme", new LdapSettings(List.of("http://x"), false, null, null,
                s.userSearchBase(), "(uid={0})", null, null, null, null, null, 2, Duration.ofSeconds(1),
                Duration.ofSeconds(1), null, null))).hasMessageContaining("ldap");
        assertThat(s.toString()).doesNotContain(Directories.SERVICE_PASSWORD);
    }
}
