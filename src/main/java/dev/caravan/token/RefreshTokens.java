package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.Db;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Opaque refresh tokens, stored as SHA-256. Each use rotates the token; presenting a token that
 * was already used means it leaked, and the whole family (that login) is revoked.
 *
 * <p>A rotation is one transaction: the presented token is spent, its successor stored and
 * recorded as its successor, or nothing happens. So the token a client holds is never spent
 * without a successor being stored. A client whose answer was lost (the gateway stopped after
 * the commit, the connection broke) retries with the token it still has: within
 * {@code caravan.token.refresh-retry-grace} of its use, a spent token whose successor was never
 * used is rotated again, and that unused successor is spent, instead of being taken for stolen.
 * Should the first answer have reached someone after all, the one holding it finds it spent at
 * their next refresh, and the family is revoked then. Revocation is read from the database, so a
 * family revoked through another node is refused here at once.
 *
 * <p>Each token of a family also keeps the user's roles and claims as their store gave them at
 * login ({@link LoginClaims}), for a store that cannot describe its users without a password.
 */
@Component
public class RefreshTokens {

    /**
     * The grant a refresh token stands for; {@code atLogin} is the user's roles and claims as their
     * store gave them at the family's login (null for a token stored before they were kept).
     */
    public record Grant(String family, String applicationId, String subject, String organization, String username,
                        String scope, Instant expiresAt, LoginClaims atLogin) {}

    /**
     * Roles and claims as the user's store mapped them at login, kept with the family (as JSON in
     * {@code refresh_token.login_claims}) and copied by each rotation. Never a password.
     */
    public record LoginClaims(Set<String> roles, Map<String, String> claims) {
        public LoginClaims {
            roles = Set.copyOf(roles);
            claims = Map.copyOf(claims);
        }

        String toJson() {
            ObjectNode node = JSON.createObjectNode();
            new TreeSet<>(roles).forEach(node.putArray("roles")::add);
            ObjectNode values = node.putObject("claims");
            new TreeMap<>(claims).forEach(values::put);
            return node.toString();
        }

