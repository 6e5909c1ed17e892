package dev.caravan.userstore.external;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.registry.Db;
import dev.caravan.registry.RegistryChangedEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.secrets.SealedValues;
import dev.caravan.secrets.SecretBox;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Secondary-store definitions, one per organization. Secrets are sealed with {@link SecretBox}
 * (bound to the organization and field) before they are written and opened when read. Every
 * change publishes {@code RegistryChangedEvent("userstore")}; re-sealing with another key
 * ({@link SealedValues}) is not a change: the secrets stay the same.
 */
@Repository
public class SecondaryStoreRepository implements SealedValues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(SecondaryStoreRepository.class);

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final ApplicationEventPublisher events;
    private final StoreDefinitions definitions;

    public SecondaryStoreRepository(JdbcClient jdbc, SecretBox secrets, ApplicationEventPublisher events,
            StoreDefinitions definitions) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.events = events;
        this.definitions = definitions;
    }

    private static String context(String organization, String field) {
        return "secondary_userstore/" + organization + "/" + field;
    }

    public void save(String organizationId, SecondaryStoreDefinition definition) {
        String document = definitions.write(definition,
                (field, value) -> secrets.seal(value, context(definition.organization(), field))).toString();
        int updated = jdbc.sql("update secondary_userstore set kind = ?, mode = ?, definition = ?, updated_at = ?"
                        + " where organization_id = ?")
                .params(definition.kind(), lower(definition.mode()), document, Db.ts(Instant.now()), organizationId)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into secondary_userstore(organization_id, kind, mode, definition, updated_at)"
                            + " values (?, ?, ?, ?, ?)")
                    .params(organizationId, definition.kind(), lower(definition.mode()), document,
                            Db.ts(Instant.now()))
                    .update();
        }
        events.publishEvent(new RegistryChangedEvent("userstore"));
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public Optional<SecondaryStoreDefinition> find(String organizationName) {
        return jdbc.sql("select o.name, s.definition from secondary_userstore s join organization o"
                        + " on o.id = s.organization_id where o.name = ?")
                .param(organizationName)
                .query((rs, n) -> read(rs.getString(1), rs.getString(2)))
                .optional();
    }

    public List<SecondaryStoreDefinition> findAll() {
        return jdbc.sql("select o.name, s.definition from secondary_userstore s join organization o"
                        + " on o.id = s.organization_id order by o.name")
                .query((rs, n) -> read(rs.getString(1), rs.getString(2)))
                .list();
    }

    public boolean delete(String organizationId) {
        boolean deleted = jdbc.sql("delete from secondary_userstore where organization_id = ?")
                .param(organizationId).update() > 0;
        if (deleted) {
            events.publishEvent(new RegistryChangedEvent("userstore"));
        }
        return deleted;
    }

    /** One stored row as written: its organization, name and document. */
    private record Stored(String organizationId, String organization, String document) {}

    private List<Stored> stored() {
        return jdbc.sql("select s.organization_id, o.name, s.definition from secondary_userstore s join organization o"
                        + " on o.id = s.organization_id order by o.name")
                .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    /** The sealed values of a stored document by field ({@code ldap.bindPassword}), as stored. */
    private Map<String, String> sealedFields(Stored row) throws java.io.IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        SecondaryStoreDefinition sealed = definitions.parse(row.organization(), JSON.readTree(row.document()),
                Optional.empty());
        definitions.mapSecrets(sealed, (field, value) -> {
            fields.put(field, value);
            return value;
        });
        return fields;
    }

    @Override
    public String name() {
        return "secondary_userstore";
    }

    @Override
    public Map<String, Integer> census() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Stored row : stored()) {
            try {
                sealedFields(row).values().forEach(value -> {
                    String id = SecretBox.keyIdOf(value);
                    counts.merge(id == null ? "unsealed" : id, 1, Integer::sum);
                });
            } catch (java.io.IOException | RuntimeException e) {
                counts.merge("unreadable", 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Re-seals each secret of each stored definition with the current key; only the secrets'
     * fields of the document change (found where {@link StoreDefinitions#mapSecrets} says they are),
     * and a row is written only if it still holds the document that was read.
     */
    @Override
    public Resealed reseal() {
        int resealed = 0;
        int current = 0;
        int unreadable = 0;
        int changed = 0;
        for (Stored row : stored()) {
            ObjectNode document;
            Map<String, String> fields;
            try {
                document = (ObjectNode) JSON.readTree(row.document());
                fields = sealedFields(row);
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("the stored userstore of '{}' cannot be read to re-seal it", row.organization());
                unreadable++;
                continue;
            }
            int inRow = 0;
            for (Map.Entry<String, String> field : fields.entrySet()) {
                if (secrets.isCurrent(field.getValue())) {
                    current++;
                    continue;
                }
                String value;
                try {
                    value = secrets.reseal(field.getValue(), context(row.organization(), field.getKey()));
                } catch (IllegalStateException e) {
                    log.warn("the userstore of '{}': {} cannot be re-sealed: {}", row.organization(), field.getKey(),
                            e.getMessage());
                    unreadable++;
                    continue;
                }
                String[] path = field.getKey().split("\\.", 2);
                JsonNode section = document.get(path[0]);
                if (section instanceof ObjectNode object && object.has(path[1])) {
                    object.put(path[1], value);
                    inRow++;
                }
            }
            if (inRow == 0) {
                continue;
            }
            if (jdbc.sql("update secondary_userstore set definition = ? where organization_id = ? and definition = ?")
                    .params(document.toString(), row.organizationId(), row.document()).update() == 1) {
                resealed += inRow;
            } else {
                changed += inRow;
            }
        }
        return new Resealed(name(), resealed, current, unreadable, changed);
    }

    private SecondaryStoreDefinition read(String organization, String document) {
        try {
            SecondaryStoreDefinition sealed = definitions.parseStored(organization, JSON.readTree(document));
            return definitions.mapSecrets(sealed, (field, value) -> secrets.open(value, context(organization, field)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the stored userstore of '" + organization + "' is not JSON");
        }
    }
}
