package dev.caravan.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.config.CaravanProperties;
import dev.caravan.registry.Db;
import dev.caravan.secrets.SecretBox;
import dev.caravan.secrets.SecretsProperties;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The signing keys over a real database shared by several nodes (several {@link SigningKeys} on
 * one H2 database, as several gateway processes share one), on a clock the test moves: private
 * keys are stored sealed, rows from before sealing are sealed at start, and a rotation publishes a
 * key before it signs and retires the old one only after its last token has expired.
 */
class SigningKeysTest {
    private static final Duration RELOAD = Duration.ofSeconds(30);
    private static final Duration DELAY = Duration.ofMinutes(10);
    private final CaravanProperties properties = MediatorRig.properties(Map.of());
    private final SecretBox box = new SecretBox(new SecretsProperties(MediatorRig.SECRETS_KEY, "unused"));
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private JdbcClient jdbc;
    private DriverManagerDataSource dataSource;

    @BeforeEach
    void database() {
        dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:keys_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A node starting on the shared database now. */
    private SigningKeys node() {
        return new SigningKeys(new SigningKeyRepository(jdbc, box), properties, new SigningKeyProperties(RELOAD, DELAY),
                true, clock);
    }

    /** A node starting on the shared database now, with transactions as the gateway has them. */
    private SigningKeys transactionalNode() {
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
        return new SigningKeys(new SigningKeyRepository(jdbc, box, new TransactionTemplate(manager)), properties,
                new SigningKeyProperties(RELOAD, DELAY), true, clock);
    }

    @Test
    void nodesStartingAtOnceOnAnEmptyDatabaseMakeOneFirstKeyBetweenThem() throws Exception {
        List<Future<SigningKeys>> nodes = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            nodes.add(threads.submit(() -> {
                go.await();
                return transactionalNode();
            }));
        }
        go.countDown();
        Set<String> signing = new HashSet<>();
        for (Future<SigningKeys> node : nodes) {
            signing.add(signedKid(node.get(60, TimeUnit.SECONDS)));
        }

        assertThat(jdbc.sql("select count(*) from signing_key").query(Integer.class).single()).isEqualTo(1);
        assertThat(signing).hasSize(1);
    }

    /** The kid a node's next token carries. */
    private static String signedKid(SigningKeys keys) throws Exception {
        return JsonWebSignature.fromCompactSerialization(keys.sign("{\"sub\":\"x\"}", "JWT")).getKeyIdHeaderValue();
    }

    /** A verifier using only {@code keys}' resolver (no time checks: no exp in these payloads). */
    private static JwtConsumer verifier(SigningKeys keys) {
        return new JwtConsumerBuilder().setVerificationKeyResolver(keys.verificationKeyResolver())
                .setSkipDefaultAudienceValidation().build();
    }

    private static boolean accepts(SigningKeys keys, String token) {
        try {
            verifier(keys).processToClaims(token);
            return true;
        } catch (InvalidJwtException e) {
            return false;
        }
    }

    private List<String> storedPrivateKeys() {
        return jdbc.sql("select private_key from signing_key").query(String.class).list();
    }

    @Test
    void noPrivateKeyIsStoredInPlain() throws Exception {
        SigningKeys keys = node();
        String plain = Base64.getEncoder().encodeToString(keys.signingKey().getPrivateKey().getEncoded());

        List<String> stored = storedPrivateKeys();

        assertThat(stored).hasSize(1);
        assertThat(stored.get(0)).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain(plain)
                .doesNotContain(plain.substring(0, 64));
        assertThat(box.open(stored.get(0), "signing_key/" + keys.signingKey().getKeyId())).isEqualTo(plain);
        assertThat(keys.jwksJson()).contains(keys.signingKey().getKeyId()).doesNotContain("\"d\"").doesNotContain("\"p\"");
    }

    /** A row as an earlier version wrote it: the PKCS#8 private key as plain base64. */
    private String plaintextRowFromBefore() throws Exception {
        RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
        String kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
        Instant created = clock.instant().minus(Duration.ofDays(3));
        jdbc.sql("insert into signing_key(kid, algorithm, private_key, public_key, active, created_at, not_before)"
                        + " values (?, 'RS256', ?, ?, ?, ?, ?)")
                .params(kid, Base64.getEncoder().encodeToString(jwk.getPrivateKey().getEncoded()),
                        Base64.getEncoder().encodeToString(jwk.getPublicKey().getEncoded()), true, Db.ts(created),
                        Db.ts(created))
                .update();
        return kid;
    }

