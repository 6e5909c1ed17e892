package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group search is complete or an error: paged past the directory's size limit, Active Directory's
 * ranged {@code memberOf} read range by range, nested groups followed when asked (cycles end), and
 * a cut-short search is {@code Unavailable} naming the organization, never fewer roles.
 */
class LdapGroupSearchTest {
    private static final int SERVER_SIZE_LIMIT = 500;
    private static final int GROUPS = 600;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<InMemoryDirectoryServer> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        servers.forEach(s -> s.shutDown(true));
    }

    private LdapUserStore store(LdapSettings settings) {
        LdapUserStore store = new LdapUserStore("acme", settings);
        toClose.add(store);
        return store;
    }

    /** The OpenLDAP-shaped directory with a server size limit of 500 and jane in 600 more groups. */
    private InMemoryDirectoryServer sizeLimitedWithManyGroups() throws Exception {
        InMemoryDirectoryServer directory = Directories.openLdap(null, config -> config.setMaxSizeLimit(SERVER_SIZE_LIMIT));
        servers.add(directory);
        for (int i = 0; i < GROUPS; i++) {
            directory.add("dn: cn=team\\, no. " + i + ",ou=groups,dc=example,dc=com", "objectClass: groupOfNames",
                    "cn: team, no. " + i, "member: uid=jane,ou=people,dc=example,dc=com");
        }
        return directory;
    }

    private static AuthenticatedUser accepted(Verification verdict) {
        assertThat(verdict).isInstanceOf(Verification.Accepted.class);
        return ((Verification.Accepted) verdict).user();
    }

    @Test
    void aUserInMoreGroupsThanTheServersSizeLimitGetsEveryRoleByPagedSearch() throws Exception {
        InMemoryDirectoryServer directory = sizeLimitedWithManyGroups();
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withGroupSearch(200, 1000, false, 5));

        AuthenticatedUser jane = accepted(store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray()));

        assertThat(jane.roles()).hasSize(GROUPS + 2).contains("team, no. 0", "team, no. 599", "travellers",
                "administrator");
        assertThat(store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray()).message())
                .contains("the group search found 602 groups");
    }

    @Test
    void aGroupSearchTheDirectoryCutsAtItsSizeLimitIsUnavailableNamingTheStoreNeverFewerRoles() throws Exception {
        InMemoryDirectoryServer directory = sizeLimitedWithManyGroups();
        // pages larger than the server's limit: the directory stops at 500 and says so
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withGroupSearch(1000, 5000, false, 5));

        Verification verdict = store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray());

        assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
        assertThat(((Verification.Unavailable) verdict).reason()).contains("organization 'acme'")
                .contains("size limit").doesNotContain(Directories.JANE_PASSWORD);
        ConnectionCheck check = store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray());
        assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.GROUP_SEARCH);
        assertThat(check.message()).contains("size limit");
        // a user with few groups still logs in
        accepted(store.verify("acme", "bob", "bob-Pa55word!".toCharArray()));
    }

    @Test
    void moreGroupsThanMaxRolesIsUnavailableNamingTheStore() throws Exception {
        InMemoryDirectoryServer directory = sizeLimitedWithManyGroups();
        LdapUserStore store = store(Directories.openLdapSettings(Directories.url(directory))
                .withGroupSearch(100, 550, false, 5));

        Verification verdict = store.verify("acme", "jane", Directories.JANE_PASSWORD.toCharArray());

        assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
        assertThat(((Verification.Unavailable) verdict).reason()).contains("organization 'acme'")
                .contains("more than 550 groups");
        assertThat(store.testConnection("jane", Directories.JANE_PASSWORD.toCharArray()).stage())
                .isEqualTo(ConnectionCheck.Stage.GROUP_SEARCH);
    }

    /** ops ⊃ platform ⊃ travellers ∋ jane, and travellers ⊃ ops: a cycle. */
    private InMemoryDirectoryServer nested() throws Exception {
        InMemoryDirectoryServer directory = Directories.openLdap(null);
        servers.add(directory);
        directory.add("dn: cn=platform,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: platform",
                "member: cn=travellers,ou=groups,dc=example,dc=com");
        directory.add("dn: cn=ops,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: ops",
                "member: cn=platform,ou=groups,dc=example,dc=com");
        directory.modify("dn: cn=travellers,ou=groups,dc=example,dc=com", "changetype: modify", "add: member",
                "member: cn=ops,ou=groups,dc=example,dc=com");
        return directory;
    }

    @Test
    void nestedGroupsAreFollowedOnlyWhenAskedUpToTheirDepthAndACycleEnds() throws Exception {
        InMemoryDirectoryServer directory = nested();
        LdapSettings base = Directories.openLdapSettings(Directories.url(directory));
        char[] password = Directories.JANE_PASSWORD.toCharArray();

        assertThat(accepted(store(base).verify("acme", "jane", password)).roles())
                .isEqualTo(Set.of("travellers", "administrator"));
        assertThat(accepted(store(base.withGroupSearch(500, 1000, true, 1)).verify("acme", "jane", password)).roles())
                .isEqualTo(Set.of("travellers", "administrator", "platform"));
        assertThat(accepted(store(base.withGroupSearch(500, 1000, true, 10)).verify("acme", "jane", password)).roles())
                .isEqualTo(Set.of("travellers", "administrator", "platform", "ops"));
    }

    /**
     * Active Directory's range retrieval: a multi-valued attribute with more values than
     * MaxValRange comes as {@code memberOf;range=0-2}, the rest only when asked for by range.
     */
    static final class RangedMemberOf extends InMemoryOperationInterceptor {
        private static final Pattern RANGE = Pattern.compile("(?i)memberOf;range=(\\d+)-\\*");
        final int maxValRange;
        final AtomicInteger rangeReads = new AtomicInteger();
        InMemoryDirectoryServer server;

        RangedMemberOf(int maxValRange) {
            this.maxValRange = maxValRange;
        }

        @Override
        public void processSearchEntry(InMemoryInterceptedSearchEntry intercepted) {
            int low = 0;
            boolean asked = false;
            for (String wanted : intercepted.getRequest().getAttributeList()) {
                Matcher m = RANGE.matcher(wanted);
                if (m.matches()) {
                    low = Integer.parseInt(m.group(1));
                    asked = true;
                    rangeReads.incrementAndGet();
                } else if (wanted.equalsIgnoreCase("memberOf")) {
                    asked = true;
                }
            }
            if (!asked) {
                return;
            }
            try {
                Entry stored = server.getEntry(intercepted.getSearchEntry().getDN());
                Attribute all = stored == null ? null : stored.getAttribute("memberOf");
                if (all == null || all.size() <= maxValRange) {
                    return;
                }
                String[] values = all.getValues();
                int high = Math.min(values.length, low + maxValRange) - 1;
                Entry answer = intercepted.getSearchEntry().duplicate();
                answer.removeAttribute("memberOf");
                answer.addAttribute(new Attribute("memberOf;range=" + low + "-"
                        + (high == values.length - 1 ? "*" : String.valueOf(high)),
                        Arrays.copyOfRange(values, low, high + 1)));
                intercepted.setSearchEntry(answer);
            } catch (LDAPException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private InMemoryDirectoryServer activeDirectoryWithRanges(RangedMemberOf ranges, int groups) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("DC=corp,DC=example");
        config.setSchema(null);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.addInMemoryOperationInterceptor(ranges);
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        ranges.server = server;
        servers.add(server);
        server.add("dn: DC=corp,DC=example", "objectClass: domain", "dc: corp");
        server.add("dn: CN=Users,DC=corp,DC=example", "objectClass: container", "cn: Users");
        server.add("dn: CN=svc-caravan,CN=Users,DC=corp,DC=example", "objectClass: user", "cn: svc-caravan",
                "userPassword: " + Directories.SERVICE_PASSWORD);
        List<String> lines = new ArrayList<>(List.of("dn: CN=Jane Doe,CN=Users,DC=corp,DC=example",
                "objectClass: user", "cn: Jane Doe", "sAMAccountName: jdoe",
                "userPassword: " + Directories.JANE_PASSWORD));
        for (int i = 0; i < groups; i++) {
            lines.add("memberOf: CN=Group " + i + ",CN=Users,DC=corp,DC=example");
        }
        server.add(lines.toArray(String[]::new));
        server.startListening();
        return server;
    }

    @Test
    void activeDirectoryRangedMemberOfIsReadRangeByRange() throws Exception {
        RangedMemberOf ranges = new RangedMemberOf(3);
        InMemoryDirectoryServer ad = activeDirectoryWithRanges(ranges, 8);
        LdapUserStore store = store(Directories.activeDirectorySettings(Directories.url(ad), "(sAMAccountName={0})"));

        AuthenticatedUser jane = accepted(store.verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray()));

        assertThat(jane.roles()).hasSize(8).contains("Group 0", "Group 3", "Group 7");
        assertThat(ranges.rangeReads.get()).as("ranges 3-5 and 6-*").isEqualTo(2);
    }

    @Test
    void activeDirectoryRangedMemberOfBeyondMaxRolesIsUnavailable() throws Exception {
        InMemoryDirectoryServer ad = activeDirectoryWithRanges(new RangedMemberOf(3), 8);
        LdapUserStore store = store(Directories.activeDirectorySettings(Directories.url(ad), "(sAMAccountName={0})")
                .withGroupSearch(500, 5, false, 5));

        Verification verdict = store.verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray());

        assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
        assertThat(((Verification.Unavailable) verdict).reason()).contains("organization 'acme'").contains("more than 5");
    }

    @Test
    void nestedGroupsByMemberOfAreFollowedAndACycleEnds() throws Exception {
        InMemoryDirectoryServer ad = Directories.activeDirectory();
        servers.add(ad);
        // VPN Users ⊂ Remote ⊂ VPN Users: a cycle through memberOf
        ad.add("dn: CN=Remote,CN=Users,DC=corp,DC=example", "objectClass: group", "cn: Remote",
                "memberOf: CN=VPN Users,CN=Users,DC=corp,DC=example");
        ad.add("dn: CN=VPN Users,CN=Users,DC=corp,DC=example", "objectClass: group", "cn: VPN Users",
                "memberOf: CN=Remote,CN=Users,DC=corp,DC=example");
        LdapSettings settings = Directories.activeDirectorySettings(Directories.url(ad), "(sAMAccountName={0})");

        assertThat(accepted(store(settings).verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray())).roles())
                .isEqualTo(Set.of("VPN Users", "administrator"));
        assertThat(accepted(store(settings.withGroupSearch(500, 1000, true, 5))
                .verify("acme", "jdoe", Directories.JANE_PASSWORD.toCharArray())).roles())
                .isEqualTo(Set.of("VPN Users", "administrator", "Remote"));
    }
}
