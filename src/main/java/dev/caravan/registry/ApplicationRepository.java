package dev.caravan.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ApplicationRepository {
    private static final RowMapper<Application> ROW = (rs, n) -> new Application(
            rs.getString("id"),
            rs.getString("organization_id"),
            rs.getString("owner_id"),
            rs.getString("name"),
            rs.getString("consumer_key"),
            rs.getString("consumer_secret_hash"),
            Db.splitSet(rs.getString("grant_types")),
            Db.instant(rs, "created_at"));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    public ApplicationRepository(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public Application create(String organizationId, String ownerId, String name, String consumerKey,
                              String consumerSecretHash, Set<String> grantTypes) {
        Application app = new Application(Db.newId(), organizationId, ownerId, name, consumerKey,
                consumerSecretHash, grantTypes, Instant.now());
        jdbc.sql("""
                insert into application(id, organization_id, owner_id, name, consumer_key, consumer_secret_hash,
                                        grant_types, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(app.id(), organizationId, ownerId, name, consumerKey, consumerSecretHash,
                        Db.joinList(grantTypes), Db.ts(app.createdAt()))
                .update();
        events.publishEvent(new RegistryChangedEvent("application"));
        return app;
    }

    public Optional<Application> findByConsumerKey(String consumerKey) {
        return jdbc.sql("select * from application where consumer_key = ?").param(consumerKey).query(ROW).optional();
    }

    public Optional<Application> findById(String id) {
        return jdbc.sql("select * from application where id = ?").param(id).query(ROW).optional();
    }

    public Optional<Application> findByName(String organizationId, String name) {
        return jdbc.sql("select * from application where organization_id = ? and name = ?")
                .params(organizationId, name).query(ROW).optional();
    }

    public List<Application> findByOrganization(String organizationId) {
        return jdbc.sql("select * from application where organization_id = ? order by name")
                .param(organizationId).query(ROW).list();
    }

    public List<Application> findAll() {
        return jdbc.sql("select * from application").query(ROW).list();
    }

    /** Each application's owner's username, by application id (one query for all of them). */
    public java.util.Map<String, String> ownerNames() {
        java.util.Map<String, String> names = new java.util.HashMap<>();
        jdbc.sql("select a.id, u.username from application a join primary_user u on u.id = a.owner_id")
                .query(rs -> {
                    names.put(rs.getString(1), rs.getString(2));
                });
        return names;
    }

    public void updateSecretHash(String id, String consumerSecretHash) {
        jdbc.sql("update application set consumer_secret_hash = ? where id = ?").params(consumerSecretHash, id).update();
        events.publishEvent(new RegistryChangedEvent("application"));
    }

    public boolean delete(String id) {
        boolean deleted = jdbc.sql("delete from application where id = ?").param(id).update() > 0;
        if (deleted) {
            events.publishEvent(new RegistryChangedEvent("application"));
        }
        return deleted;
    }
}
