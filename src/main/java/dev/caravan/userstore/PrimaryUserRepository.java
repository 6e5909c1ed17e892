package dev.caravan.userstore;

import dev.caravan.registry.Db;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The primary store's users. Usernames are unique within an organization by their comparison
 * key ({@link Usernames#key}: ignoring case and compatibility variants), held in
 * {@code username_key}; a name reaches the user spelled exactly so, else the one with its key.
 */
@Repository
public class PrimaryUserRepository {
    private static final Logger log = LoggerFactory.getLogger(PrimaryUserRepository.class);
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
        String key = Usernames.key(username);
        if (key.length() > Usernames.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("the username is too long once normalized");
        }
        PrimaryUser user = new PrimaryUser(Db.newId(), organizationId, username, passwordHash, Set.copyOf(roles),
                email, enabled, Instant.now());
        jdbc.sql("""
                insert into primary_user(id, organization_id, username, username_key, password_hash, roles, email,
                                         enabled, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(user.id(), organizationId, username, key, passwordHash, Db.joinList(roles), email, enabled,
                        Db.ts(user.createdAt()))
                .update();
        return user;
    }

    /**
     * The user a normalized name reaches in the organization: the one spelled exactly so (only
     * users left without a key by a clash, see {@link #assignMissingKeys}, can make that differ),
     * else the one whose name has the same key.
     */
    public Optional<PrimaryUser> find(String organizationId, String username) {
        String key = Usernames.key(username);
        List<PrimaryUser> found = jdbc.sql("select * from primary_user where organization_id = ?"
                        + " and (username = ? or username_key = ?)")
                // a key too long to be stored matches none ("" is never a stored key)
                .params(organizationId, username, key.length() > Usernames.MAX_KEY_LENGTH ? "" : key)
                .query(ROW).list();
        return found.stream().filter(u -> u.username().equals(username)).findFirst()
                .or(() -> found.stream().findFirst());
    }

    /** As {@link #find}, for the organization of this name, in one query. */
    public Optional<PrimaryUser> findInOrganizationNamed(String organizationName, String username) {
        String key = Usernames.key(username);
        List<PrimaryUser> found = jdbc.sql("select u.* from primary_user u join organization o on o.id = u.organization_id"
                        + " where o.name = ? and (u.username = ? or u.username_key = ?)")
                .params(organizationName, username, key.length() > Usernames.MAX_KEY_LENGTH ? "" : key)
                .query(ROW).list();
        return found.stream().filter(u -> u.username().equals(username)).findFirst()
                .or(() -> found.stream().findFirst());
    }

    /** Whether another user of the organization has a name with this one's key. */
    public boolean existsWithKey(String organizationId, String username) {
        return jdbc.sql("select count(*) from primary_user where organization_id = ? and username_key = ?")
                .params(organizationId, Usernames.key(username)).query(Integer.class).single() > 0;
    }

    private record Unkeyed(String id, String organizationId, String username) {}

    /**
     * Gives every user stored without a key (created before keys existed, or by an older node)
     * its key, and its name in normalized form. Users whose keys clash get none and keep their
     * exact spelling as their only login; they, and names that are no longer accepted, are
     * logged for an admin to resolve. Safe to run on several nodes at once.
     */
    public void assignMissingKeys() {
        List<Unkeyed> unkeyed = jdbc.sql("select id, organization_id, username from primary_user"
                        + " where username_key is null order by organization_id, username")
                .query((rs, n) -> new Unkeyed(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        Map<String, List<Unkeyed>> byKey = new HashMap<>();
        for (Unkeyed user : unkeyed) {
            String normalized = Usernames.normalize(user.username());
            if (normalized == null || Usernames.key(normalized).length() > Usernames.MAX_KEY_LENGTH) {
                log.warn("primary user '{}' (organization id {}) has a name that is no longer accepted (a control or"
                        + " format character, or too long): they cannot log in until an admin deletes and recreates"
                        + " them", printable(user.username()), user.organizationId());
                continue;
            }
            byKey.computeIfAbsent(user.organizationId() + "\u0000" + Usernames.key(normalized),
                    k -> new ArrayList<>()).add(user);
        }
        for (List<Unkeyed> group : byKey.values()) {
            Unkeyed user = group.get(0);
            String normalized = Usernames.normalize(user.username());
            if (group.size() > 1 || existsWithKey(user.organizationId(), normalized)) {
                log.warn("primary users {} (organization id {}) have the name of another user of the organization but"
                        + " for case, spacing or similar: each logs in by its exact spelling only until an admin"
                        + " deletes all but one", group.stream().map(u -> "'" + printable(u.username()) + "'").toList(),
                        user.organizationId());
                continue;
            }
            try {
                jdbc.sql("update primary_user set username_key = ?, username = ? where id = ? and username_key is null")
                        .params(Usernames.key(normalized), normalized, user.id()).update();
                if (!normalized.equals(user.username())) {
                    log.info("primary user '{}' (organization id {}) is now named '{}' (normalized)",
                            printable(user.username()), user.organizationId(), normalized);
                }
            } catch (DataIntegrityViolationException e) {
                log.warn("primary user '{}' (organization id {}) clashes with another user: logs in by its exact"
                        + " spelling only", printable(user.username()), user.organizationId());
            }
        }
    }

    /** A stored name for a log line: control characters shown as code points. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
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
