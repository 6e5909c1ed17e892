package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import dev.caravan.userstore.Verification;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two pools of an LDAP store, seen from the directory: searches only ever as the service
 * account, password binds on connections of their own, each pool holding at most its size,
 * connections replaced after their maximum age, and a restarted directory served again without a
 * failed login.
 */
class LdapPoolsTest {
    /** What each connection was bound as when it searched, and which connections bound as users. */
    static final class Connections extends InMemoryOperationInterceptor {
        final Map<Long, String> boundAs = new ConcurrentHashMap<>();
        final Set<String> searchedAs = ConcurrentHashMap.newKeySet();
        final Set<Long> searchConnections = ConcurrentHashMap.newKeySet();
        final Set<Long> userBindConnections = ConcurrentHashMap.newKeySet();

        @Override
        public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) {
            String dn = request.getRequest().getBindDN();
            boundAs.put(request.getConnectionID(), dn);
            if (!Directories.SERVICE_DN.equalsIgnoreCase(dn)) {
                userBindConnections.add(request.getConnectionID());
            }
        }

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            if (request.getRequest().getBaseDN().isEmpty()) {
                return; // the pools' health check reads the root DSE
            }
            searchedAs.add(boundAs.getOrDefault(request.getConnectionID(), "<anonymous>"));
            searchConnections.add(request.getConnectionID());
        }
    }

    private final Connections connections = new Connections();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private InMemoryDirectoryServer directory;

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

    private void start(int port) throws Exception {
        directory = Directories.openLdap(null, config -> config.addInMemoryOperationInterceptor(connections),
                InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), port, null));
    }

    @Test
    void passwordsAreCheckedOnBindConnectionsThatNeverSearchAndEachPoolStaysWithinItsSize() throws Exception {
        start(0);
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withPools(3, 2, Duration.ofMinutes(10), Duration.ofSeconds(30)));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Verification>> logins = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String user = i % 2 == 0 ? "jane" : "bob";
                String password = i % 2 == 0 ? Directories.JANE_PASSWORD : "bob-Pa55word!";
                logins.add(callers.submit(() -> store.verify("acme", user, password.toCharArray())));
            }
            for (Future<Verification> login : logins) {
                assertThat(login.get()).isInstanceOf(Verification.Accepted.class);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(connections.searchedAs).as("every search ran as the service account")
                .containsOnly(Directories.SERVICE_DN);
        assertThat(connections.userBindConnections).as("user binds never on a searching connection")
                .doesNotContainAnyElementsOf(connections.searchConnections);
        assertThat(connections.userBindConnections).hasSizeBetween(1, 2);
        assertThat(connections.searchConnections).hasSizeBetween(1, 3);
    }

    @Test
    void connectionsOlderThanTheirMaximumAgeAreReplaced() throws Exception {
        start(0);
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withPools(1, 1, Duration.ofMillis(300), Duration.ofSeconds(30)));
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Accepted.class);
        Set<Long> first = Set.copyOf(connections.userBindConnections);

        Instant deadline = Instant.now().plusSeconds(20);
        while (connections.userBindConnections.size() == first.size() && Instant.now().isBefore(deadline)) {
            assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                    .isInstanceOf(Verification.Accepted.class);
            Thread.onSpinWait();
        }

        assertThat(connections.userBindConnections).as("a new bind connection replaced the aged one")
                .hasSizeGreaterThan(first.size());
    }

    @Test
    void aRestartedDirectoryIsServedAgainWithoutAFailedLogin() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        start(port);
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory)));
        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .isInstanceOf(Verification.Accepted.class);

        directory.shutDown(true);
        directory.startListening();

        assertThat(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()))
                .as("the pooled connections the restart broke are replaced, not reported")
                .isInstanceOf(Verification.Accepted.class);
        assertThat(store.verify("acme", "jane", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
    }
}
