package dev.caravan.userstore.external;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.registry.Db;
import dev.caravan.registry.RegistryChangedEvent;
import dev.caravan.secrets.SecretBox;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Secondary-store definitions, one per organization. Secrets are sealed with {@link SecretBox}
 * (bound to the organization and field) before they are written and opened when read. Every
 * change publishes {@code RegistryChangedEvent("userstore")}.
 */
@Repository
public class SecondaryStoreRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final ApplicationEventPublisher events;

    public SecondaryStoreRepository(JdbcClient jdbc, SecretBox secrets, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.events = events;
    }

    private static String context(String organization, String field) {
        return "secondary_userstore/" + organization + "/" + field;
    }

    public void save(String organizationId, SecondaryStoreDefinition definition) {
        String document = StoreDefinitions.write(definition,
                (field, value) -> secrets.seal(value, context(definition.organization(), field))).toString();
        int updated = jdbc.sql("update secondary_userstore set kind = ?, mode = ?, definition = ?, updated_at = ?"
                        + " where organization_id = ?")
                .params(lower(definition.kind()), lower(definition.mode()), document, Db.ts(Instant.now()), organizationId)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into secondary_userstore(organization_id, kind, mode, definition, updated_at)"
                            + " values (?, ?, ?, ?, ?)")
                    .params(organizationId, lower(definition.kind()), lower(definition.mode()), document,
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

    private SecondaryStoreDefinition read(String organization, String document) {
        try {
            SecondaryStoreDefinition sealed = StoreDefinitions.parseStored(organization, JSON.readTree(document));
            return StoreDefinitions.mapSecrets(sealed, (field, value) -> secrets.open(value, context(organization, field)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the stored userstore of '" + organization + "' is not JSON");
        }
    }
}
