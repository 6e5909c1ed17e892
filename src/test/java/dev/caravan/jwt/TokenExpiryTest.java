package dev.caravan.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.Subscription;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Caravan's own tokens expire exactly (no leeway: it is our own clock): valid while now is before
 * {@code exp}, from the cache as from a fresh parse; a backend JWT always expires after it was
 * issued and never after the access token.
 */
class TokenExpiryTest {
    private final MediatorRig rig = new MediatorRig();
    private final MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");
    private final MutableClock clock = new MutableClock();
    private final AccessTokens tokens = new AccessTokens(rig.keys, rig.properties, clock);
    private final BackendJwts backendJwts = new BackendJwts(rig.keys, rig.properties, clock);

    private String issue() {
        clock.set(Instant.now().plusMillis(300));
        return tokens.issue(world.endUser().username() + "@" + world.organization().name(),
                world.application().consumerKey(), world.organization().name(), world.endUser().username(),
                "default", null).value();
    }

    private static Instant exp(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
    }

    @Test
    void aTokenParsedAfreshOneSecondPastItsExpiryIsRefused() throws Exception {
        String token = issue();
        clock.set(exp(token).plusSeconds(1));

        assertThatThrownBy(() -> tokens.validate(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("token expired");
    }

    @Test
    void aCachedTokenPastItsExpiryIsRefused() throws Exception {
        String token = issue();
        tokens.validate(token); // cached now
        clock.set(exp(token).plusSeconds(1));

        assertThatThrownBy(() -> tokens.validate(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("token expired");
    }

    @Test
    void aTokenIsValidUntilTheMillisecondBeforeExpAndRefusedFromExpOn() throws Exception {
        String cachedToken = issue();
        String freshToken = issue();
        Instant exp = exp(cachedToken);
        assertThat(exp(freshToken)).isEqualTo(exp);

        clock.set(exp.minusMillis(1));
        assertThat(tokens.validate(cachedToken).expiresAt()).isEqualTo(exp);

        clock.set(exp);
        assertThatThrownBy(() -> tokens.validate(cachedToken)).as("from the cache")
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> tokens.validate(freshToken)).as("parsed afresh")
                .isInstanceOf(InvalidTokenException.class);
    }

    private JWTClaimsSet assertion(AccessTokenClaims token) throws Exception {
        ClientApp client = rig.registry.client(token.clientId()).orElseThrow();
        Subscription subscription = rig.registry.subscription(client.application().id(), world.api().id()).orElseThrow();
        // a new cache key each time: every call signs
        String jwt = backendJwts.assertion(token, null, world.api(), client, subscription,
                "api-" + System.nanoTime(), null).toString();
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    @Test
    void aBackendJwtAlwaysExpiresAfterItWasIssuedAndNeverAfterTheAccessToken() throws Exception {
        String token = issue();
        AccessTokenClaims claims = tokens.validate(token);
        Instant exp = claims.expiresAt();
        for (Instant now = exp.minusSeconds(3); now.isBefore(exp); now = now.plusMillis(250)) {
            clock.set(now);
            JWTClaimsSet backend = assertion(claims);
            assertThat(backend.getExpirationTime()).as("exp after iat at %s", now).isAfter(backend.getIssueTime());
            assertThat(backend.getExpirationTime().toInstant()).as("exp at %s", now).isBeforeOrEqualTo(exp);
            assertThat(backend.getIssueTime().toInstant()).isBeforeOrEqualTo(now);
        }
        clock.set(exp.minusMillis(1));
        assertThat(assertion(claims).getExpirationTime().toInstant()).isEqualTo(exp);
    }

    @Test
    void aBackendJwtIsRefusedWhenTheAccessTokenHasNoWholeSecondLeft() throws Exception {
        String token = issue();
        AccessTokenClaims claims = tokens.validate(token); // read by the authentication step...
        // ...which the token outlived by less than a second before the backend JWT is made
        for (Duration late : new Duration[] {Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(1)}) {
            clock.set(claims.expiresAt().plus(late));
            assertThatThrownBy(() -> assertion(claims)).as("%s after exp", late)
                    .isInstanceOf(InvalidTokenException.class).hasMessage("token expired");
        }
    }

    @Test
    void aCachedBackendJwtIsNotHandedOutOnceTheAccessTokenExpired() throws Exception {
        String token = issue();
        AccessTokenClaims claims = tokens.validate(token);
        ClientApp client = rig.registry.client(claims.clientId()).orElseThrow();
        Subscription subscription = rig.registry.subscription(client.application().id(), world.api().id()).orElseThrow();
        backendJwts.assertion(claims, world.api(), client, subscription); // cached for this token and API

        clock.set(claims.expiresAt());
        assertThatThrownBy(() -> backendJwts.assertion(claims, world.api(), client, subscription))
                .isInstanceOf(InvalidTokenException.class);
    }
}
