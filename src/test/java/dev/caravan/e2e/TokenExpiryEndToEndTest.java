package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.testsupport.MutableClock;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Over the traffic port, with the gateway's clock under the test's control: an access token is
 * accepted while the clock is before its {@code exp} and is {@code 401 invalid_token} from
 * {@code exp} on, whether the gateway has it cached or not; every backend JWT on the way expires
 * after it was issued and no later than the access token.
 */
@Import(TokenExpiryEndToEndTest.Clocked.class)
class TokenExpiryEndToEndTest extends TokenApiTestBase {

    @TestConfiguration
    static class Clocked {
        @Bean
        MutableClock gatewayClock() {
            return new MutableClock();
        }
    }

    @Autowired
    MutableClock clock;

    @Autowired
    Clock applicationClock;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    private String accessToken() {
        return assertTokenIssued(passwordLogin(world.endUserName(), dev.caravan.testsupport.Fixtures.END_USER_PASSWORD))
                .path("access_token").asText();
    }

    private static Instant exp(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
    }

    @Test
    void theGatewayReadsTheTestsClock() {
        assertThat(applicationClock).isSameAs(clock);
    }

    @Test
    void anApiCallWithATokenOneSecondPastItsExpiryIsInvalidToken() throws Exception {
        String token = accessToken();
        clock.set(exp(token).plusSeconds(1));

        assertApiRefusesAsInvalidToken(token);
        assertThat(introspect(token).path("active").asBoolean()).isFalse();
    }

    @Test
    void anApiCallWithACachedTokenPastItsExpiryIsInvalidToken() throws Exception {
        String token = accessToken();
        assertApiAccepts(token); // validated and cached
        backend.clear();
        clock.set(exp(token).plusSeconds(1));

        assertApiRefusesAsInvalidToken(token);
        assertThat(backend.receivedNothing(java.time.Duration.ofMillis(200))).isTrue();
    }

    @Test
    void aTokenIsAcceptedUntilTheMillisecondBeforeExpAndRefusedFromExpOn() throws Exception {
        String cached = accessToken();
        String fresh = accessToken();
        Instant exp = exp(cached);
        clock.set(exp.minusSeconds(5));
        assertApiAccepts(cached);

        clock.set(exp.minusMillis(1));
        assertApiAccepts(cached);

        clock.set(exp);
        assertApiRefusesAsInvalidToken(cached);
        clock.set(exp(fresh));
        assertApiRefusesAsInvalidToken(fresh);
    }

    @Test
    void everyBackendJwtExpiresAfterItWasIssuedAndNoLaterThanTheAccessToken() throws Exception {
        String token = accessToken();
        Instant exp = exp(token);
        backend.clear();
        for (Instant now : new Instant[] {exp.minusSeconds(3600).plusSeconds(1), exp.minusSeconds(40),
                exp.minusSeconds(2), exp.minusMillis(1500), exp.minusMillis(400), exp.minusMillis(1)}) {
            clock.set(now);
            assertApiAccepts(token);
            JWTClaimsSet backendJwt = SignedJWT.parse(backend.take().header("X-JWT-Assertion")).getJWTClaimsSet();
            assertThat(backendJwt.getExpirationTime()).as("exp after iat at %s", now)
                    .isAfter(backendJwt.getIssueTime());
            assertThat(backendJwt.getExpirationTime().toInstant()).as("exp at %s", now).isBeforeOrEqualTo(exp);
            assertThat(backendJwt.getIssueTime().toInstant()).as("iat at %s", now).isBeforeOrEqualTo(now);
        }
    }

    @Test
    void aTokenIntrospectsAsInactiveFromItsExpOn() throws Exception {
        String token = accessToken();
        clock.set(exp(token).minusMillis(1));
        assertThat(introspect(token).path("active").asBoolean()).isTrue();
        clock.set(exp(token));
        assertThat(introspect(token).path("active").asBoolean()).isFalse();
    }
}
