package dev.caravan.userstore.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.external.ConnectionCheck;
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
}
