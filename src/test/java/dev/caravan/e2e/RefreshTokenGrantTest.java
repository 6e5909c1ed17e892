package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.util.Set;
import dev.caravan.userstore.PrimaryUserRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Rotating refresh tokens (RFC 6749 §6, OAuth 2.0 Security BCP §4.14): each use gives a new
 * refresh token; a reused one means it leaked, and the whole login (family) is revoked.
 */
class RefreshTokenGrantTest extends TokenApiTestBase {

    private JsonNode login(String scope) {
        return assertTokenIssued(token(Http.params("grant_type", "password", "username", world.endUserName(),
                "password", Fixtures.END_USER_PASSWORD, "scope", scope)));
    }

    private JsonNode login() {
        return assertTokenIssued(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD));
    }

    private static String access(JsonNode body) {
        return body.path("access_token").asText();
    }

    private static String refreshOf(JsonNode body) {
        return body.path("refresh_token").asText();
    }

    @Autowired
    PrimaryUserRepository users;

    @Test
    void refreshTokenGrantWhenUserDisabledSinceLoginThenInvalidGrantAndTokenNotSpent() {
        JsonNode first = login();
        users.update(world.endUser().id(), world.endUser().roles(), null, false);

        assertOAuthError(refresh(worldBasic(), refreshOf(first)), 400, "invalid_grant");

        users.update(world.endUser().id(), world.endUser().roles(), null, true);
        assertTokenIssued(refresh(worldBasic(), refreshOf(first)));
    }

    @Test
    void refreshTokenGrantWhenUserDeletedSinceLoginThenInvalidGrant() {
        JsonNode first = login();
        users.delete(world.endUser().id());

        assertOAuthError(refresh(worldBasic(), refreshOf(first)), 400, "invalid_grant");
    }

    @Test
    void refreshTokenGrantThenRotatesRefreshTokenAndIssuesNewAccessToken() throws Exception {
        JsonNode first = login();

        JsonNode second = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));

        assertThat(refreshOf(second)).isNotBlank().isNotEqualTo(refreshOf(first));
        assertThat(access(second)).isNotEqualTo(access(first));
        assertThat(second.path("scope").asText()).isEqualTo("default");
        JWTClaimsSet claims = jwt(access(second)).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(world.endUserName());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(world.consumerKey());
        assertThat(claims.getJWTID()).isNotEqualTo(jwt(access(first)).getJWTClaimsSet().getJWTID());
        assertApiAccepts(access(second));
        // and the new refresh token rotates in turn
        assertTokenIssued(refresh(worldBasic(), refreshOf(second)));
    }

    @Test
    void refreshTokenGrantWhenOldTokenReusedThenInvalidGrantAndFamilyRevoked() {
        JsonNode first = login();
        JsonNode second = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));
        JsonNode third = assertTokenIssued(refresh(worldBasic(), refreshOf(second)));
        assertApiAccepts(access(first));
        assertApiAccepts(access(third));

        // first was spent, and so was its successor: this is no retry, it is a reuse
        assertOAuthError(refresh(worldBasic(), refreshOf(first)), 400, "invalid_grant");

        assertOAuthError(refresh(worldBasic(), refreshOf(third)), 400, "invalid_grant");
        assertApiRefusesAsInvalidToken(access(first));
        assertApiRefusesAsInvalidToken(access(third));
        assertThat(introspect(access(first)).path("active").asBoolean()).isFalse();
        assertThat(introspect(access(third)).path("active").asBoolean()).isFalse();
        assertThat(introspect(refreshOf(third)).path("active").asBoolean()).isFalse();
    }

    /**
     * A client that never got the answer of its refresh (the gateway stopped after storing it, the
     * connection broke) retries with the token it holds: within the grace that is a retry, not a
     * reuse. Whoever might hold the lost answer finds its token spent at the next refresh, and
     * only then is the family revoked.
     */
    @Test
    void refreshTokenGrantRetriedAfterALostAnswerIsGrantedAndTheLostSuccessorIsSpent() {
        JsonNode first = login();
        JsonNode lost = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));

        JsonNode retried = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));
        assertApiAccepts(access(retried));
        JsonNode next = assertTokenIssued(refresh(worldBasic(), refreshOf(retried)));
        assertApiAccepts(access(next));

        assertOAuthError(refresh(worldBasic(), refreshOf(lost)), 400, "invalid_grant");
        assertApiRefusesAsInvalidToken(access(next));
    }

    @Test
    void refreshTokenGrantWhenFamilyRevokedThenOtherLoginsOfTheSameUserStillWork() {
        JsonNode leaked = login();
        JsonNode otherLogin = login();
        JsonNode rotated = assertTokenIssued(refresh(worldBasic(), refreshOf(leaked)));
        assertTokenIssued(refresh(worldBasic(), refreshOf(rotated)));

        assertOAuthError(refresh(worldBasic(), refreshOf(leaked)), 400, "invalid_grant");

        assertApiAccepts(access(otherLogin));
        assertTokenIssued(refresh(worldBasic(), refreshOf(otherLogin)));
    }

    @Test
    void refreshTokenGrantWhenTokenOfAnotherClientThenInvalidGrantAndFamilyIntact() {
        JsonNode first = login();
        Fixtures.Client other = fixtures.client(world, Set.of("password", "refresh_token"));

        assertOAuthError(refresh(Http.basic(other.consumerKey(), other.consumerSecret()), refreshOf(first)),
                400, "invalid_grant");

        assertApiAccepts(access(first));
        JsonNode second = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));
        assertApiAccepts(access(second));
    }

    @Test
    void refreshTokenGrantWhenScopeNarrowedThenGranted() throws Exception {
        JsonNode first = login("read write");
        assertThat(first.path("scope").asText()).isEqualTo("read write");

        JsonNode narrowed = assertTokenIssued(token(Http.params("grant_type", "refresh_token",
                "refresh_token", refreshOf(first), "scope", "read")));

        assertThat(narrowed.path("scope").asText()).isEqualTo("read");
        assertThat(jwt(access(narrowed)).getJWTClaimsSet().getStringClaim("scope")).isEqualTo("read");
    }

    @Test
    void refreshTokenGrantWhenScopeOmittedThenOriginalScopeKept() {
        JsonNode first = login("read write");
        assertThat(assertTokenIssued(refresh(worldBasic(), refreshOf(first))).path("scope").asText())
                .isEqualTo("read write");
    }

    @Test
    void refreshTokenGrantWhenScopeWidenedThenInvalidScope() {
        JsonNode first = login("read");

        assertOAuthError(token(Http.params("grant_type", "refresh_token", "refresh_token", refreshOf(first),
                "scope", "read write")), 400, "invalid_scope");
    }

    @Test
    void refreshTokenGrantWhenScopeWidenedThenRefreshTokenIsNotSpentAndFamilyIntact() {
        JsonNode first = login("read");
        assertOAuthError(token(Http.params("grant_type", "refresh_token", "refresh_token", refreshOf(first),
                "scope", "read admin")), 400, "invalid_scope");

        // a refused request must not consume the token: using it again is not a replay
        JsonNode second = assertTokenIssued(refresh(worldBasic(), refreshOf(first)));
        assertThat(second.path("scope").asText()).isEqualTo("read");
        assertApiAccepts(access(first));
        assertApiAccepts(access(second));
    }

    @Test
    void refreshTokenGrantWhenTokenUnknownThenInvalidGrant() {
        assertOAuthError(refresh(worldBasic(), "not-a-refresh-token"), 400, "invalid_grant");
        assertOAuthError(refresh(worldBasic(), "x".repeat(600)), 400, "invalid_grant");
    }

    @Test
    void refreshTokenGrantWhenAccessTokenPresentedAsRefreshTokenThenInvalidGrant() {
        assertOAuthError(refresh(worldBasic(), access(login())), 400, "invalid_grant");
    }

    @Test
    void refreshTokenGrantWhenRefreshTokenParameterMissingThenInvalidRequest() {
        assertOAuthError(token(Http.params("grant_type", "refresh_token")), 400, "invalid_request");
    }
}
