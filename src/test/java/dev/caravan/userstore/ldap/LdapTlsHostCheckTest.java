package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.StoreUnavailableException;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS to a directory given by IP address checks that the certificate names that address (an IP
 * entry of its subject alternative names), over ldaps and StartTLS, for logins (pooled
 * connections), lookups and the connection test. The client trusts the certificate in every
 * case here: only the name decides.
 */
class LdapTlsHostCheckTest {
    private static final File ANOTHER_HOST = TestCertificates.forAnotherHost();
    private static final File IP_ONLY = TestCertificates.selfSigned("CN=directory", "ip:127.0.0.1");
    private final List<InMemoryDirectoryServer> servers = new ArrayList<>();
    private final List<LdapUserStore> stores = new ArrayList<>();

    @AfterEach
    void stop() {
        stores.forEach(LdapUserStore::close);
        servers.forEach(s -> s.shutDown(true));
    }

    private enum Tls { LDAPS, START_TLS }

    /** A directory speaking TLS with {@code certificate}, and a store that trusts exactly that certificate, reached at {@code host}. */
    private LdapUserStore storeFor(File certificate, Tls tls, String host) throws Exception {
        char[] pin = TestCertificates.PASSWORD.toCharArray();
        SSLUtil serverSsl = new SSLUtil(new KeyStoreKeyManager(certificate, pin, "PKCS12", null), new TrustAllTrustManager());
        InMemoryDirectoryServer server = tls == Tls.LDAPS
                ? Directories.openLdap(null, Directories.ldaps(serverSsl.createSSLServerSocketFactory(),
                        serverSsl.createSSLSocketFactory()))
                : Directories.openLdap(null, Directories.startTls(serverSsl.createSSLSocketFactory()));
        servers.add(server);
        String url = (tls == Tls.LDAPS ? "ldaps://" : "ldap://") + host + ":" + server.getListenPort();
        LdapSettings s = Directories.openLdapSettings(url);
        LdapUserStore store = new LdapUserStore("acme", new LdapSettings(List.of(url), tls == Tls.START_TLS,
                s.bindDn(), s.bindPassword(), s.userSearchBase(), s.userFilter(), s.groupSearchBase(), s.groupFilter(),
                s.groupNameAttribute(), s.claimAttributes(), s.roleMappings(), 2, Duration.ofSeconds(2),
                Duration.ofSeconds(2), certificate.getPath(), TestCertificates.PASSWORD));
        stores.add(store);
        return store;
    }

    private static void assertRefusedForTheName(LdapUserStore store) {
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Unavailable.class);
        assertThatThrownBy(() -> store.lookup("acme", "jane")).isInstanceOf(StoreUnavailableException.class);
        ConnectionCheck check = store.testConnection("jane", null);
        assertThat(check.ok()).isFalse();
        assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.TLS);
        assertThat(check.message()).contains("does not name");
    }

    private static void assertAccepted(LdapUserStore store) {
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Accepted.class);
        assertThat(store.lookup("acme", "jane")).isPresent();
        assertThat(store.testConnection("jane", null).stage()).isEqualTo(ConnectionCheck.Stage.OK);
    }

    @Test
    void ldapsToAnIpAddressWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
        assertRefusedForTheName(storeFor(ANOTHER_HOST, Tls.LDAPS, "127.0.0.1"));
    }

    @Test
    void startTlsToAnIpAddressWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
        assertRefusedForTheName(storeFor(ANOTHER_HOST, Tls.START_TLS, "127.0.0.1"));
    }

    @Test
    void aCertificateWhoseCommonNameIsTheAddressButWhoseAlternativeNamesAreNotIsRefused() throws Exception {
        File cnOnly = TestCertificates.selfSigned("CN=127.0.0.1", "dns:another.example");
        assertRefusedForTheName(storeFor(cnOnly, Tls.LDAPS, "127.0.0.1"));
    }

    @Test
    void aCertificateWithTheAddressAsIpAlternativeNameIsAccepted() throws Exception {
        assertAccepted(storeFor(IP_ONLY, Tls.LDAPS, "127.0.0.1"));
        assertAccepted(storeFor(IP_ONLY, Tls.START_TLS, "127.0.0.1"));
    }

    @Test
    void byNameTheCertificateMustNameThatHost() throws Exception {
        assertAccepted(storeFor(TestCertificates.selfSigned("CN=directory", "dns:localhost"), Tls.LDAPS, "localhost"));
        assertRefusedForTheName(storeFor(ANOTHER_HOST, Tls.LDAPS, "localhost"));
        // an IP address entry does not vouch for a name that resolves to it
        assertRefusedForTheName(storeFor(IP_ONLY, Tls.START_TLS,
                "localhost"));
    }
}
