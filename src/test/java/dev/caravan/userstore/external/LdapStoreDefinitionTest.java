package dev.caravan.userstore.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.ldap.LdapKind;
import dev.caravan.userstore.ldap.LdapSettings;
import dev.caravan.userstore.webservice.WebServiceKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The LDAP pool and group-search settings of a store definition: defaults, ranges, a round trip. */
class LdapStoreDefinitionTest {
    private static final StoreDefinitions DEFINITIONS =
            new StoreDefinitions(List.of(new LdapKind(), new WebServiceKind()));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SecondaryStoreDefinition parse(String extra) throws Exception {
        return DEFINITIONS.parse("acme", JSON.readTree("{\"kind\":\"ldap\",\"ldap\":{\"urls\":[\"ldap://127.0.0.1:389\"],"
                + "\"userSearchBase\":\"ou=people,dc=example,dc=com\"" + extra + "}}"), Optional.empty());
    }

    private static String fieldOf(String extra) {
        try {
            parse(extra);
        } catch (InvalidStoreDefinitionException e) {
            return e.field();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + extra);
    }

    @Test
    void absentSettingsTakeTheDocumentedDefaults() throws Exception {
        LdapSettings ldap = parse("").settings(LdapSettings.class);
        assertThat(ldap.bindPoolSize()).isEqualTo(4);
        assertThat(ldap.maxConnectionAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(ldap.healthCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ldap.groupPageSize()).isEqualTo(500);
        assertThat(ldap.maxRoles()).isEqualTo(1000);
        assertThat(ldap.nestedGroups()).isFalse();
        assertThat(ldap.nestedGroupDepth()).isEqualTo(5);
    }

    @Test
    void givenSettingsSurviveAWriteAndARead() throws Exception {
        SecondaryStoreDefinition saved = parse(",\"bindPoolSize\":8,\"maxConnectionAge\":\"1h\",\"healthCheckInterval\":\"5s\","
                + "\"groupPageSize\":100,\"maxRoles\":3000,\"nestedGroups\":true,\"nestedGroupDepth\":2");
        SecondaryStoreDefinition again = DEFINITIONS.parse("acme", DEFINITIONS.redacted(saved), Optional.empty());
        assertThat(again.settings(LdapSettings.class)).isEqualTo(saved.settings(LdapSettings.class));
        assertThat(again.settings(LdapSettings.class).maxConnectionAge()).isEqualTo(Duration.ofHours(1));
        assertThat(again.settings(LdapSettings.class).nestedGroupDepth()).isEqualTo(2);
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheirField() {
        assertThat(fieldOf(",\"bindPoolSize\":0")).isEqualTo("ldap.bindPoolSize");
        assertThat(fieldOf(",\"maxConnectionAge\":\"25h\"")).isEqualTo("ldap.maxConnectionAge");
        assertThat(fieldOf(",\"healthCheckInterval\":\"10ms\"")).isEqualTo("ldap.healthCheckInterval");
        assertThat(fieldOf(",\"groupPageSize\":5001")).isEqualTo("ldap.groupPageSize");
        assertThat(fieldOf(",\"maxRoles\":0")).isEqualTo("ldap.maxRoles");
        assertThat(fieldOf(",\"nestedGroups\":\"yes\"")).isEqualTo("ldap.nestedGroups");
        assertThat(fieldOf(",\"nestedGroupDepth\":11")).isEqualTo("ldap.nestedGroupDepth");
        assertThatThrownBy(() -> parse(",\"maxRole\":10")).isInstanceOf(InvalidStoreDefinitionException.class)
                .extracting(e -> ((InvalidStoreDefinitionException) e).field()).isEqualTo("ldap.maxRole");
    }
}
