package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Many failed logins from one address, spread over many usernames, are throttled too. */
class AddressThrottleEndToEndTest extends CaravanTestBase {

    @DynamicPropertySource
    static void lowAddressLimit(DynamicPropertyRegistry registry) {
        registry.add("caravan.token.max-failures-per-address", () -> 4);
    }

    @Test
    void passwordGrantWhenAddressFailedTooOftenThenTooManyRequestsForAnyUser() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        for (int i = 0; i < 4; i++) {
            Http.Response failed = Http.postForm(traffic("/oauth2/token"),
                    Http.basic(world.consumerKey(), world.consumerSecret()),
                    Http.params("grant_type", "password", "username", "spray" + i + "@" + world.organization().name(),
                            "password", "guess"));
            assertThat(failed.status()).isEqualTo(400);
        }
        Http.Response blocked = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", world.endUserName(),
                        "password", Fixtures.END_USER_PASSWORD));
        assertThat(blocked.status()).isEqualTo(429);
        Http.Response clientCredentials = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()), Http.params("grant_type", "client_credentials"));
        assertThat(clientCredentials.status()).as("only password logins are throttled").isEqualTo(200);
    }
}
