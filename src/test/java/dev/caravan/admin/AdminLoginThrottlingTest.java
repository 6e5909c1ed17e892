package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failed logins are throttled per username over real ports. Per-address
 * throttling is tested on the filter with mock requests ({@link AdminAuthenticationFilterTest}):
 * here every call comes from 127.0.0.1, which the rest of the shared context still needs.
 */
class AdminLoginThrottlingTest extends AdminApiTestBase {

    @Test
    void tenFailedLoginsForOneUserThenEvenTheRightPasswordIsThrottledForThatUserOnly() {
        String org = newOrganization();
        newUser(org, "target", PASSWORD, List.of("publisher"));
        newUser(org, "bystander", PASSWORD, List.of("publisher"));
        String url = management("/api/v1/organizations/" + org);
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(url, "Authorization", basic("target@" + org, "Guess-number-" + i)).status())
                    .isEqualTo(401);
        }

        Http.Response throttled = Http.get(url, "Authorization", basic("target@" + org, PASSWORD));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("300");
        assertThat(throttled.json().path("error").asText()).isEqualTo("too_many_requests");
        for (String respelt : new String[] {" target@" + org, "TARGET@" + org, "target @ " + org}) {
            assertThat(Http.get(url, "Authorization", basic(respelt, PASSWORD)).status()).as("'%s'", respelt)
                    .isEqualTo(429);
        }
        assertThat(Http.get(url, "Authorization", basic("bystander@" + org, PASSWORD)).status()).isEqualTo(200);
        assertThat(Http.get(url, "Authorization", ADMIN).status()).isEqualTo(200);
    }
}
