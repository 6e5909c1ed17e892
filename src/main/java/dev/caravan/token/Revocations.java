package dev.caravan.token;

import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.registry.Db;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Revoked access tokens (by {@code jti}) and revoked refresh families (by {@code sid}). Held in
 * memory so the API-call path never reads the database; persisted so restarts and other
 * nodes see them (other nodes pick new rows up within the poll interval).
 */
@Component
public class Revocations {
    static final String JTI = "jti";
    static final String FAMILY = "family";

    private final JdbcClient jdbc;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> families = new ConcurrentHashMap<>();
    private volatile Instant seenUpTo = Instant.EPOCH;

    public Revocations(JdbcClient jdbc) {
        this.jdbc = jdbc;
        refresh();
    }

    public boolean isRevoked(AccessTokenClaims claims) {
        return tokens.containsKey(claims.jti()) || (claims.family() != null && families.containsKey(claims.family()));
    }

    public boolean isFamilyRevoked(String family) {
        return families.containsKey(family);
    }

    /**
     * Whether the database holds a live revocation of this token or its family: what token
     * endpoints decide by (introspection, refresh), so that a revocation made through another node
     * counts at once there; the API-call path uses this node's copy, which follows within the poll.
     */
    public boolean isRevokedInDatabase(AccessTokenClaims claims) {
        return storedRevocation(JTI, claims.jti())
                || (claims.family() != null && storedRevocation(FAMILY, claims.family()));
    }

    /** As {@link #isRevokedInDatabase(AccessTokenClaims)} for a refresh family. */
    public boolean isFamilyRevokedInDatabase(String family) {
        return storedRevocation(FAMILY, family);
    }

    private boolean storedRevocation(String kind, String item) {
        return jdbc.sql("select count(*) from revocation where kind = ? and item = ? and expires_at > ?")
                .params(kind, item, Db.ts(Instant.now())).query(Integer.class).single() > 0;
    }

    public void revokeToken(String jti, Instant expiresAt) {
        store(JTI, jti, expiresAt);
        tokens.put(jti, expiresAt);
    }

    public void revokeFamily(String family, Instant expiresAt) {
        store(FAMILY, family, expiresAt);
        families.put(family, expiresAt);
    }

    private void store(String kind, String value, Instant expiresAt) {
        Instant now = Instant.now();
        int updated = jdbc.sql("update revocation set expires_at = ? where kind = ? and item = ?")
                .params(Db.ts(expiresAt), kind, value).update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into revocation(kind, item, expires_at, created_at) values (?, ?, ?, ?)")
                        .params(kind, value, Db.ts(expiresAt), Db.ts(now)).update();
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                // another request revoked the same thing at the same moment
            }
        }
    }

    /** Picks up revocations made by other nodes and forgets expired ones. */
    @Scheduled(fixedDelayString = "${caravan.token.revocation-poll:2s}")
    public void refresh() {
        Instant now = Instant.now();
        Instant since = seenUpTo;
        jdbc.sql("select kind, item, expires_at, created_at from revocation where created_at >= ? and expires_at > ?")
                .params(Db.ts(since.minusSeconds(5)), Db.ts(now))
                .query((rs, n) -> {
                    Instant expires = Db.instant(rs, "expires_at");
                    (JTI.equals(rs.getString("kind")) ? tokens : families).put(rs.getString("item"), expires);
                    return null;
                })
                .list();
        seenUpTo = now;
        tokens.values().removeIf(expires -> expires.isBefore(now));
        families.values().removeIf(expires -> expires.isBefore(now));
    }
}
