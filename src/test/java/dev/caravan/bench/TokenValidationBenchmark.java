package dev.caravan.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.AccessTokens;
import dev.caravan.jwt.InvalidTokenException;
import dev.caravan.testsupport.MediatorRig;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bearer-token validation, {@link AccessTokens#validate}: the first step after the header
 * allow-list on every API call.
 *
 * <ul>
 * <li>{@code validateHit}: the same token again and again, as a client reusing its token does,
 *     cut out of its {@code Authorization} value as {@code authenticateBearerToken} does (a new
 *     string each call), then looked up by a key whose hash covers the token's last characters.</li>
 * <li>{@code baselineStringKeyHit}: how the hit was found before: the token cut out of the
 *     header and looked up in a Caffeine cache keyed by {@code String}, whose hash then runs over
 *     the whole token (no expiry check: a little less work than {@code validateHit}).</li>
 * <li>{@code validateMiss}: every call really misses. A second {@code AccessTokens} is built
 *     with {@code caravan.gateway.token-cache-size=0} and is handed a pool of {@value #POOL}
 *     distinct tokens in turn, so no token comes back before 255 others were seen: every call
 *     parses the JWT, verifies RS256 and checks {@code typ iss aud exp iat jti sub}.</li>
 * <li>{@code baselineRs256Verify}: jose4j alone, no cache, no claim checks: parse the compact
 *     JWS and verify its RS256 signature with the public key, on the same pool. The part of
 *     {@code validateMiss} above this is Caravan's claim checks, the claims record and the
 *     cache put.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class TokenValidationBenchmark {
    static final int POOL = 256;

    private AccessTokens cached;
    private Cache<String, AccessTokenClaims> stringKeyed;
    private AccessTokens uncached;
    private PublicKey publicKey;
    private String authorization;
    private final String[] pool = new String[POOL];
    private int next;

    @Setup
    public void setUp() throws InvalidTokenException {
        QuietLogs.warnOnly();
        MediatorRig rig = new MediatorRig();
        MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");
        cached = rig.accessTokens;
        uncached = new AccessTokens(rig.keys,
                MediatorRig.properties(Map.of("caravan.gateway.token-cache-size", "0")));
        publicKey = rig.keys.signingKey().getPublicKey();
        authorization = "Bearer " + rig.endUserToken(world);
        stringKeyed = Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();
        stringKeyed.put(authorization.substring(7), cached.validate(authorization.substring(7)));
        for (int i = 0; i < POOL; i++) {
            pool[i] = "Bearer " + rig.endUserToken(world);
        }
        uncached.validate(pool[0].substring(7)); // a pool that does not validate fails set-up, not a measurement
    }

    private String nextFromPool() {
        String value = pool[next].substring(7);
        next = (next + 1) % POOL;
        return value;
    }

    @Benchmark
    public AccessTokenClaims validateHit() throws InvalidTokenException {
        return cached.validate(authorization.substring(7));
    }

    @Benchmark
    public AccessTokenClaims baselineStringKeyHit() {
        return stringKeyed.getIfPresent(authorization.substring(7));
    }

    @Benchmark
    public AccessTokenClaims validateMiss() throws InvalidTokenException {
        return uncached.validate(nextFromPool());
    }

    @Benchmark
    public boolean baselineRs256Verify() throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                AlgorithmIdentifiers.RSA_USING_SHA256));
        jws.setCompactSerialization(nextFromPool());
        jws.setKey(publicKey);
        if (!jws.verifySignature()) {
            throw new IllegalStateException("a pool token did not verify");
        }
        return true;
    }
}
