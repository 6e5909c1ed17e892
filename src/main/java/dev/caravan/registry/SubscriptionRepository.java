package dev.caravan.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class SubscriptionRepository {
    private static final RowMapper<Subscription> ROW = (rs, n) -> new Subscription(
            rs.getString("id"), rs.getString("application_id"), rs.getString("api_id"), rs.getString("tier"),
            Db.instant(rs, "created_at"));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    public SubscriptionRepository(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public Subscription create(String applicationId, String apiId, String tier) {
        Subscription sub = new Subscription(Db.newId(), applicationId, apiId, tier, Instant.now());
        jdbc.sql("insert into subscription(id, application_id, api_id, tier, created_at) values (?, ?, ?, ?, ?)")
                .params(sub.id(), applicationId, apiId, tier, Db.ts(sub.createdAt()))
                .update();
        events.publishEvent(new RegistryChangedEvent("subscription"));
        return sub;
    }

    public Optional<Subscription> findById(String id) {
        return jdbc.sql("select * from subscription where id = ?").param(id).query(ROW).optional();
    }

    public List<Subscription> findByApplication(String applicationId) {
        return jdbc.sql("select * from subscription where application_id = ? order by created_at")
                .param(applicationId).query(ROW).list();
    }

    public List<Subscription> findByApi(String apiId) {
        return jdbc.sql("select * from subscription where api_id = ? order by created_at")
                .param(apiId).query(ROW).list();
    }

    public List<Subscription> findAll() {
        return jdbc.sql("select * from subscription").query(ROW).list();
    }

    public boolean delete(String id) {
        boolean deleted = jdbc.sql("delete from subscription where id = ?").param(id).update() > 0;
        if (deleted) {
            events.publishEvent(new RegistryChangedEvent("subscription"));
        }
        return deleted;
    }
}
