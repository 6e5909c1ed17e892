package dev.caravan.bench;

import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.InvalidTokenException;
import dev.caravan.jwt.BackendJwts;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.Subscription;
import dev.caravan.testsupport.MediatorRig;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.jose4j.jca.ProviderContext;
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
 * The backend JWT ({@code X-JWT-Assertion}), {@link BackendJwts#assertion}: cached per
 * (access token {@code jti}, API).
 *
 * <ul>
 * <li>{@code assertionHit}: the same access token and API every time: a Caffeine lookup, the
 *     key's string concatenation and an expiry check.</li>
 * <li>{@code assertionMiss}: every call brings an access token with a {@code jti} never seen
 *     before (a counter), so the key is new by construction: the claims are built and signed
 *     RS256, and the entry is put in the default-sized cache (10,000; once it is full, each put
 *     also evicts).</li>
 * <li>{@code baselineRs256Sign}: jose4j alone: RS256-sign a fixed payload of the same size
 *     (the payload of a real assertion) and serialize it, with the provider the gateway signs
 *     with (native where it loads, see {@code NativeCrypto}). The part of {@code assertionMiss}
 *     above this is building the claims and the cache.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class BackendJwtBenchmark {
    private BackendJwts backendJwts;
    private AccessTokenClaims token;
    private ApiDefinition api;
    private ClientApp client;
    private Subscription subscription;
    private PrivateKey privateKey;
    private ProviderContext providers;
    private String keyId;
    private String payload;
    private long fresh;

    @Setup
    public void setUp() throws Exception {
        QuietLogs.warnOnly();
        MediatorRig rig = new MediatorRig();
        MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");
        backendJwts = rig.backendJwts;
        token = rig.accessTokens.validate(rig.endUserToken(world));
        api = world.api();
        client = rig.registry.client(token.clientId()).orElseThrow();
        subscription = rig.registry.subscription(client.application().id(), api.id()).orElseThrow();
        privateKey = rig.keys.signingPrivateKey();
        providers = rig.keys.signingContext();
        keyId = rig.keys.signingKey().getKeyId();
        String assertion = backendJwts.assertion(token, api, client, subscription).toString();
        payload = new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Benchmark
    public CharSequence assertionHit() throws InvalidTokenException {
        return backendJwts.assertion(token, api, client, subscription);
    }

    @Benchmark
    public CharSequence assertionMiss() throws InvalidTokenException {
        AccessTokenClaims another = new AccessTokenClaims("bench-" + fresh++, token.subject(), token.clientId(),
                token.organization(), token.username(), token.scope(), token.family(), token.issuedAt(),
                token.expiresAt());
        return backendJwts.assertion(another, api, client, subscription);
    }

    @Benchmark
    public String baselineRs256Sign() throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(privateKey);
        jws.setProviderContext(providers);
        jws.setKeyIdHeaderValue(keyId);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        return jws.getCompactSerialization();
    }
}
