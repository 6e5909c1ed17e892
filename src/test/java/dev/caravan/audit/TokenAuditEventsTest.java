package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Token API's audit events, read back from the audit table after travelling over the broker. */
class TokenAuditEventsTest extends AuditTestBase {
    Fixtures.World world;
    String org;

    @BeforeEach
    void createWorld() {
        world = fixtures.world(backend.baseUrl());
        org = world.organization().name();
    }

    private Http.Response token(String authorization, String... params) {
        return Http.postForm(traffic("/oauth2/token"), authorization, Http.params(params));
    }

    private String basic() {
        return Http.basic(world.consumerKey(), world.consumerSecret());
    }

    @Test
    void passwordGrantThenTokenIssuedEventNamesUserClientAndGrantType() {
        passwordGrant(world);

        AuditEvent event = awaitOne(org, AuditEventType.TOKEN_ISSUED);
        assertThat(event.username()).isEqualTo(world.endUser().username());
        assertThat(event.clientId()).isEqualTo(world.consumerKey());
        assertThat(event.detail()).isEqualTo(Map.of("grant_type", "password"));
        assertThat(event.time()).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    void clientCredentialsGrantThenTokenIssuedEventWithoutUsername() {
        clientCredentials(world);

        AuditEvent event = awaitOne(org, AuditEventType.TOKEN_ISSUED);
        assertThat(event.username()).isNull();
        assertThat(event.clientId()).isEqualTo(world.consumerKey());
        assertThat(event.detail(AuditDetail.GRANT_TYPE)).isEqualTo("client_credentials");
    }

    @Test
    void wrongPasswordThenGrantRefusedWithTheUsernameAndTheReasonCategoryButNotThePassword() {
        assertThat(token(basic(), "grant_type", "password", "username", world.endUserName(),
                "password", "wrong-Pa55word").status()).isEqualTo(400);

        AuditEvent event = awaitOne(org, AuditEventType.GRANT_REFUSED);
        assertThat(event.clientId()).isEqualTo(world.consumerKey());
        String user = world.endUserName().substring(0, world.endUserName().lastIndexOf('@'));
        assertThat(event.username()).isEqualTo(user);
        assertThat(event.detail()).isEqualTo(Map.of("grant_type", "password", "reason", "invalid_grant",
                "status", "400"));
        assertThat(AuditJson.write(event)).doesNotContain("wrong-Pa55word");
    }

    @Test
    void unknownUserThenGrantRefusedWithTheNameAsLoginNameNormalizesIt() {
        String typed = "  Ze\u0301ro \u00A0 Here@" + org + " ";
        assertThat(token(basic(), "grant_type", "password", "username", typed,
                "password", "any-Pa55word").status()).isEqualTo(400);

        AuditEvent event = awaitOne(org, AuditEventType.GRANT_REFUSED);
        assertThat(event.username()).isEqualTo(dev.caravan.userstore.LoginName.parse(typed, org).username())
                .isEqualTo("Z\u00E9ro Here");
        assertThat(event.organization()).isEqualTo(org);
    }

    @Test
    void aNameOfAnotherOrganizationOrAnUnacceptableNameThenGrantRefusedWithoutAUsername() {
        assertThat(token(basic(), "grant_type", "password", "username", "mallory@another-org",
                "password", "any-Pa55word").status()).isEqualTo(400);

        AuditEvent event = awaitOne(org, AuditEventType.GRANT_REFUSED);
        assertThat(event.username()).isNull();
    }

    @Test
    void throttledLoginThenGrantRefusedAsThrottled() {
        Http.Response last;
        int attempts = 0;
        do {
            last = token(basic(), "grant_type", "password", "username", world.endUserName(),
                    "password", "wrong-" + attempts);
            attempts++;
        } while (last.status() != 429 && attempts < 20);
        assertThat(last.status()).isEqualTo(429);

        List<AuditEvent> refused = awaitEvents(org, AuditEventType.GRANT_REFUSED, attempts);
        assertThat(refused).extracting(e -> e.detail(AuditDetail.REASON))
                .containsOnly("invalid_grant", "throttled").contains("throttled");
        assertThat(refused).filteredOn(e -> "throttled".equals(e.detail(AuditDetail.REASON)))
                .allSatisfy(e -> assertThat(e.detail(AuditDetail.STATUS)).isEqualTo("429"));
    }

    @Test
    void wrongClientSecretThenGrantRefusedAsInvalidClientWithoutClientId() {
        Instant start = Instant.now().minusSeconds(1);
        assertThat(token(Http.basic(world.consumerKey(), "not-the-secret"), "grant_type", "client_credentials")
                .status()).isEqualTo(401);

        AuditEvent event = dev.caravan.testsupport.Poll.until(WAIT,
                () -> since(start, AuditEventType.GRANT_REFUSED).stream()
                        .filter(e -> "invalid_client".equals(e.detail(AuditDetail.REASON))).findFirst(),
                java.util.Optional::isPresent).get();
        assertThat(event.clientId()).isNull();
        assertThat(event.organization()).isNull();
        assertThat(event.detail(AuditDetail.STATUS)).isEqualTo("401");
    }

    @Test
    void refreshThenTokenRefreshedAndReuseThenRefreshReuse() {
        String first = passwordGrant(world).path("refresh_token").asText();
        Http.Response rotated = token(basic(), "grant_type", "refresh_token", "refresh_token", first);
        assertThat(rotated.status()).isEqualTo(200);
        // its successor used: first is spent for good, and presenting it again is a reuse
        String second = rotated.json().path("refresh_token").asText();
        assertThat(token(basic(), "grant_type", "refresh_token", "refresh_token", second).status()).isEqualTo(200);
        assertThat(token(basic(), "grant_type", "refresh_token", "refresh_token", first).status()).isEqualTo(400);

        AuditEvent refreshed = awaitEvents(org, AuditEventType.TOKEN_REFRESHED, 2).get(0);
        assertThat(refreshed.username()).isEqualTo(world.endUser().username());
        assertThat(refreshed.detail(AuditDetail.GRANT_TYPE)).isEqualTo("refresh_token");
        AuditEvent reuse = awaitOne(org, AuditEventType.REFRESH_REUSE);
        assertThat(reuse.username()).isEqualTo(world.endUser().username());
        assertThat(reuse.clientId()).isEqualTo(world.consumerKey());
        assertThat(reuse.detail(AuditDetail.REASON)).isEqualTo("invalid_grant");
        assertThat(repository.find(new AuditRepository.Query(org, null, AuditEventType.GRANT_REFUSED, null, null, 10)))
                .as("a reuse is reported as such, not as a plain refusal").isEmpty();
    }

    @Test
    void revokeRefreshTokenThenTokenRevokedNamesTokenTypeAndUser() {
        JsonNode tokens = passwordGrant(world);
        assertThat(Http.postForm(traffic("/oauth2/revoke"), basic(),
                Http.params("token", tokens.path("refresh_token").asText())).status()).isEqualTo(200);

        AuditEvent event = awaitOne(org, AuditEventType.TOKEN_REVOKED);
        assertThat(event.username()).isEqualTo(world.endUser().username());
        assertThat(event.clientId()).isEqualTo(world.consumerKey());
        assertThat(event.detail(AuditDetail.TOKEN_TYPE)).isEqualTo("refresh_token");
    }

    @Test
    void revokeUnknownTokenThenTokenRevokedEventSaysNone() {
        assertThat(Http.postForm(traffic("/oauth2/revoke"), basic(), Http.params("token", "no-such-token"))
                .status()).isEqualTo(200);

        AuditEvent event = awaitOne(org, AuditEventType.TOKEN_REVOKED);
        assertThat(event.username()).isNull();
        assertThat(event.detail(AuditDetail.TOKEN_TYPE)).isEqualTo("none");
    }
}
