package dev.caravan.userstore;

import dev.caravan.registry.Db;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class PrimaryUserRepository {
    private static final RowMapper<PrimaryUser> ROW = (rs, n) -> new PrimaryUser(
            rs.getString("id"),
            rs.getString("organization_id"),
            rs.getString("username"),
            rs.getString("password_hash"),
            Db.splitSet(rs.getString("roles")),
            rs.getString("email"),
            rs.getBoolean("enabled"),
            Db.instant(rs, "created_at"));

    private final JdbcClient jdbc;

    public PrimaryUserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public PrimaryUser create(String organizationId, String username, String passwordHash, Set<String> roles,
                              String email) {
        return create(organizationId, username, passwordHash, roles, email, true);
    }

    /** As {@link #create(String, String, String, Set, String)}, but possibly disabled from the start. */
    public PrimaryUser create(String organizationId, String username, String passwordHash, Set<String> roles,
                              String email, boolean enabled) {
        PrimaryUser user = new PrimaryUser(Db.newId(), organizationId, username, passwordHash, Set.copyOf(roles),
                email, enabled, Instant.now());
        jdbc.sql("""
                insert into primary_user(id, organization_id, username, password_hash, roles, email, enabled, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(user.id(), organizationId, username, passwordHash, Db.joinList(roles), email, enabled,
                        Db.ts(user.createdAt()))
                .update();
        return user;
    }

    public Optional<PrimaryUser> find(String organizationId, String username) {
        return jdbc.sql("select * from primary_user where organization_id = ? and username = ?")
                .params(organizationId, username).query(ROW).optional();
    }

    public Optional<PrimaryUser> findById(String id) {
        return jdbc.sql("select * from primary_user where id = ?").param(id).query(ROW).optional();
    }

    public List<PrimaryUser> findByOrganization(String organizationId) {
        return jdbc.sql("select * from primary_user where organization_id = ? order by username")
                .param(organizationId).query(ROW).list();
    }

    public void updatePasswordHash(String id, String passwordHash) {
        jdbc.sql("update primary_user set password_hash = ? where id = ?").params(passwordHash, id).update();
    }

    public void update(String id, Set<String> roles, String email, boolean enabled) {
        jdbc.sql("update primary_user set roles = ?, email = ?, enabled = ? where id = ?")
                .params(Db.joinList(roles), email, enabled, id).update();
    }

    public boolean delete(String id) {
        return jdbc.sql("delete from primary_user where id = ?").param(id).update() > 0;
    }
}
