package dev.caravan.userstore.external;

import static dev.caravan.userstore.DefinitionFields.duration;
import static dev.caravan.userstore.DefinitionFields.integer;
import static dev.caravan.userstore.DefinitionFields.onlyKnown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.UserStoreKind;
import dev.caravan.userstore.external.SecondaryStoreDefinition.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/**
 * Reads and writes secondary-store definitions as JSON documents, the one shape shared by the
 * admin API, the database and the declarative {@code caravan.userstores} settings. Every field is
 * checked, and an error names it; a field Caravan does not know, at any level, is an error too
 * (naming its path, e.g. {@code timout} or {@code ldap.bindDnn}), so a misspelt setting is never
 * silently replaced by its default. The {@code <secret>Set} flags of a written-out document are
 * known (read-only: ignored), so a document read from the admin API can be sent back. Secrets (the
 * {@link UserStoreKind#secretFields()} of each kind, e.g. {@code ldap.bindPassword}) are write-only: a document that omits one keeps the
 * previous value, an explicit {@code null} or {@code ""} clears it, and a written-out document
 * either transforms them (encryption for storage) or shows only whether they are set.
 * The kind's own settings are read and written by its {@link UserStoreKind}, found by name among
 * the kinds the application has.
 */
@Component
public class StoreDefinitions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COMMON_FIELDS = Set.of("kind", "mode", "timeout", "consumers", "maxInFlight",
            "circuitBreaker");
    private static final Set<String> BREAKER_FIELDS = Set.of("failureThreshold", "openDuration");
    private final Map<String, UserStoreKind<?>> kinds = new TreeMap<>();
    private final Set<String> fields = new HashSet<>(COMMON_FIELDS);

    public StoreDefinitions(Collection<? extends UserStoreKind<?>> kinds) {
        for (UserStoreKind<?> kind : kinds) {
            if (!kind.name().matches("[a-z][a-z0-9-]{0,15}")) { // stored in a varchar(16) column
                throw new IllegalStateException("userstore kind '" + kind.name() + "': not 1 to 16 lower-case letters,"
                        + " digits or dashes");
            }
            if (this.kinds.put(kind.name(), kind) != null || !fields.add(kind.settingsField())) {
                throw new IllegalStateException("two userstore kinds named '" + kind.name() + "' or with settings in '"
                        + kind.settingsField() + "'");
            }
        }
    }

    /** The kinds by name, e.g. {@code ldap}, in the order of their names. */
    public Collection<UserStoreKind<?>> kinds() {
        return kinds.values();
    }

    /** The kind a definition names. */
    public UserStoreKind<?> kind(String name) {
        UserStoreKind<?> kind = kinds.get(name);
        if (kind == null) {
            throw new IllegalStateException("no userstore kind '" + name + "' here");
        }
        return kind;
    }

    /** The secret fields of every kind, each with its settings field in front, e.g. {@code ldap.bindPassword}. */
    public List<String> secretFields() {
        List<String> secrets = new ArrayList<>();
        kinds.values().forEach(k -> k.secretFields().forEach(s -> secrets.add(k.settingsField() + "." + s)));
        return secrets;
    }

    /** A definition from the admin API or configuration: unknown fields are refused. */
    public SecondaryStoreDefinition parse(String organization, JsonNode doc,
            Optional<SecondaryStoreDefinition> previous) {
        return parse(organization, doc, previous, true);
    }

    /**
     * A definition as stored by {@link #write}: fields this version does not know (written by a
     * newer node during a rolling update) are skipped rather than making the store unreadable.
     */
    public SecondaryStoreDefinition parseStored(String organization, JsonNode doc) {
        return parse(organization, doc, Optional.empty(), false);
    }

    private SecondaryStoreDefinition parse(String organization, JsonNode doc,
            Optional<SecondaryStoreDefinition> previous, boolean strict) {
        if (doc == null || !doc.isObject()) {
            throw new InvalidStoreDefinitionException("", "the definition must be a JSON object");
        }
        if (strict) {
            onlyKnown(doc, fields, "");
            List<String> blocks = new ArrayList<>(List.of("circuitBreaker"));
            kinds.values().forEach(k -> blocks.add(k.settingsField()));
            for (String block : blocks) {
                JsonNode value = doc.get(block);
                if (value != null && !value.isNull() && !value.isObject()) {
                    throw new InvalidStoreDefinitionException(block, "must be an object");
                }
            }
            onlyKnown(doc.path("circuitBreaker"), BREAKER_FIELDS, "circuitBreaker.");
            for (UserStoreKind<?> k : kinds.values()) {
                onlyKnown(doc.path(k.settingsField()), k.fields(), k.settingsField() + ".");
            }
            for (UserStoreKind<?> k : kinds.values()) {
                for (String secret : k.secretFields()) {
                    JsonNode value = doc.path(k.settingsField()).get(secret + "Set");
                    if (value != null && !value.isBoolean()) {
                        throw new InvalidStoreDefinitionException(k.settingsField() + "." + secret + "Set",
                                "is read-only; if sent, it must be true or false");
                    }
                }
            }
        }
        UserStoreKind<?> kind = kindOf(doc);
        Mode mode = enumValue(doc, "mode", Mode.class, Mode.LOCAL);
        if (strict) {
            for (UserStoreKind<?> other : kinds.values()) {
                if (other != kind && doc.hasNonNull(other.settingsField())) {
                    throw new InvalidStoreDefinitionException(other.settingsField(), "only for kind " + other.name());
                }
            }
        }
        Duration timeout = duration(doc, "timeout", Duration.ofSeconds(5));
        int consumers = integer(doc, "consumers", 4, 1, 64);
        int maxInFlight = integer(doc, "maxInFlight", 16, 1, 1024);
        JsonNode breaker = doc.path("circuitBreaker");
        int failureThreshold = integer(breaker, "circuitBreaker.failureThreshold", "failureThreshold", 5, 1, 1000);
        Duration openDuration = duration(breaker, "circuitBreaker.openDuration", "openDuration", Duration.ofSeconds(30));
        Object settings = null;
        if (mode == Mode.LOCAL || doc.has(kind.settingsField())) {
            settings = read(kind, doc.path(kind.settingsField()),
                    previous.filter(p -> p.kind().equals(kind.name())).map(SecondaryStoreDefinition::settings)
                            .orElse(null));
        }
        return new SecondaryStoreDefinition(organization, kind.name(), mode, settings, timeout, consumers,
                maxInFlight, failureThreshold, openDuration);
    }

    private static <S> S read(UserStoreKind<S> kind, JsonNode settings, Object previous) {
        return kind.read(settings, kind.settingsType().isInstance(previous) ? kind.settingsType().cast(previous) : null);
    }

    private UserStoreKind<?> kindOf(JsonNode doc) {
        JsonNode value = doc.get("kind");
        String names = String.join(", ", kinds.keySet());
        if (value == null || value.isNull()) {
            throw new InvalidStoreDefinitionException("kind", "required: one of " + names);
        }
        UserStoreKind<?> kind = kinds.get(value.asText().toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new InvalidStoreDefinitionException("kind", "must be one of " + names);
        }
        return kind;
    }

    /**
     * Writes a definition as a document. {@code secrets} maps (field name, value) to what is
     * written for a secret that is set, or returns null to write {@code <field>Set: true} instead.
     */
    public ObjectNode write(SecondaryStoreDefinition def, BiFunction<String, String, String> secrets) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("kind", def.kind());
        doc.put("mode", def.mode().name().toLowerCase(Locale.ROOT));
        doc.put("timeout", def.timeout().toString());
        doc.put("consumers", def.consumers());
        doc.put("maxInFlight", def.maxInFlight());
        ObjectNode breaker = doc.putObject("circuitBreaker");
        breaker.put("failureThreshold", def.failureThreshold());
        breaker.put("openDuration", def.openDuration().toString());
        if (def.settings() != null) {
            UserStoreKind<?> kind = kind(def.kind());
            doc.set(kind.settingsField(), write(kind, def.settings(), secrets));
        }
        return doc;
    }

    private static <S> ObjectNode write(UserStoreKind<S> kind, Object settings,
            BiFunction<String, String, String> secrets) {
        return kind.write(kind.settingsType().cast(settings), secrets);
    }

    /** For admin answers: secrets appear only as {@code <field>Set: true/false}. */
    public ObjectNode redacted(SecondaryStoreDefinition def) {
        return write(def, (field, value) -> null);
    }

    /** Replaces each stored secret with {@code transform(field, value)} (decryption after reading). */
    public SecondaryStoreDefinition mapSecrets(SecondaryStoreDefinition d, BiFunction<String, String, String> f) {
        Object settings = d.settings() == null ? null : mapSecrets(kind(d.kind()), d.settings(), f);
        return new SecondaryStoreDefinition(d.organization(), d.kind(), d.mode(), settings, d.timeout(), d.consumers(),
                d.maxInFlight(), d.failureThreshold(), d.openDuration());
    }

    private static <S> S mapSecrets(UserStoreKind<S> kind, Object settings, BiFunction<String, String, String> f) {
        return kind.mapSecrets(kind.settingsType().cast(settings), f);
    }

    /** Makes the store a definition describes; only for definitions with their connection settings. */
    public dev.caravan.userstore.ExternalUserStore create(SecondaryStoreDefinition definition) {
        UserStoreKind<?> kind = kind(definition.kind());
        if (definition.settings() == null) {
            throw new IllegalStateException("no " + kind.name() + " settings for '" + definition.organization()
                    + "' here");
        }
        return create(kind, definition);
    }

    private static <S> dev.caravan.userstore.ExternalUserStore create(UserStoreKind<S> kind,
            SecondaryStoreDefinition definition) {
        return kind.create(definition.organization(), kind.settingsType().cast(definition.settings()));
    }

    private static <E extends Enum<E>> E enumValue(JsonNode n, String field, Class<E> type, E fallback) {
        JsonNode value = n.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new InvalidStoreDefinitionException(field, "required: one of " + names(type));
            }
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException(field, "must be one of " + names(type));
        }
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }
}
