package dev.caravan.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class OrganizationRepository {
    private static final RowMapper<Organization> ROW = (rs, n) -> new Organization(
            rs.getString("id"), rs.getString("name"), rs.getString("display_name"), Db.instant(rs, "created_at"));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    public OrganizationRepository(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public Organization create(String name, String displayName) {
        Organization org = new Organization(Db.newId(), name, displayName, Instant.now());
        jdbc.sql("insert into organization(id, name, display_name, created_at) values (?, ?, ?, ?)")
                .params(org.id(), org.name(), org.displayName(), Db.ts(org.createdAt()))
                .update();
        events.publishEvent(new RegistryChangedEvent("organization"));
        return org;
    }

    public Optional<Organization> findByName(String name) {
        return jdbc.sql("select * from organization where name = ?").param(name).query(ROW).optional();
    }

    public Optional<Organization> findById(String id) {
        return jdbc.sql("select * from organization where id = ?").param(id).query(ROW).optional();
    }

    public List<Organization> findAll() {
        return jdbc.sql("select * from organization order by name").query(ROW).list();
    }

    public boolean delete(String id) {
        boolean deleted = jdbc.sql("delete from organization where id = ?").param(id).update() > 0;
        if (deleted) {
            events.publishEvent(new RegistryChangedEvent("organization"));
        }
        return deleted;
    }
}
