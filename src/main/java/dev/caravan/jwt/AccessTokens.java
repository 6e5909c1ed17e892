package dev.caravan.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.caravan.config.CaravanProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Issues and validates access tokens: RS256-signed JWTs of type {@code at+jwt} (RFC 9068).
 * The verifier is built once; it accepts only RS256, requires {@code exp}, {@code iat},
 * {@code jti}, checks {@code iss}, {@code aud} and {@code typ}, resolves keys only by
 * {@code kid} from our own key set as it is at each call ({@link SigningKeys}: keys rotate), so
 * {@code jku}, {@code x5u} and embedded {@code jwk} are never followed, and refuses
 * {@code alg: none} and HMAC. Validated tokens are cached,
 * bounded, until they expire; revocation is checked on every use, not cached.
 *
 * <p>Expiry is exact, with no leeway for clock skew: these are our own tokens, issued by our own
 * clock (keep the nodes' clocks synchronized). A token is valid while the current time is before
 * its {@code exp} (RFC 7519 §4.1.4): with {@code exp} = T it is accepted up to T − 1 ms and
 * refused from the instant T on, whether it comes from the cache or is parsed afresh.
 */
@Component
public class AccessTokens {
    public static final String TYPE = "at+jwt";

    private final SigningKeys keys;
    private final CaravanProperties.Token settings;
    private final JwtConsumer consumer;
    private final Cache<TokenKey, AccessTokenClaims> validated;
    private final Clock clock;

    public AccessTokens(SigningKeys keys, CaravanProperties properties) {
        this(keys, properties, Clock.systemUTC());
    }

    /** The clock is the application's {@link Clock} bean if it has one (tests), else the system's. */
    @Autowired
    public AccessTokens(SigningKeys keys, CaravanProperties properties, ObjectProvider<Clock> clock) {
        this(keys, properties, clock.getIfAvailable(Clock::systemUTC));
    }

    public AccessTokens(SigningKeys keys, CaravanProperties properties, Clock clock) {
        this.keys = keys;
        this.settings = properties.token();
        this.clock = clock;
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireJwtId()
                .setRequireSubject()
                // no leeway; jose4j reads the system clock, so expiry is checked against ours below as well
                .setAllowedClockSkewInSeconds(0)
                .setExpectedIssuer(settings.issuer())
                .setExpectedAudience(settings.audience())
                .setExpectedType(true, TYPE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                // the keys accepted at each call, not those at start-up: rotation adds and retires keys
                .setVerificationKeyResolver(keys.verificationKeyResolver())
                .build();
        this.validated = Caffeine.newBuilder()
                .maximumSize(properties.gateway().tokenCacheSize())
                .expireAfterWrite(settings.accessTokenTtl())
                // maintenance on the calling thread: handing it to the common pool woke a pool
                // thread over and over under load (a futex wake-up from the event loop each time)
                .executor(Runnable::run)
                .build();
        // a token validated with a key that has since retired must not pass from the cache
        keys.onKeysWithdrawn(validated::invalidateAll);
    }

    /** A freshly signed token. */
    public record Issued(String value, String jti, Instant issuedAt, Instant expiresAt) {}

    public Issued issue(String subject, String clientId, String organization, String username, String scope,
                        String family) {
        return issue(subject, clientId, organization, username, scope, family, Set.of(), Map.of());
    }

    /** An end user's token carrying the roles and claims their userstore gave. */
    public Issued issue(String subject, String clientId, String organization, String username, String scope,
                        String family, Set<String> roles, Map<String, String> userClaims) {
        Instant now = clock.instant();
        Instant expires = now.plus(settings.accessTokenTtl());
        String jti = UUID.randomUUID().toString();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(settings.issuer());
        claims.setSubject(subject);
        claims.setAudience(settings.audience());
        claims.setClaim("client_id", clientId);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setJwtId(jti);
        claims.setClaim("scope", scope);
        if (organization != null) {
            claims.setClaim("org", organization);
        }
        if (username != null) {
            claims.setClaim("username", username);
        }
        if (family != null) {
            claims.setClaim("sid", family);
        }
        if (!roles.isEmpty()) {
            claims.setStringListClaim("roles", List.copyOf(new TreeSet<>(roles)));
        }
        if (!userClaims.isEmpty()) {
            claims.setClaim("user_claims", new TreeMap<>(userClaims));
        }
        try {
            return new Issued(keys.sign(claims.toJson(), TYPE), jti, Instant.ofEpochSecond(now.getEpochSecond()),
                    Instant.ofEpochSecond(expires.getEpochSecond()));
        } catch (JoseException e) {
            throw new IllegalStateException("access token could not be signed", e);
        }
    }

    /** Signature, type, issuer, audience and lifetime; not revocation (see the revocation registry). */
    public AccessTokenClaims validate(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > 8192) {
            throw new InvalidTokenException("malformed token");
        }
        TokenKey key = new TokenKey(token);
        AccessTokenClaims cached = validated.getIfPresent(key);
        if (cached != null) {
            if (unexpired(cached)) {
                return cached;
            }
            validated.invalidate(key);
            throw new InvalidTokenException("token expired");
        }
        AccessTokenClaims claims = parse(token);
        if (!unexpired(claims)) {
            throw new InvalidTokenException("token expired");
        }
        validated.put(key, claims);
        return claims;
    }

    /** Now is before {@code exp}: the one expiry rule, for cached and freshly parsed tokens alike. */
    private boolean unexpired(AccessTokenClaims claims) {
        return clock.instant().isBefore(claims.expiresAt());
    }

    /**
     * Key of the validated-token cache: a token, whose hash is taken over its last
     * {@value #HASHED} characters only, the end of its RS256 signature. String's own hash runs
     * over the whole ~700-character token, and on every call, since the token is cut out of a
     * header that is a new String each time: about 1% of the event loop in the API benchmark.
     * Those characters are as unpredictable as the signature, and only tokens whose signature
     * verified are stored, so nobody can fill the cache with keys that share a hash. Equality is
     * String's (every character).
     */
    static final class TokenKey {
        static final int HASHED = 32;
        private final String token;
        private final int hash;

        TokenKey(String token) {
            this.token = token;
            int length = token.length();
            int h = length;
            for (int i = Math.max(0, length - HASHED); i < length; i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TokenKey key && key.hash == hash && key.token.equals(token);
        }

        @Override
        public String toString() {
            return "TokenKey[" + token.length() + " chars]";
        }
    }

    private static Set<String> roles(JwtClaims claims) throws MalformedClaimException {
        return claims.hasClaim("roles") ? Set.copyOf(claims.getStringListClaimValue("roles")) : Set.of();
    }

    private static Map<String, String> userClaims(JwtClaims claims) throws MalformedClaimException {
        Object value = claims.getClaimValue("user_claims");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new MalformedClaimException("user_claims is not an object");
        }
        Map<String, String> result = new TreeMap<>();
        map.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String text) {
                result.put(key, text);
            }
        });
        return Map.copyOf(result);
    }

    private AccessTokenClaims parse(String token) throws InvalidTokenException {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new AccessTokenClaims(
                    claims.getJwtId(),
                    claims.getSubject(),
                    claims.getStringClaimValue("client_id"),
                    claims.getStringClaimValue("org"),
                    claims.getStringClaimValue("username"),
                    claims.getStringClaimValue("scope"),
                    claims.getStringClaimValue("sid"),
                    Instant.ofEpochSecond(claims.getIssuedAt().getValue()),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    roles(claims), userClaims(claims));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(e.hasExpired() ? "token expired" : "token is not valid");
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("token claims are malformed");
        }
    }

    /** For the JWKS endpoint and tests. */
    public JsonWebKeySet publicKeys() {
        return new JsonWebKeySet(keys.verificationKeys());
    }
}