    @Test
    void aPlaintextRowFromBeforeIsSealedAtStartAndStillSignsWithTheSameKid() throws Exception {
        String kid = plaintextRowFromBefore();
        String plain = jdbc.sql("select private_key from signing_key").query(String.class).single();

        SigningKeys keys = node();

        assertThat(storedPrivateKeys()).singleElement().asString().startsWith("v2:").doesNotContain(plain);
        assertThat(keys.signingKey().getKeyId()).isEqualTo(kid);
        String token = keys.sign("{\"sub\":\"jane\"}", "JWT");
        assertThat(JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue()).isEqualTo(kid);
        assertThat(accepts(keys, token)).isTrue();
        assertThat(keys.states()).singleElement().extracting(SigningKeys.KeyState::state).isEqualTo(SigningKeys.State.SIGNING);
    }

    @Test
    void severalNodesStartingAtOnceSealAPlaintextRowAndAgreeOnItsKid() throws Exception {
        String kid = plaintextRowFromBefore();
        List<Callable<SigningKeys>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            starts.add(this::node);
        }

        List<SigningKeys> nodes = new ArrayList<>();
        for (Future<SigningKeys> started : threads.invokeAll(starts, 60, TimeUnit.SECONDS)) {
            nodes.add(started.get());
        }

