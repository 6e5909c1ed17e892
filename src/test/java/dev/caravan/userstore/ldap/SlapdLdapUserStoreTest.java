package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The LDAP store against a real OpenLDAP {@code slapd} (started by {@code .ci/slapd.sh}, seeded
 * from src/test/resources/ldap/openldap-seed.ldif). Runs in CI's integration stage, not in
 * {@code mvn verify}.
 */
@Tag("slapd")
class SlapdLdapUserStoreTest {
    private static final String URL = System.getProperty("caravan.it.slapd.url", "ldap://127.0.0.1:3389");
    private final LdapUserStore store = new LdapUserStore("example", new LdapSettings(List.of(URL), false,
            "cn=caravan,ou=services,dc=example,dc=com", "slapd-service-Pa55word", "ou=people,dc=example,dc=com",
            "(uid={0})", "ou=groups,dc=example,dc=com", "(member={0})", "cn", Map.of("email", "mail"),
            Map.of("admins", "administrator"), 4, Duration.ofSeconds(3), Duration.ofSeconds(3), null, null));

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void acceptsWithClaimsAndRoles() {
        Verification verdict = store.verify("example", "jane", "slapd-jane-Pa55word".toCharArray());
        assertThat(verdict).isInstanceOf(Verification.Accepted.class);
        AuthenticatedUser jane = ((Verification.Accepted) verdict).user();
        assertThat(jane.attributes()).containsEntry("email", "jane@example.com");
        assertThat(jane.roles()).containsExactlyInAnyOrder("travellers", "administrator");
    }

    @Test
    void wrongPasswordRejectedUnknownUserUnknown() {
        assertThat(store.verify("example", "jane", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
        assertThat(store.verify("example", "nobody", "x-Pa55".toCharArray())).isInstanceOf(Verification.UnknownUser.class);
    }

    @Test
    void blankPasswordIsNeverAnAnonymousBind() {
        assertThat(store.verify("example", "jane", "".toCharArray())).isInstanceOf(Verification.Rejected.class);
        assertThat(store.verify("example", "jane", "  ".toCharArray())).isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void filterInjectionFindsNobody() {
        assertThat(store.verify("example", "*", "slapd-bob-Pa55word".toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
        assertThat(store.verify("example", "bob)(uid=*", "slapd-bob-Pa55word".toCharArray()))
                .isInstanceOf(Verification.UnknownUser.class);
    }

    @Test
    void ambiguousEntriesAreRefused() {
        assertThat(store.verify("example", "twin", "slapd-twin-Pa55word".toCharArray()))
                .isInstanceOf(Verification.Rejected.class);
        assertThat(store.testConnection("twin", null).stage()).isEqualTo(ConnectionCheck.Stage.USER_SEARCH);
    }

    @Test
    void testConnectionFindsExactlyOne() {
        assertThat(store.testConnection("bob", null).ok()).isTrue();
    }

    @Test
    void testConnectionBindsAsTheProbeUserAndRunsTheGroupSearch() {
        ConnectionCheck ok = store.testConnection("jane", "slapd-jane-Pa55word".toCharArray());
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.message()).contains("found 2 groups");
        assertThat(store.testConnection("jane", "wrong".toCharArray()).stage()).isEqualTo(ConnectionCheck.Stage.USER_BIND);
    }

    @Test
    void aWrongGroupSearchBaseIsAGroupSearchFailureAndLoginsAreUnavailable() {
        LdapSettings s = store.settings();
        try (LdapUserStore wrong = new LdapUserStore("example", new LdapSettings(s.urls(), false, s.bindDn(),
                s.bindPassword(), s.userSearchBase(), s.userFilter(), "ou=nogroups,dc=example,dc=com", s.groupFilter(),
                s.groupNameAttribute(), s.claimAttributes(), s.roleMappings(), 4, Duration.ofSeconds(3),
                Duration.ofSeconds(3), null, null))) {
            assertThat(wrong.testConnection("jane", "slapd-jane-Pa55word".toCharArray()).stage())
                    .isEqualTo(ConnectionCheck.Stage.GROUP_SEARCH);
            assertThat(wrong.verify("example", "jane", "slapd-jane-Pa55word".toCharArray()))
                    .isInstanceOf(Verification.Unavailable.class);
        }
    }

    /**
     * 600 groups, more than slapd's default size limit of 500: a paged search reads them all
     * (the service account may page past the limit: {@code limits ... size.prtotal=unlimited} in
     * .ci/slapd.sh); an anonymous search, which slapd cuts at 500 even when paged, is an error
     * naming the organization, never 500 roles; so is a user with more groups than maxRoles.
     */
    @Test
    void moreGroupsThanSlapdsSizeLimitArePagedOrTheLoginIsUnavailable() throws Exception {
        int groups = 600;
        try (LDAPConnection admin = new LDAPConnection(new LDAPURL(URL).getHost(), new LDAPURL(URL).getPort(),
                "cn=admin,dc=example,dc=com", "slapd-it-admin-password")) {
            admin.add("dn: ou=many,ou=groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: many");
            for (int i = 0; i < groups; i++) {
                admin.add("dn: cn=crew\\, no. " + i + ",ou=many,ou=groups,dc=example,dc=com", "objectClass: groupOfNames",
                        "cn: crew, no. " + i, "member: uid=bob,ou=people,dc=example,dc=com");
            }
            try {
                AuthenticatedUser bob = ((Verification.Accepted) store.verify("example", "bob",
                        "slapd-bob-Pa55word".toCharArray())).user();
                assertThat(bob.roles()).hasSizeGreaterThan(groups).contains("crew, no. 0", "crew, no. 599");

                LdapSettings s = store.settings();
                try (LdapUserStore anonymous = new LdapUserStore("example", new LdapSettings(s.urls(), false, null, null,
                        s.userSearchBase(), s.userFilter(), s.groupSearchBase(), s.groupFilter(), s.groupNameAttribute(),
                        s.claimAttributes(), s.roleMappings(), 4, Duration.ofSeconds(3), Duration.ofSeconds(3), null,
                        null))) {
                    Verification cut = anonymous.verify("example", "bob", "slapd-bob-Pa55word".toCharArray());
                    assertThat(cut).isInstanceOf(Verification.Unavailable.class);
                    assertThat(((Verification.Unavailable) cut).reason()).contains("organization 'example'")
                            .contains("size limit");
                }
                try (LdapUserStore capped = new LdapUserStore("example", store.settings().withGroupSearch(200, 550,
                        false, 5))) {
                    assertThat(capped.verify("example", "bob", "slapd-bob-Pa55word".toCharArray()))
                            .isInstanceOf(Verification.Unavailable.class);
                }
            } finally {
                for (int i = 0; i < groups; i++) {
                    admin.delete("cn=crew\\, no. " + i + ",ou=many,ou=groups,dc=example,dc=com");
                }
                admin.delete("ou=many,ou=groups,dc=example,dc=com");
            }
        }
    }
}
