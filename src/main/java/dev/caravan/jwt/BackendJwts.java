package dev.caravan.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.Subscription;
import io.netty.util.AsciiString;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The JWT the backend receives with each call ({@code X-JWT-Assertion} by default): who the
 * end user is, which application calls, which API and tier. RS256 with the published
 * {@code kid}; {@code exp} in seconds and never after the access token's own expiry. Cached per
 * (access token, API) until shortly before it expires, so signing happens once per token and API.
 */
@Component
public class BackendJwts {
    /** A cached assertion is not handed out in the last part of its life. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    /** The value is kept as ASCII bytes: it is written into a header on every call. */
    private record Entry(AsciiString value, Instant expiresAt) {}

    private final SigningKeys keys;
    private final CaravanProperties.BackendJwt settings;
    private final String issuer;
    private final Clock clock;
    private final Cache<String, Entry> cache;

    @Autowired
    public BackendJwts(SigningKeys keys, CaravanProperties properties) {
        this(keys, properties, Clock.systemUTC());
    }

    BackendJwts(SigningKeys keys, CaravanProperties properties, Clock clock) {
        this.keys = keys;
        this.settings = properties.backendJwt();
        this.issuer = properties.backendJwtIssuer();
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        return Math.max(0, Duration.between(clock.instant(), entry.expiresAt().minus(REFRESH_MARGIN))
                                .toNanos());
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long now, long current) {
                        return expireAfterCreate(key, entry, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    public String header() {
        return settings.header();
    }

    /** The signed assertion, as an ASCII character sequence ({@code toString()} gives the JWT). */
    public CharSequence assertion(AccessTokenClaims token, ApiDefinition api, ClientApp client,
                                  Subscription subscription) {
        String key = token.jti() + "|" + api.id();
        Entry entry = cache.getIfPresent(key);
        if (entry == null || !entry.expiresAt().minus(REFRESH_MARGIN).isAfter(clock.instant())) {
            entry = sign(token, api, client, subscription);
            cache.put(key, entry);
        }
        return entry.value();
    }

    private Entry sign(AccessTokenClaims token, ApiDefinition api, ClientApp client, Subscription subscription) {
        Instant now = clock.instant();
        Instant expires = now.plus(settings.ttl());
        if (expires.isAfter(token.expiresAt())) {
            expires = token.expiresAt();
        }
        String endUser = token.isEndUserToken()
                ? token.username() + "@" + token.organization()
                : client.ownerQualifiedName();
        String dialect = settings.claimDialect();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(endUser);
        claims.setAudience(api.context() + "/" + api.version());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim(dialect + "subscriber", client.ownerQualifiedName());
        claims.setClaim(dialect + "applicationname", client.application().name());
        claims.setClaim(dialect + "applicationid", client.application().id());
        claims.setClaim(dialect + "apicontext", api.context());
        claims.setClaim(dialect + "version", api.version());
        claims.setClaim(dialect + "tier", subscription.tier());
        claims.setClaim(dialect + "keytype", "PRODUCTION");
        claims.setClaim(dialect + "enduser", endUser);
        claims.setClaim(dialect + "enduserTenantId", client.organization());
        claims.setClaim(dialect + "organization", client.organization());
        if (!token.roles().isEmpty()) {
            claims.setClaim(dialect + "role", String.join(",", new java.util.TreeSet<>(token.roles())));
        }
        // the userstore's attributes (e.g. email from the directory), never replacing the gateway's own claims
        token.userClaims().forEach((name, value) -> {
            if (!claims.hasClaim(dialect + name)) {
                claims.setClaim(dialect + name, value);
            }
        });
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.signingKey().getPrivateKey());
        jws.setKeyIdHeaderValue(keys.signingKey().getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return new Entry(new AsciiString(jws.getCompactSerialization()), Instant.ofEpochSecond(expires.getEpochSecond()));
        } catch (JoseException e) {
            throw new IllegalStateException("backend JWT could not be signed", e);
        }
    }
}
