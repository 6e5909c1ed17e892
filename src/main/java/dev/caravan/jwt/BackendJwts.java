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
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The JWT the backend receives with each call ({@code X-JWT-Assertion} by default): who the
 * end user is, which application calls, which API and tier. RS256 with the published
 * {@code kid}; {@code iat} and {@code exp} in whole seconds, {@code exp} always after {@code iat}
 * and never after the access token's own expiry: when the access token has no whole second left
 * (its {@code exp} is not after the current second), the call is refused as expired instead.
 * {@code sub} is the access token's subject (for an end user: {@code username@organization}, or
 * the pinned directory attribute's {@code value@organization}); {@code enduser} is always
 * {@code username@organization}. Cached per (access token, API) until shortly before it expires,
 * so signing happens once per token and API.
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

    public BackendJwts(SigningKeys keys, CaravanProperties properties) {
        this(keys, properties, Clock.systemUTC());
    }

    /** The clock is the application's {@link Clock} bean if it has one (tests), else the system's. */
    @Autowired
    public BackendJwts(SigningKeys keys, CaravanProperties properties, ObjectProvider<Clock> clock) {
        this(keys, properties, clock.getIfAvailable(Clock::systemUTC));
    }

    public BackendJwts(SigningKeys keys, CaravanProperties properties, Clock clock) {
        this.keys = keys;
        this.settings = properties.backendJwt();
        this.issuer = properties.backendJwtIssuer();
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .executor(Runnable::run) // as the token cache (AccessTokens): no pool wake-ups
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

    /**
     * The signed assertion, as an ASCII character sequence ({@code toString()} gives the JWT).
     *
     * @throws InvalidTokenException if the access token has no whole second left
     */
    public CharSequence assertion(AccessTokenClaims token, ApiDefinition api, ClientApp client,
                                  Subscription subscription) throws InvalidTokenException {
        return assertion(token, null, api, client, subscription, api.id(), null);
    }

    /**
     * The assertion for one call: {@code userToken} (dual-token APIs, else null) names the end
     * user instead of {@code token}; {@code claims} (null: all) limits the dialect claims;
     * {@code cacheKey} identifies the API and its policy version.
     */
    public CharSequence assertion(AccessTokenClaims token, AccessTokenClaims userToken, ApiDefinition api,
                                  ClientApp client, Subscription subscription, String cacheKey, Set<String> claims)
            throws InvalidTokenException {
        String key = userToken == null ? token.jti() + "|" + cacheKey : token.jti() + "|" + userToken.jti() + "|" + cacheKey;
        Entry entry = cache.getIfPresent(key);
        if (entry == null || !entry.expiresAt().minus(REFRESH_MARGIN).isAfter(clock.instant())) {
            entry = sign(token, userToken, api, client, subscription, claims);
            cache.put(key, entry);
        }
        return entry.value();
    }

    private Entry sign(AccessTokenClaims token, AccessTokenClaims userToken, ApiDefinition api, ClientApp client,
                       Subscription subscription, Set<String> only) throws InvalidTokenException {
        // whole seconds throughout: iat is the current second, exp the earlier of iat + ttl and
        // the access token's (and a dual-token API's user token's) own exp
        long issuedAt = clock.instant().getEpochSecond();
        long expires = issuedAt + settings.ttl().toSeconds();
        expires = Math.min(expires, token.expiresAt().getEpochSecond());
        AccessTokenClaims user = userToken != null ? userToken : token;
        expires = Math.min(expires, user.expiresAt().getEpochSecond());
        if (expires <= issuedAt) {
            // the token expired after the authentication step read it: no zero-lifetime assertion
            throw new InvalidTokenException("token expired");
        }
        String endUser = user.isEndUserToken()
                ? user.username() + "@" + user.organization()
                : client.ownerQualifiedName();
        String dialect = settings.claimDialect();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user.isEndUserToken() ? user.subject() : endUser);
        claims.setAudience(api.context() + "/" + api.version());
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt));
        claims.setExpirationTime(NumericDate.fromSeconds(expires));
        claims.setJwtId(UUID.randomUUID().toString());
        java.util.function.BiConsumer<String, Object> put = (name, value) -> {
            if ((only == null || only.contains(name)) && !claims.hasClaim(dialect + name)) {
                claims.setClaim(dialect + name, value);
            }
        };
        put.accept("subscriber", client.ownerQualifiedName());
        put.accept("applicationname", client.application().name());
        put.accept("applicationid", client.application().id());
        put.accept("apicontext", api.context());
        put.accept("version", api.version());
        put.accept("tier", subscription.tier());
        put.accept("keytype", "PRODUCTION");
        put.accept("enduser", endUser);
        put.accept("enduserTenantId", user.isEndUserToken() ? user.organization() : client.organization());
        put.accept("organization", client.organization());
        if (!user.roles().isEmpty()) {
            // a JSON array, sorted: a group's name may itself hold a comma
            put.accept("role", java.util.List.copyOf(new java.util.TreeSet<>(user.roles())));
        }
        // the userstore's attributes (e.g. email from the directory), never replacing the gateway's own claims
        user.userClaims().forEach(put::accept);
        try {
            return new Entry(new AsciiString(keys.sign(claims.toJson(), "JWT")), Instant.ofEpochSecond(expires));
        } catch (JoseException e) {
            throw new IllegalStateException("backend JWT could not be signed", e);
        }
    }
}