        /** The stored JSON read back; null when nothing (or nothing readable) is stored. */
        static LoginClaims fromJson(String text) {
            if (text == null) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(text);
                Set<String> roles = new LinkedHashSet<>();
                node.path("roles").forEach(r -> roles.add(r.asText()));
                Map<String, String> claims = new LinkedHashMap<>();
                node.path("claims").fields().forEachRemaining(e -> claims.put(e.getKey(), e.getValue().asText()));
                return new LoginClaims(roles, claims);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final Revocations revocations;
    private final CaravanProperties.Token settings;
    private final TransactionOperations transactions;

    public RefreshTokens(JdbcClient jdbc, Revocations revocations, CaravanProperties properties,
                         TransactionOperations transactions) {
        this.jdbc = jdbc;
        this.revocations = revocations;
        this.settings = properties.token();
        this.transactions = transactions;
    }

    /** Stores a new refresh token of the family and returns its value (shown once, never stored). */
    public String issue(String family, String applicationId, String subject, String organization, String username,
                        String scope) {
        return issue(family, applicationId, subject, organization, username, scope, null);
    }

    /** As {@link #issue(String, String, String, String, String, String)}, keeping the user's roles and claims at login. */
    public String issue(String family, String applicationId, String subject, String organization, String username,
                        String scope, LoginClaims atLogin) {
        String value = Secrets.random(32);
        insert(Secrets.sha256Hex(value), family, applicationId, subject, organization, username, scope,
                atLogin == null ? null : atLogin.toJson());
        return value;
    }

    private void insert(String hash, String family, String applicationId, String subject, String organization,
                        String username, String scope, String loginClaims) {
        Instant now = Instant.now();
        jdbc.sql("""
                insert into refresh_token(token_hash, family_id, application_id, subject, organization, username,
                                          scope, expires_at, created_at, login_claims)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(hash, family, applicationId, subject, organization, username, scope,
                        Db.ts(now.plus(settings.refreshTokenTtl())), Db.ts(now), loginClaims)
                .update();
    }

    /** {@code loginClaims} as stored, so that a rotation copies it unchanged. */
    private record Row(Grant grant, Instant usedAt, String successor, String loginClaims) {}

    private Optional<Row> find(String hash, boolean lock) {
        return jdbc.sql("select * from refresh_token where token_hash = ?" + (lock ? " for update" : "")).param(hash)
                .query((rs, n) -> {
                    String loginClaims = rs.getString("login_claims");
                    return new Row(new Grant(
                            rs.getString("family_id"), rs.getString("application_id"), rs.getString("subject"),
                            rs.getString("organization"), rs.getString("username"), rs.getString("scope"),
                            Db.instant(rs, "expires_at"), LoginClaims.fromJson(loginClaims)),
                            Db.instant(rs, "used_at"), rs.getString("successor_hash"), loginClaims);
                })
                .optional();
    }

    /** A refresh token checked, and its successor stored: the new token's value, and what the old one stood for. */
    public record Rotated(Grant grant, String successor) {}

    /**
     * Rotates a refresh token of the given client. Unknown, expired, revoked or foreign tokens are
     * {@code invalid_grant}; a spent token is a reuse (its family revoked, {@link RefreshReuseException})
     * unless it is the retry of a rotation whose answer was lost (see the class comment).
     * {@code check} runs before anything is written (the request's scope, whether the user may
     * still get tokens, which may ask a directory): a request it refuses leaves the token usable.
     * {@code scope} gives the successor's scope from the grant.
     */
    public Rotated rotate(String value, String applicationId, Consumer<Grant> check, UnaryOperator<String> scope) {
        Presented presented = present(value, applicationId);
        check.accept(presented.grant());
        return rotate(presented, applicationId, scope);
    }

    /** A refresh token presented by its client, checked but not yet spent. */
    public record Presented(String hash, Grant grant) {
        @Override
        public String toString() {
            return "Presented[" + grant.family() + "]";
        }
    }

    /**
     * The first half of {@link #rotate(String, String, Consumer, UnaryOperator)}: the token's
     * grant, when the token is usable by this client (a spent one is a reuse, as there); nothing
     * is written, so a request refused after this leaves the token usable.
     */
    public Presented present(String value, String applicationId) {
        String hash = Secrets.sha256Hex(value);
        Row row = find(hash, false).orElseThrow(() -> OAuthException.invalidGrant("the refresh token is not valid"));
        Grant grant = usable(row, applicationId);
        if (row.usedAt() != null && !retryable(row)) {
            throw reused(grant);
        }
        return new Presented(hash, grant);
    }

    /** The second half: spends a {@link #present presented} token and stores its successor. */
    public Rotated rotate(Presented presented, String applicationId, UnaryOperator<String> scope) {
        String hash = presented.hash();
        Grant grant = presented.grant();
        String next = Secrets.random(32);
        String nextHash = Secrets.sha256Hex(next);
        Grant spent = transactions.execute(status -> {
            Row locked = find(hash, true).orElseThrow(() -> OAuthException.invalidGrant("the refresh token is not valid"));
            usable(locked, applicationId);
            Instant now = Instant.now();
            if (locked.usedAt() != null) {
                if (!retryable(locked)) {
                    return null; // spent meanwhile by another request: a reuse, handled after the rollback
                }
                // the retry of a rotation whose answer was lost: its unused successor is spent
                jdbc.sql("update refresh_token set used_at = ? where token_hash = ? and used_at is null")
                        .params(Db.ts(now), locked.successor()).update();
            }
            jdbc.sql("update refresh_token set used_at = coalesce(used_at, ?), successor_hash = ? where token_hash = ?")
                    .params(Db.ts(now), nextHash, hash).update();
            Grant g = locked.grant();
            // the family's roles and claims at login travel on unchanged
            insert(nextHash, g.family(), g.applicationId(), g.subject(), g.organization(), g.username(),
                    scope.apply(g.scope()), locked.loginClaims());
            return g;
        });
        if (spent == null) {
            throw reused(grant);
        }
        return new Rotated(spent, next);
    }

    /** The checks every presentation passes, spent or not. */
    private Grant usable(Row row, String applicationId) {
        Grant grant = row.grant();
        if (!grant.applicationId().equals(applicationId)) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        if (revocations.isFamilyRevokedInDatabase(grant.family())) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        if (!grant.expiresAt().isAfter(Instant.now())) {
            throw OAuthException.invalidGrant("the refresh token has expired");
        }
        return grant;
    }

    /**
     * A spent token presented again within the grace, whose successor exists and was never used:
     * the client did not get (or lost) the answer of that rotation.
     */
    private boolean retryable(Row row) {
        if (row.successor() == null || row.usedAt().plus(settings.refreshRetryGrace()).isBefore(Instant.now())) {
            return false;
        }
        return jdbc.sql("select count(*) from refresh_token where token_hash = ? and used_at is null")
                .param(row.successor()).query(Integer.class).single() == 1;
    }

    private RefreshReuseException reused(Grant grant) {
        revokeFamily(grant.family());
        return new RefreshReuseException(grant.organization(), grant.username());
    }

    /** Finds the grant of a refresh token without consuming it (revocation, introspection). */
    public Optional<Grant> peek(String value) {
        return find(Secrets.sha256Hex(value), false).map(Row::grant);
    }

    public void revokeFamily(String family) {
        Instant latest = jdbc.sql("select max(expires_at) from refresh_token where family_id = ?").param(family)
                .query((rs, n) -> Db.instant(rs, 1)).single();
        Instant accessTokensLast = Instant.now().plus(settings.accessTokenTtl());
        Instant keepUntil = latest == null || latest.isBefore(accessTokensLast) ? accessTokensLast : latest;
        revocations.revokeFamily(family, keepUntil);
    }
}
