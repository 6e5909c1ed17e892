package dev.caravan.userstore.external;

import static dev.caravan.userstore.DefinitionFields.putSecret;
import static dev.caravan.userstore.DefinitionFields.requiredText;
import static dev.caravan.userstore.DefinitionFields.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.testsupport.InMemoryExternalStore;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.UserStoreKind;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ldap.LdapKind;
import dev.caravan.userstore.webservice.WebServiceKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** A kind that only contributes a {@link UserStoreKind} is read, written, checked and built like the shipped ones. */
class PluggedUserStoreKindTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StoreDefinitions DEFINITIONS =
            new StoreDefinitions(List.of(new LdapKind(), new MemoryKind(), new WebServiceKind()));

    record MemorySettings(String user, String password) {}

    /** One user with one password, settings in {@code memory}. */
    static final class MemoryKind implements UserStoreKind<MemorySettings> {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public String settingsField() {
            return "memory";
        }

        @Override
        public Class<MemorySettings> settingsType() {
            return MemorySettings.class;
        }

        @Override
        public Class<?> propertiesType() {
            return MemorySettings.class;
        }

        @Override
        public Set<String> fields() {
            return Set.of("user", "password", "passwordSet");
        }

        @Override
        public List<String> secretFields() {
            return List.of("password");
        }

        @Override
        public MemorySettings read(JsonNode settings, MemorySettings previous) {
            return new MemorySettings(requiredText(settings, "user", "memory.user"),
                    secret(settings, "password", previous == null ? null : previous.password()));
        }

        @Override
        public ObjectNode write(MemorySettings settings, BiFunction<String, String, String> secrets) {
            ObjectNode node = JSON.createObjectNode().put("user", settings.user());
            putSecret(node, "password", "memory.password", settings.password(), secrets);
            return node;
        }

        @Override
        public MemorySettings mapSecrets(MemorySettings settings, BiFunction<String, String, String> f) {
            return new MemorySettings(settings.user(),
                    settings.password() == null ? null : f.apply("memory.password", settings.password()));
        }

        @Override
        public ExternalUserStore create(String organization, MemorySettings settings) {
            return new InMemoryExternalStore(organization, settings.user(), settings.password());
        }
    }

    private static SecondaryStoreDefinition parse(String json) throws Exception {
        return DEFINITIONS.parse("acme", JSON.readTree(json), Optional.empty());
    }

    private static InvalidStoreDefinitionException refusal(String json) {
        try {
            parse(json);
        } catch (InvalidStoreDefinitionException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void aPluggedKindIsReadWrittenWithItsSecretHiddenAndBuilt() throws Exception {
        SecondaryStoreDefinition definition = parse("{\"kind\":\"Memory\",\"memory\":{\"user\":\"ada\",\"password\":\"pw-1\"}}");
        assertThat(definition.kind()).isEqualTo("memory");
        assertThat(definition.settings(MemorySettings.class)).isEqualTo(new MemorySettings("ada", "pw-1"));

        JsonNode redacted = DEFINITIONS.redacted(definition);
        assertThat(redacted.path("kind").asText()).isEqualTo("memory");
        assertThat(redacted.path("memory").path("passwordSet").asBoolean()).isTrue();
        assertThat(redacted.toString()).doesNotContain("pw-1");
        SecondaryStoreDefinition again = DEFINITIONS.parse("acme", redacted, Optional.of(definition));
        assertThat(again.settings(MemorySettings.class)).isEqualTo(definition.settings(MemorySettings.class));

        try (ExternalUserStore store = DEFINITIONS.create(definition)) {
            assertThat(store.verify("acme", "ada", "pw-1".toCharArray())).isInstanceOf(Verification.Accepted.class);
        }
    }

    @Test
    void aPluggedKindsUnknownFieldOrAnotherKindsSettingsAreRefusedByName() {
        InvalidStoreDefinitionException unknown = refusal("{\"kind\":\"memory\",\"memory\":{\"user\":\"ada\",\"usr\":\"x\"}}");
        assertThat(unknown.field()).isEqualTo("memory.usr");
        InvalidStoreDefinitionException other = refusal("{\"kind\":\"ldap\",\"memory\":{\"user\":\"ada\"}}");
        assertThat(other.field()).isEqualTo("memory");
        assertThat(other.getMessage()).isEqualTo("only for kind memory");
        InvalidStoreDefinitionException kind = refusal("{\"kind\":\"nfs\"}");
        assertThat(kind.field()).isEqualTo("kind");
        assertThat(kind.getMessage()).isEqualTo("must be one of ldap, memory, webservice");
    }

    @Test
    void twoKindsOfOneNameAreRefusedAtStartUp() {
        assertThatThrownBy(() -> new StoreDefinitions(List.of(new MemoryKind(), new MemoryKind())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("memory");
    }
}