        assertThat(nodes).allSatisfy(node -> assertThat(node.signingKey().getKeyId()).isEqualTo(kid));
        assertThat(storedPrivateKeys()).singleElement().asString().startsWith("v2:");
        String token = nodes.get(0).sign("{\"sub\":\"jane\"}", "JWT");
        assertThat(nodes).allSatisfy(node -> assertThat(accepts(node, token)).isTrue());
    }

    @Test
    void aRotatedKeyIsPublishedAndAcceptedEverywhereBeforeAnyTokenCarriesIt() throws Exception {
        SigningKeys a = node();
        SigningKeys b = node();
        String old = signedKid(a);

        SigningKeys.Rotation rotation = a.rotate();

        assertThat(rotation.notBefore()).isEqualTo(clock.instant().plus(DELAY));
        assertThat(rotation.replacedKid()).isEqualTo(old);
        assertThat(a.jwksJson()).as("the rotating node publishes it at once").contains(rotation.kid());
        assertThat(signedKid(a)).isEqualTo(old);
        assertThat(b.jwksJson()).doesNotContain(rotation.kid());
        assertThat(signedKid(b)).isEqualTo(old);

        // another node holds it after its next reload, long before it signs
        clock.advance(RELOAD);
        b.reload();
        assertThat(b.jwksJson()).contains(rotation.kid()).contains(old);
        assertThat(signedKid(b)).isEqualTo(old);

        clock.set(rotation.notBefore());
        String byNew = a.sign("{\"sub\":\"jane\"}", "JWT");
        assertThat(JsonWebSignature.fromCompactSerialization(byNew).getKeyIdHeaderValue()).isEqualTo(rotation.kid());
        assertThat(signedKid(b)).as("every node switches at not_before, by its own clock").isEqualTo(rotation.kid());
        assertThat(accepts(b, byNew)).isTrue();
    }

    @Test
    void theReplacedKeyIsAcceptedUntilItsLastTokenHasExpiredThenNeitherAcceptedNorPublished() throws Exception {
        SigningKeys a = node();
        SigningKeys b = node();
        String old = signedKid(a);
        String byOld = a.sign("{\"sub\":\"jane\"}", "JWT");
        SigningKeys.Rotation rotation = a.rotate();
        Duration longest = properties.token().accessTokenTtl().compareTo(properties.backendJwt().ttl()) >= 0
                ? properties.token().accessTokenTtl() : properties.backendJwt().ttl();
        assertThat(rotation.replacedRetireAfter()).isEqualTo(rotation.notBefore().plus(longest).plus(DELAY));

        // the last token the old key signs is made just before not_before and lives the longest lifetime
        clock.set(rotation.notBefore().minusMillis(1));
        String lastByOld = a.sign("{\"sub\":\"jane\"}", "JWT");
        clock.set(rotation.notBefore().plus(longest));
        b.reload();
        assertThat(accepts(b, lastByOld)).isTrue();
        assertThat(accepts(a, byOld)).isTrue();
        assertThat(b.jwksJson()).contains(old);

        clock.set(rotation.replacedRetireAfter());
        assertThat(accepts(a, byOld)).isFalse();
        assertThat(accepts(b, lastByOld)).isFalse();
        assertThat(a.jwksJson()).doesNotContain(old).contains(rotation.kid());
        b.reload();
        assertThat(b.jwksJson()).doesNotContain(old).contains(rotation.kid());
        assertThat(a.states()).extracting(SigningKeys.KeyState::kid, SigningKeys.KeyState::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(rotation.kid(), SigningKeys.State.SIGNING),
                        org.assertj.core.groups.Tuple.tuple(old, SigningKeys.State.RETIRED));
    }

    @Test
    void anAccessTokenCachedBeforeItsKeyRetiredIsRefusedOnceTheNodeHasReloaded() throws Exception {
        SigningKeys keys = node();
        AccessTokens tokens = new AccessTokens(keys, properties, clock);
        // a token whose own exp lies beyond its key's retirement: only the retirement can stop it
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(properties.token().issuer());
        claims.setAudience(properties.token().audience());
        claims.setSubject("jane@acme");
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(clock.instant().getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(clock.instant().plus(Duration.ofDays(2)).getEpochSecond()));
        String token = keys.sign(claims.toJson(), AccessTokens.TYPE);
        assertThat(tokens.validate(token).subject()).isEqualTo("jane@acme");

        SigningKeys.Rotation rotation = keys.rotate();
        clock.set(rotation.replacedRetireAfter());
        keys.reload();

        assertThatThrownBy(() -> tokens.validate(token)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aSecondRotationBeforeTheFirstKeySignsIsRefused() {
        SigningKeys a = node();
        SigningKeys b = node();
        SigningKeys.Rotation first = a.rotate();

        assertThatThrownBy(b::rotate).isInstanceOf(SigningKeys.RotationInProgressException.class)
                .hasMessageContaining(first.kid());

        clock.set(first.notBefore());
        SigningKeys.Rotation second = b.rotate();
        assertThat(second.replacedKid()).isEqualTo(first.kid());
    }

    @Test
    void nodesRotatingAtTheSameMomentMakeExactlyOneNewKey() throws Exception {
        List<SigningKeys> nodes = List.of(node(), node(), node(), node());
        List<Callable<Boolean>> rotations = new ArrayList<>();
        for (SigningKeys node : nodes) {
            rotations.add(() -> {
                try {
                    node.rotate();
                    return true;
                } catch (SigningKeys.RotationInProgressException e) {
                    return false;
                }
            });
        }

        long done = 0;
        for (Future<Boolean> rotated : threads.invokeAll(rotations, 60, TimeUnit.SECONDS)) {
            done += rotated.get() ? 1 : 0;
        }

        assertThat(done).isEqualTo(1);
        assertThat(nodes.get(0).states()).extracting(SigningKeys.KeyState::state)
                .containsExactlyInAnyOrder(SigningKeys.State.PENDING, SigningKeys.State.SIGNING);
    }

    @Test
    void statesNameKidsAndTimesOnly() {
        SigningKeys keys = node();
        SigningKeys.Rotation rotation = keys.rotate();

        List<SigningKeys.KeyState> states = keys.states();

        assertThat(states).extracting(SigningKeys.KeyState::state)
                .containsExactly(SigningKeys.State.PENDING, SigningKeys.State.SIGNING);
        assertThat(states.get(0).notBefore()).isEqualTo(rotation.notBefore());
        assertThat(states.get(1).retireAfter()).isEqualTo(rotation.replacedRetireAfter());
        clock.set(rotation.notBefore());
        assertThat(keys.states()).extracting(SigningKeys.KeyState::state)
                .containsExactly(SigningKeys.State.SIGNING, SigningKeys.State.RETIRING);
        assertThat(states.toString()).doesNotContain("PRIVATE").doesNotContain("v2:");
    }

    @Test
    void aRotationDelayNotLongerThanTheReloadIntervalStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new SigningKeyProperties(Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .hasMessageContaining("caravan.jwt.keys.rotation-delay");
    }
}
