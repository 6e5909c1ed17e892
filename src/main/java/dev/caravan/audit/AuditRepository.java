package dev.caravan.audit;

import dev.caravan.registry.Db;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code audit_event} table. Inserting is idempotent by event id, portably (H2 and
 * PostgreSQL): ids already present are skipped, and a row a concurrent insert won is skipped
 * too. So a message redelivered after a crash between the insert and the acknowledgement is
 * stored exactly once.
 */
@Repository
public class AuditRepository {
    private static final String INSERT = """
            insert into audit_event(id, event_time, event_type, organization, username, client_id, detail)
            values (?, ?, ?, ?, ?, ?, ?)""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public AuditRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** Stores the events whose ids are new; returns those (in order), the rest were stored before. */
    public List<AuditEvent> insertNew(List<AuditEvent> events) {
        Set<String> known = existing(events);
        List<AuditEvent> fresh = new ArrayList<>();
        Set<String> seen = new HashSet<>(known);
        for (AuditEvent event : events) {
            if (seen.add(event.id())) {
                fresh.add(event);
            }
        }
        if (fresh.isEmpty()) {
            return fresh;
        }
        try {
            template.batchUpdate(INSERT, fresh, fresh.size(), AuditRepository::bind);
            return fresh;
        } catch (DuplicateKeyException raced) {
            // another consumer stored some of them meanwhile: one by one, skipping those
            List<AuditEvent> stored = new ArrayList<>();
            for (AuditEvent event : fresh) {
                try {
                    template.update(INSERT, ps -> bind(ps, event));
                    stored.add(event);
                } catch (DuplicateKeyException duplicate) {
                    // stored by the other one
                }
            }
            return stored;
        }
    }

    private Set<String> existing(List<AuditEvent> events) {
        List<String> ids = events.stream().map(AuditEvent::id).distinct().toList();
        if (ids.isEmpty()) {
            return Set.of();
        }
        String marks = ids.stream().map(id -> "?").collect(Collectors.joining(","));
        return new HashSet<>(jdbc.sql("select id from audit_event where id in (" + marks + ")")
                .params(ids).query(String.class).list());
    }

    private static void bind(PreparedStatement ps, AuditEvent event) throws SQLException {
        ps.setString(1, event.id());
        ps.setObject(2, Db.ts(event.time()));
        ps.setString(3, event.type().name());
        ps.setString(4, event.organization());
        ps.setString(5, event.username());
        ps.setString(6, event.clientId());
        ps.setString(7, AuditJson.writeDetail(event.detail()));
    }

    /** Filters of {@link #find}; null fields do not filter. {@code from} inclusive, {@code to} exclusive. */
    public record Query(String organization, String username, AuditEventType type, Instant from, Instant to,
                        int limit) {}

    /** Matching events, newest first. */
    public List<AuditEvent> find(Query query) {
        StringBuilder sql = new StringBuilder("select * from audit_event where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (query.organization() != null) {
            sql.append(" and organization = ?");
            params.add(query.organization());
        }
        if (query.username() != null) {
            sql.append(" and username = ?");
            params.add(query.username());
        }
        if (query.type() != null) {
            sql.append(" and event_type = ?");
            params.add(query.type().name());
        }
        if (query.from() != null) {
            sql.append(" and event_time >= ?");
            params.add(Db.ts(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and event_time < ?");
            params.add(Db.ts(query.to()));
        }
        sql.append(" order by event_time desc, id desc limit ?");
        params.add(query.limit());
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> {
            Map<String, String> detail = new LinkedHashMap<>(AuditJson.readDetail(rs.getString("detail")));
            return new AuditEvent(rs.getString("id"), Db.instant(rs, "event_time"),
                    AuditEventType.valueOf(rs.getString("event_type")), rs.getString("organization"),
                    rs.getString("username"), rs.getString("client_id"), detail);
        }).list();
    }
}
