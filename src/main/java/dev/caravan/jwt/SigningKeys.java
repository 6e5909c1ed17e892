package dev.caravan.jwt;

import dev.caravan.config.CaravanProperties;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The RSA keys that sign access tokens and backend JWTs, shared by every node through the
 * database ({@link SigningKeyRepository}; private halves sealed) and rotated without downtime.
 *
 * <p>Each key has times, and every node decides from them alone, with no coordination:
 * a key is <em>published</em> (JWKS) and <em>accepted</em> (verifier) from the moment this node
 * has loaded it until its {@code retire_after}; among the keys whose {@code not_before} has
 * passed, the latest one <em>signs</em>. A {@linkplain #rotate() rotation} stores a new key whose
 * {@code not_before} is {@code caravan.jwt.keys.rotation-delay} away, longer than the interval at
 * which every node {@linkplain #reload() reloads} the set, so every verifier and JWKS document holds
 * the key before any token carries it; the key it replaces gets a {@code retire_after} after the
 * last token it can still sign has expired (the longer of the access token and backend JWT
 * lifetimes, plus the rotation delay again as a margin for clocks and caches).
 *
 * <p>The hot path reads a volatile snapshot: signing and key resolution take no lock, do no I/O
 * and allocate nothing beyond the signature itself.
 */
@Component
@EnableConfigurationProperties(SigningKeyProperties.class)
public class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    /** A key as rotation and the admin API see it. */
    public enum State {
        /** Published and accepted; signs from {@code notBefore} on. */
        PENDING,
        /** Signs, and is published and accepted. */
        SIGNING,
        /** A newer key signs; still published and accepted until {@code retireAfter}. */
        RETIRING,
        /** Neither published nor accepted. */
        RETIRED
    }

    /** A stored key's kid, state and times; never key material. */
    public record KeyState(String kid, State state, Instant createdAt, Instant notBefore, Instant retireAfter) {}

    /** What a rotation did: the new key and when it signs; the key it replaces and when that one retires. */
    public record Rotation(String kid, Instant notBefore, String replacedKid, Instant replacedRetireAfter) {}

    /** A rotation refused because another one has not finished (its key does not sign yet) or won a race. */
    public static final class RotationInProgressException extends RuntimeException {
        private final String pendingKid;
        private final Instant pendingNotBefore;

        RotationInProgressException(String pendingKid, Instant pendingNotBefore) {
            super(pendingKid == null ? "another rotation was made at the same moment"
                    : "key " + pendingKid + " from an earlier rotation starts signing at " + pendingNotBefore
                            + "; rotate again after that", null, false, false);
            this.pendingKid = pendingKid;
            this.pendingNotBefore = pendingNotBefore;
        }

        public String pendingKid() {
            return pendingKid;
        }

        public Instant pendingNotBefore() {
            return pendingNotBefore;
        }
    }

    private final SigningKeyRepository repository;
    private final ProviderContext signingContext;
    private final Clock clock;
    private final Duration rotationDelay;
    private final Duration longestTokenLife;
    private final List<Runnable> withdrawnListeners = new CopyOnWriteArrayList<>();
    private final VerificationKeyResolver resolver = this::resolve;
    private volatile KeySet keys;

    @Autowired
    public SigningKeys(SigningKeyRepository repository, CaravanProperties properties, SigningKeyProperties settings,
                       @Value("${caravan.jwt.native-crypto:true}") boolean nativeCrypto) {
        this(repository, properties, settings, nativeCrypto, Clock.systemUTC());
    }

    /**
     * Seals private keys stored in plain by an earlier version, makes the first key when there is
     * none, and loads the set; stops start-up when the key that signs now cannot be opened.
     */
    public SigningKeys(SigningKeyRepository repository, CaravanProperties properties, SigningKeyProperties settings,
                       boolean nativeCrypto, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        this.signingContext = NativeCrypto.signingContext(nativeCrypto);
        this.rotationDelay = settings.rotationDelay();
        Duration access = properties.token().accessTokenTtl();
        Duration backend = properties.backendJwt().ttl();
        this.longestTokenLife = access.compareTo(backend) >= 0 ? access : backend;
        repository.sealPlaintext();
        Instant now = clock.instant();
        repository.ifNoneLive(now, () -> generate(now, now));
        this.keys = load(null);
        Entry signer = keys.signerAt(now.toEpochMilli());
        if (signer == null) {
            throw new IllegalStateException("no stored signing key may sign now (signing_key)");
        }
        if (signer.signingKey == null) {
            throw new IllegalStateException("the signing key " + signer.kid + " cannot be opened: " + signer.problem);
        }
    }

    // ---- the hot path: snapshot reads only ----

    /**
     * {@code payload} signed RS256 with the key that signs now ({@code kid} set, {@code typ} = {@code type}),
     * in compact serialization, through the chosen provider.
     */
    public String sign(String payload, String type) throws JoseException {
        Entry signer = signer();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(signer.signingKey);
        jws.setProviderContext(signingContext);
        jws.setKeyIdHeaderValue(signer.kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", type);
        return jws.getCompactSerialization();
    }

    private Entry signer() {
        Entry signer = keys.signerAt(clock.millis());
        if (signer == null || signer.signingKey == null) {
            throw new IllegalStateException(signer == null ? "no signing key may sign now"
                    : "the signing key " + signer.kid + " cannot be opened: " + signer.problem);
        }
        return signer;
    }

    /**
     * Resolves a token's key by its {@code kid} among the keys accepted now (the current set, not
     * the one at start-up): no kid, an unknown one or a retired one is unresolvable.
     */
    public VerificationKeyResolver verificationKeyResolver() {
        return resolver;
    }

    private Key resolve(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
        String kid = jws.getKeyIdHeaderValue();
        Entry entry = kid == null ? null : keys.acceptedAt(kid, clock.millis());
        if (entry == null) {
            throw new UnresolvableKeyException("no accepted signing key has this kid");
        }
        return entry.publicKey;
    }

    /** The public JWKS document served at {@code /oauth2/jwks}: every key published now. */
    public String jwksJson() {
        return published().json;
    }

    /** {@link #jwksJson()} as UTF-8. */
    public byte[] jwksBytes() {
        return published().bytes;
    }

    /** The public keys published now. */
    public List<JsonWebKey> verificationKeys() {
        return published().keys;
    }

    private Published published() {
        KeySet set = keys;
        long now = clock.millis();
        Published published = set.published;
        if (published == null || now >= published.until) {
            published = set.publish(now);
            set.published = published;
        }
        return published;
    }

    /** The key that signs now, private half included (for tests and benchmarks that forge or compare). */
    public RsaJsonWebKey signingKey() {
        return signer().fullJwk;
    }

    /** The provider the signatures go to (for benchmarks comparing with jose4j alone). */
    public ProviderContext signingContext() {
        return signingContext;
    }

    /** The private half of the key that signs now, ready for {@link #signingContext()}'s provider. */
    public PrivateKey signingPrivateKey() {
        return signer().signingKey;
    }

    /** Runs {@code listener} (on the reloading thread) whenever a key stops being accepted. */
    public void onKeysWithdrawn(Runnable listener) {
        withdrawnListeners.add(listener);
    }

    // ---- off the hot path ----

    /** Reads the key set again: keys other nodes added, retire times other nodes set. */
    @Scheduled(initialDelayString = "${caravan.jwt.keys.reload-interval:30s}",
            fixedDelayString = "${caravan.jwt.keys.reload-interval:30s}")
    public synchronized void reload() {
        try {
            keys = load(keys);
        } catch (RuntimeException e) {
            log.warn("signing keys could not be reloaded, keeping the loaded set: {}", e.getClass().getName());
        }
    }

    /**
     * Stores a new key that every node publishes and accepts at its next reload (this node at once)
     * and that signs from {@code now + rotation-delay}; the key signing now retires once the last
     * token it can sign has expired. Refused while an earlier rotation's key does not sign yet.
     */
    public synchronized Rotation rotate() {
        Instant now = clock.instant();
        List<SigningKeyRepository.Row> live = repository.live(now);
        for (SigningKeyRepository.Row row : live) {
            if (row.notBefore().isAfter(now)) {
                throw new RotationInProgressException(row.kid(), row.notBefore());
            }
        }
        SigningKeyRepository.Row replaced = signerRow(live, now);
        Instant notBefore = now.plus(rotationDelay);
        String kid = generate(now, notBefore);
        Instant retireAfter = notBefore.plus(longestTokenLife).plus(rotationDelay);
        if (replaced != null) {
            boolean scheduled;
            try {
                scheduled = repository.scheduleRetirement(replaced.kid(), retireAfter);
            } catch (DataAccessException e) {
                scheduled = false;
            }
            if (!scheduled) {
                repository.deletePending(kid, now);
                throw new RotationInProgressException(null, null);
            }
        }
        keys = load(keys);
        log.info("signing key rotation: {} is published now and signs from {}; {} retires at {}", kid, notBefore,
                replaced == null ? "no key" : replaced.kid(), retireAfter);
        return new Rotation(kid, notBefore, replaced == null ? null : replaced.kid(), replaced == null ? null : retireAfter);
    }

    /** Every stored key with its state now, newest first; never key material. */
    public List<KeyState> states() {
        Instant now = clock.instant();
        List<SigningKeyRepository.Row> rows = repository.all();
        List<SigningKeyRepository.Row> live = rows.stream().filter(r -> r.active()
                && (r.retireAfter() == null || r.retireAfter().isAfter(now))).toList();
        SigningKeyRepository.Row signer = signerRow(live, now);
        List<KeyState> states = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            SigningKeyRepository.Row row = rows.get(i);
            State state;
            if (!live.contains(row)) {
                state = State.RETIRED;
            } else if (row.notBefore().isAfter(now)) {
                state = State.PENDING;
            } else if (row == signer) {
                state = State.SIGNING;
            } else {
                state = State.RETIRING;
            }
            states.add(new KeyState(row.kid(), state, row.createdAt(), row.notBefore(), row.retireAfter()));
        }
        return states;
    }

    /** The rows' signer at {@code now}: the latest {@code not_before} that has passed (rows oldest first). */
    private static SigningKeyRepository.Row signerRow(List<SigningKeyRepository.Row> live, Instant now) {
        SigningKeyRepository.Row signer = null;
        for (SigningKeyRepository.Row row : live) {
            if (!row.notBefore().isAfter(now)) {
                signer = row;
            }
        }
        return signer;
    }

    private String generate(Instant createdAt, Instant notBefore) {
        try {
            RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
            String kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
            repository.insert(kid, AlgorithmIdentifiers.RSA_USING_SHA256,
                    Base64.getEncoder().encodeToString(jwk.getPrivateKey().getEncoded()),
                    Base64.getEncoder().encodeToString(jwk.getPublicKey().getEncoded()), createdAt, notBefore);
            return kid;
        } catch (JoseException e) {
            throw new IllegalStateException("an RSA key could not be generated", e);
        }
    }

    private KeySet load(KeySet previous) {
        Instant now = clock.instant();
        List<Entry> entries = new ArrayList<>();
        for (SigningKeyRepository.Row row : repository.live(now)) {
            Entry known = previous == null ? null : previous.byKid.get(row.kid());
            Entry entry = known != null && known.signingKey != null ? known.withTimes(row) : entry(row);
            if (known == null && previous != null) {
                log.info("signing key {} loaded: published and accepted now, signs from {}", row.kid(), row.notBefore());
            }
            entries.add(entry);
        }
        KeySet next = new KeySet(entries);
        if (previous != null) {
            long millis = now.toEpochMilli();
            boolean withdrawn = false;
            for (String kid : previous.byKid.keySet()) {
                if (next.acceptedAt(kid, millis) == null) {
                    withdrawn = true;
                    log.info("signing key {} retired: no longer published nor accepted", kid);
                }
            }
            if (withdrawn) {
                withdrawnListeners.forEach(Runnable::run);
            }
        }
        return next;
    }

    private Entry entry(SigningKeyRepository.Row row) {
        RSAPublicKey publicKey;
        try {
            publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(row.publicKey())));
        } catch (Exception e) {
            throw new IllegalStateException("signing key " + row.kid() + " in the database has no readable public key");
        }
        PrivateKey privateKey = null;
        String problem = null;
        try {
            privateKey = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(repository.privateKey(row))));
        } catch (IllegalStateException e) {
            problem = e.getMessage();
        } catch (Exception e) {
            problem = "the stored private key is not an RSA key";
        }
        if (problem != null) {
            log.error("signing key {}: its private key cannot be opened ({}); it is published and accepted but cannot sign",
                    row.kid(), problem);
        }
        return new Entry(row, publicKey, privateKey,
                privateKey == null ? null : NativeCrypto.signingKey(signingContext, privateKey), problem);
    }

    /** One loaded key: parsed once, times from its row. */
    private static final class Entry {
        final String kid;
        final RSAPublicKey publicKey;
        final RsaJsonWebKey publicJwk;
        final RsaJsonWebKey fullJwk;
        final PrivateKey signingKey;
        final String problem;
        final long notBeforeMillis;
        final long retireMillis;

        Entry(SigningKeyRepository.Row row, RSAPublicKey publicKey, PrivateKey privateKey, PrivateKey signingKey,
              String problem) {
            this.kid = row.kid();
            this.publicKey = publicKey;
            this.publicJwk = new RsaJsonWebKey(publicKey);
            publicJwk.setKeyId(kid);
            publicJwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            publicJwk.setUse("sig");
            this.fullJwk = new RsaJsonWebKey(publicKey);
            fullJwk.setPrivateKey(privateKey);
            fullJwk.setKeyId(kid);
            fullJwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            this.signingKey = signingKey;
            this.problem = problem;
            this.notBeforeMillis = row.notBefore().toEpochMilli();
            this.retireMillis = row.retireAfter() == null ? Long.MAX_VALUE : row.retireAfter().toEpochMilli();
        }

        private Entry(Entry key, SigningKeyRepository.Row row) {
            this.kid = key.kid;
            this.publicKey = key.publicKey;
            this.publicJwk = key.publicJwk;
            this.fullJwk = key.fullJwk;
            this.signingKey = key.signingKey;
            this.problem = key.problem;
            this.notBeforeMillis = row.notBefore().toEpochMilli();
            this.retireMillis = row.retireAfter() == null ? Long.MAX_VALUE : row.retireAfter().toEpochMilli();
        }

        Entry withTimes(SigningKeyRepository.Row row) {
            return new Entry(this, row);
        }
    }

    /** The JWKS document of a key set from one instant until the next retire time. */
    private record Published(String json, byte[] bytes, List<JsonWebKey> keys, long until) {}

    /** An immutable key set, ordered by {@code not_before}; the JWKS document is cached on it. */
    private static final class KeySet {
        final Entry[] byNotBefore;
        final Map<String, Entry> byKid;
        volatile Published published;

        KeySet(List<Entry> entries) {
            this.byNotBefore = entries.toArray(Entry[]::new);
            Map<String, Entry> map = new HashMap<>();
            for (Entry entry : entries) {
                map.put(entry.kid, entry);
            }
            this.byKid = Map.copyOf(map);
        }

        /** The latest key whose {@code not_before} has passed and that is not retired. */
        Entry signerAt(long now) {
            for (int i = byNotBefore.length - 1; i >= 0; i--) {
                Entry entry = byNotBefore[i];
                if (entry.notBeforeMillis <= now && now < entry.retireMillis) {
                    return entry;
                }
            }
            return null;
        }

        Entry acceptedAt(String kid, long now) {
            Entry entry = byKid.get(kid);
            return entry != null && now < entry.retireMillis ? entry : null;
        }

        Published publish(long now) {
            List<JsonWebKey> published = new ArrayList<>();
            long until = Long.MAX_VALUE;
            for (Entry entry : byNotBefore) {
                if (now < entry.retireMillis) {
                    published.add(entry.publicJwk);
                    until = Math.min(until, entry.retireMillis);
                }
            }
            String json = new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            return new Published(json, json.getBytes(StandardCharsets.UTF_8), List.copyOf(published), until);
        }
    }
}
