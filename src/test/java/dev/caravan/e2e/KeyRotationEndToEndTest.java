package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.audit.AuditDetail;
import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditRepository;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rotating the signing key through the admin API while tokens are issued and used, over real
 * ports, with short times: a node reloads keys every 500 ms, a new key signs 4 s after the
 * rotation, access tokens live 10 s. The new kid is in the JWKS before any token carries it;
 * tokens of the old key keep working after the switch and until it retires, then its kid is
 * gone. Own database: the rotation must not reach other test contexts.
 */
class KeyRotationEndToEndTest extends CaravanTestBase {
    private static final Duration DELAY = Duration.ofSeconds(4);
    private static final Duration ACCESS_TTL = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void shortTimes(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:caravan_key_rotation;DB_CLOSE_DELAY=-1");
        registry.add("caravan.jwt.keys.reload-interval", () -> "500ms");
        registry.add("caravan.jwt.keys.rotation-delay", () -> DELAY.toMillis() + "ms");
        registry.add("caravan.token.access-token-ttl", () -> ACCESS_TTL.toSeconds() + "s");
        registry.add("caravan.backend-jwt.ttl", () -> "3s");
    }

    @Autowired
    private AuditRepository audit;

    private TestBackend backend;
    private Fixtures.World world;

    @BeforeEach
    void world() {
        backend = new TestBackend();
        world = fixtures.world(backend.baseUrl());
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** RFC 7617 Basic as the admin API reads it (nothing URL-encoded, unlike a token request's client credentials). */
    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String admin() {
        return basic(ADMIN_USER, ADMIN_PASSWORD);
    }

    private String publisher() {
        return basic(world.subscriber().username() + "@" + world.organization().name(), Fixtures.SUBSCRIBER_PASSWORD);
    }

    private Http.Response rotate(String authorization, String body) {
        return Http.request("POST", management("/api/v1/signing-keys"), body, "Authorization", authorization,
                "Content-Type", "application/json");
    }

    private static String kid(String jwt) {
        try {
            return JsonWebSignature.fromCompactSerialization(jwt).getKeyIdHeaderValue();
        } catch (Exception e) {
            throw new AssertionError("not a JWS", e);
        }
    }

    private List<String> publishedKids() {
        List<String> kids = new ArrayList<>();
        Http.get(traffic("/oauth2/jwks")).json().path("keys").forEach(key -> kids.add(key.path("kid").asText()));
        return kids;
    }

    private String accessToken() {
        return passwordGrant(world).path("access_token").asText();
    }

    private int call(String token) {
        return Http.get(traffic(world.apiPath() + "/items"), "Authorization", "Bearer " + token).status();
    }

    private JsonNode keyStates() {
        Http.Response listed = Http.get(management("/api/v1/signing-keys"), "Authorization", admin());
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        return listed.json();
    }

    private static String stateOf(JsonNode states, String kid) {
        for (JsonNode key : states) {
            if (key.path("kid").asText().equals(kid)) {
                return key.path("state").asText();
            }
        }
        return "absent";
    }

    @Test
    void aRotatedKeyIsPublishedBeforeItSignsAndTheOldOneWorksUntilItRetires() {
        String beforeRotation = accessToken();
        String old = kid(beforeRotation);
        assertThat(call(beforeRotation)).isEqualTo(200);

        Http.Response rotated = rotate(admin(), null);

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        String fresh = rotated.json().path("kid").asText();
        Instant notBefore = Instant.parse(rotated.json().path("notBefore").asText());
        Instant retire = Instant.parse(rotated.json().path("replaces").path("retireAfter").asText());
        assertThat(rotated.json().path("state").asText()).isEqualTo("PENDING");
        assertThat(rotated.json().path("replaces").path("kid").asText()).isEqualTo(old);
        assertThat(publishedKids()).as("published at once, before it signs").contains(fresh, old);
        assertThat(stateOf(keyStates(), fresh)).isIn("PENDING", "SIGNING");
        assertThat(rotate(admin(), null).status()).as("a second rotation before the first key signs").isEqualTo(409);

        // every token carries the old kid until not_before, the new one from then on
        List<String> kids = new ArrayList<>();
        String lastOfOld = beforeRotation;
        String firstOfNew = Poll.until(Duration.ofSeconds(30), () -> {
            Instant asked = Instant.now();
            String token = accessToken();
            kids.add(kid(token));
            if (kid(token).equals(old)) {
                assertThat(asked).as("a token of the old key asked for after not_before").isBefore(notBefore);
            }
            return token;
        }, token -> kid(token).equals(fresh));
        for (String kid : kids) {
            assertThat(kid).isIn(old, fresh);
        }
        assertThat(publishedKids()).contains(fresh, old);

        // both keys work now: a token of each is accepted, and the backend JWT is signed by the new key
        backend.clear();
        assertThat(call(firstOfNew)).isEqualTo(200);
        assertThat(kid(backend.take().header("X-JWT-Assertion"))).isEqualTo(fresh);
        assertThat(call(lastOfOld)).as("a token of the old key after the switch").isEqualTo(200);
        assertThat(stateOf(keyStates(), old)).isEqualTo("RETIRING");
        assertThat(stateOf(keyStates(), fresh)).isEqualTo("SIGNING");

        // after its retire time the old key is neither published nor accepted
        Poll.until(Duration.ofSeconds(40), this::publishedKids, published -> !published.contains(old));
        assertThat(Instant.now()).isAfterOrEqualTo(retire);
        assertThat(publishedKids()).containsExactly(fresh);
        assertThat(call(lastOfOld)).isEqualTo(401);
        assertThat(stateOf(keyStates(), old)).isEqualTo("RETIRED");
        assertThat(call(accessToken())).isEqualTo(200);

        AuditEvent change = Poll.until(Duration.ofSeconds(15),
                () -> audit.find(new AuditRepository.Query(null, null, AuditEventType.ADMIN_CHANGE, null, null, 1000)),
                events -> events.stream().anyMatch(e -> "/api/v1/signing-keys".equals(e.detail(AuditDetail.PATH))))
                .stream().filter(e -> "/api/v1/signing-keys".equals(e.detail(AuditDetail.PATH))).findFirst().orElseThrow();
        assertThat(change.username()).isEqualTo(ADMIN_USER);
        assertThat(change.detail(AuditDetail.METHOD)).isEqualTo("POST");
        assertThat(change.detail(AuditDetail.STATUS)).isEqualTo("202");
    }

    @Test
    void theKeyListNamesKidsStatesAndTimesAndNeverKeyMaterial() {
        Http.Response listed = Http.get(management("/api/v1/signing-keys"), "Authorization", admin());

        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().isArray()).isTrue();
        listed.json().forEach(key -> assertThat(key.fieldNames()).toIterable()
                .isSubsetOf("kid", "state", "createdAt", "notBefore", "retireAfter"));
        assertThat(listed.body()).doesNotContain("v2:").doesNotContain("MII");
    }

    @Test
    void onlyTheAdminMayListOrRotateKeysOrTouchStoredSecrets() {
        assertThat(rotate(publisher(), null).status()).isEqualTo(403);
        assertThat(Http.get(management("/api/v1/signing-keys"), "Authorization", publisher()).status()).isEqualTo(403);
        assertThat(Http.get(management("/api/v1/secrets"), "Authorization", publisher()).status()).isEqualTo(403);
        assertThat(Http.request("POST", management("/api/v1/secrets/reseal"), null, "Authorization", publisher()).status())
                .isEqualTo(403);
        assertThat(Http.get(management("/api/v1/signing-keys")).status()).isEqualTo(401);
    }

    @Test
    void aRotationRefusesAnyField() {
        Http.Response refused = rotate(admin(), "{\"notBefore\":\"2030-01-01T00:00:00Z\"}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("field").asText()).isEqualTo("notBefore");
    }

    @Test
    void storedSecretsAreCountedByKeyAndResealedWithoutShowingAValue() {
        Http.Response census = Http.get(management("/api/v1/secrets"), "Authorization", admin());
        assertThat(census.status()).as(census.body()).isEqualTo(200);
        String current = census.json().path("currentKeyId").asText();
        assertThat(current).hasSize(8);
        assertThat(census.json().path("sealedBy").path("signing_key").path(current).asInt()).isPositive();

        Http.Response resealed = Http.request("POST", management("/api/v1/secrets/reseal"), null, "Authorization", admin());

        assertThat(resealed.status()).as(resealed.body()).isEqualTo(200);
        assertThat(resealed.json().path("currentKeyId").asText()).isEqualTo(current);
        assertThat(resealed.json().path("resealed").asInt()).isZero();
        assertThat(resealed.json().path("unreadable").asInt()).isZero();
        assertThat(resealed.body()).doesNotContain("v2:");
    }
}
