package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.Db;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Opaque refresh tokens, stored as SHA-256. Each use rotates the token; presenting a token that
 * was already used means it leaked, and the whole family (that login) is revoked.
 */
@Component
public class RefreshTokens {

    /** The grant a refresh token stands for. */
    public record Grant(String family, String applicationId, String subject, String organization, String username,
                        String scope, Instant expiresAt) {}

    private final JdbcClient jdbc;
    private final Revocations revocations;
    private final CaravanProperties.Token settings;

    public RefreshTokens(JdbcClient jdbc, Revocations revocations, CaravanProperties properties) {
        this.jdbc = jdbc;
        this.revocations = revocations;
        this.settings = properties.token();
    }

    /** Stores a new refresh token of the family and returns its value (shown once, never stored). */
    public String issue(String family, String applicationId, String subject, String organization, String username,
                        String scope) {
        String value = Secrets.random(32);
        Instant now = Instant.now();
        jdbc.sql("""
                insert into refresh_token(token_hash, family_id, application_id, subject, organization, username,
                                          scope, expires_at, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(Secrets.sha256Hex(value), family, applicationId, subject, organization, username, scope,
                        Db.ts(now.plus(settings.refreshTokenTtl())), Db.ts(now))
                .update();
        return value;
    }

    private record Row(Grant grant, Instant usedAt) {}

    private Optional<Row> find(String hash) {
        return jdbc.sql("select * from refresh_token where token_hash = ?").param(hash)
                .query((rs, n) -> new Row(new Grant(
                        rs.getString("family_id"), rs.getString("application_id"), rs.getString("subject"),
                        rs.getString("organization"), rs.getString("username"), rs.getString("scope"),
                        Db.instant(rs, "expires_at")), Db.instant(rs, "used_at")))
                .optional();
    }

    /**
     * Consumes a refresh token for the given client. Unknown, expired, revoked or foreign tokens
     * are {@code invalid_grant}; a token used before revokes its family, then is {@code invalid_grant}.
     */
    public Grant consume(String value, String applicationId) {
        return consume(value, applicationId, grant -> { });
    }

    /**
     * As {@link #consume(String, String)}, with a check of the request against the grant (the
     * scope of a refresh) that runs after reuse detection but before the token is spent: a
     * request refused by the check leaves the token usable.
     */
    public Grant consume(String value, String applicationId, Consumer<Grant> beforeUse) {
        String hash = Secrets.sha256Hex(value);
        Row row = find(hash).orElseThrow(() -> OAuthException.invalidGrant("the refresh token is not valid"));
        Grant grant = row.grant();
        if (!grant.applicationId().equals(applicationId)) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        if (revocations.isFamilyRevoked(grant.family())) {
            throw OAuthException.invalidGrant("the refresh token is not valid");
        }
        if (grant.expiresAt().isBefore(Instant.now())) {
            throw OAuthException.invalidGrant("the refresh token has expired");
        }
        if (row.usedAt() != null) {
            revokeFamily(grant.family());
            throw new RefreshReuseException(grant.organization(), grant.username());
        }
        beforeUse.accept(grant);
        int won = jdbc.sql("update refresh_token set used_at = ? where token_hash = ? and used_at is null")
                .params(Db.ts(Instant.now()), hash).update();
        if (won == 0) {
            revokeFamily(grant.family());
            throw new RefreshReuseException(grant.organization(), grant.username());
        }
        return grant;
    }

    /** Finds the grant of a refresh token without consuming it (revocation, introspection). */
    public Optional<Grant> peek(String value) {
        return find(Secrets.sha256Hex(value)).map(Row::grant);
    }

    public void revokeFamily(String family) {
        Instant latest = jdbc.sql("select max(expires_at) from refresh_token where family_id = ?").param(family)
                .query((rs, n) -> Db.instant(rs, 1)).single();
        Instant accessTokensLast = Instant.now().plus(settings.accessTokenTtl());
        Instant keepUntil = latest == null || latest.isBefore(accessTokensLast) ? accessTokensLast : latest;
        revocations.revokeFamily(family, keepUntil);
    }
}
