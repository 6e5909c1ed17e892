package dev.caravan.userstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One kind of secondary userstore (LDAP, a web service, ...), contributed as a Spring bean by
 * the kind's own package. The kind owns its settings: their name in a definition document, how
 * they are read, checked and written, which of them are secrets, and the store they build. The
 * rest of Caravan finds a kind by {@link #name()} and never names a kind itself.
 *
 * @param <S> the kind's immutable, checked settings
 */
public interface UserStoreKind<S> {

    /** The value of a definition's {@code kind} field: 1 to 16 lower-case letters, digits or dashes, e.g. {@code ldap}. */
    String name();

    /** The field of a definition document that holds this kind's settings, e.g. {@code ldap}. */
    String settingsField();

    Class<S> settingsType();

    /**
     * What {@code caravan.userstores.<organization>.<settings-field>.*} binds to: a record whose
     * components are named as the document's fields (kebab-case in properties), so a key that is
     * not one of them stops start-up naming the key.
     */
    Class<?> propertiesType();

    /**
     * The fields the settings object may have: every other one is refused, naming it. A secret's
     * {@code <secret>Set} flag (read-only) is one of them.
     */
    Set<String> fields();

    /** The secret fields among {@link #fields()}, write-only in the admin API, e.g. {@code bindPassword}. */
    List<String> secretFields();

    /**
     * Reads and checks the settings object. A secret the object omits keeps its value in
     * {@code previous} (null: none); an explicit {@code null} or {@code ""} clears it.
     *
     * @throws InvalidStoreDefinitionException naming the bad field with its settings field in
     *                                         front, e.g. {@code ldap.userFilter}
     */
    S read(JsonNode settings, S previous);

    /**
     * Writes the settings as an object. {@code secrets} maps (field name with the settings field
     * in front, value) to what is written for a secret that is set, or returns null to write
     * {@code <field>Set: true} instead (see {@link DefinitionFields#putSecret}).
     */
    ObjectNode write(S settings, BiFunction<String, String, String> secrets);

    /** These settings with each secret that is set replaced by {@code f(field name, value)}. */
    S mapSecrets(S settings, BiFunction<String, String, String> f);

    /** Builds the organization's store; it owns its connections until closed. */
    ExternalUserStore create(String organization, S settings);
}
