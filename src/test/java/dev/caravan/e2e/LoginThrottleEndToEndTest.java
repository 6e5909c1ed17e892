package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Failed password logins are throttled per username and per client address. */
@TestPropertySource(properties = {"caravan.token.max-failures-per-user=3"})
class LoginThrottleEndToEndTest extends CaravanTestBase {

    private Http.Response login(Fixtures.World world, String username, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", username, "password", password));
    }

    @Test
    void passwordGrantWhenUserFailedTooOftenThenTooManyRequestsEvenWithTheRightPassword() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        for (int i = 0; i < 3; i++) {
            assertThat(login(world, world.endUserName(), "wrong-" + i).json().path("error").asText())
                    .isEqualTo("invalid_grant");
        }
        Http.Response locked = login(world, world.endUserName(), Fixtures.END_USER_PASSWORD);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.header("Retry-After")).isNotBlank();
        assertThat(locked.header("Cache-Control")).isEqualTo("no-store");
        assertThat(locked.json().path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void passwordGrantWhenUnknownUserFailedTooOftenThenSameAnswerAsForKnownUser() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        String ghost = "nobody_here@" + world.organization().name();
        for (int i = 0; i < 3; i++) {
            login(world, ghost, "wrong-" + i);
        }
        assertThat(login(world, ghost, "again").status()).isEqualTo(429);
    }

    @Test
    void successfulLoginClearsTheUsersFailureCount() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        login(world, world.endUserName(), "wrong-1");
        login(world, world.endUserName(), "wrong-2");
        assertThat(login(world, world.endUserName(), Fixtures.END_USER_PASSWORD).status()).isEqualTo(200);
        login(world, world.endUserName(), "wrong-3");
        login(world, world.endUserName(), "wrong-4");
        assertThat(login(world, world.endUserName(), Fixtures.END_USER_PASSWORD).status()).isEqualTo(200);
    }
}
