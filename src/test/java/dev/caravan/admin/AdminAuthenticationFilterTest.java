package dev.caravan.admin;

import dev.caravan.userstore.LoginThrottle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.caravan.config.CaravanProperties;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The filter on mock requests, where the client address can be chosen. */
class AdminAuthenticationFilterTest {
    private static final String ADMIN_PASSWORD = "Filter-test-admin-1";

    private final AdminAuthenticator authenticator = new AdminAuthenticator(
            new CaravanProperties(null, null, null, null, new CaravanProperties.Admin("root", ADMIN_PASSWORD, 10, 100, Duration.ofMinutes(5))),
            null);
    private final AdminAuthenticationFilter filter = new AdminAuthenticationFilter(authenticator,
            new LoginThrottle(10, 5, Duration.ofMinutes(5), Ticker.systemTicker()), new ObjectMapper());

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private record Outcome(MockHttpServletRequest request, MockHttpServletResponse response, MockFilterChain chain) {
        boolean passed() {
            return chain.getRequest() != null;
        }
    }

    private Outcome send(String address, String authorization) throws ServletException, IOException {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/organizations");
        request.setRemoteAddr(address);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(request, response, chain);
    }

    @Test
    void adminCredentialsThenChainContinuesWithAdminPrincipal() throws Exception {
        Outcome outcome = send("10.1.0.1", basic("root", ADMIN_PASSWORD));
        assertThat(outcome.passed()).isTrue();
        AdminPrincipal principal = (AdminPrincipal) outcome.request().getAttribute(AdminPrincipal.ATTRIBUTE);
        assertThat(principal.isAdmin()).isTrue();
        assertThat(principal.name()).isEqualTo("root");
    }

    @Test
    void noCredentialsThenUnauthorizedChallengeAndChainStops() throws Exception {
        Outcome outcome = send("10.1.0.2", null);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(401);
        assertThat(outcome.response().getHeader("WWW-Authenticate")).isEqualTo("Basic realm=\"caravan-admin\"");
        assertThat(outcome.response().getContentAsString()).contains("\"error\":\"unauthorized\"");
    }

    @Test
    void failuresFromOneAddressThenThatAddressIsThrottledEvenForTheAdminButOthersAreNot() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("10.2.0.1", basic("guess" + i, "wrong-password")).response().getStatus()).isEqualTo(401);
        }
        Outcome throttled = send("10.2.0.1", basic("root", ADMIN_PASSWORD));
        assertThat(throttled.passed()).isFalse();
        assertThat(throttled.response().getStatus()).isEqualTo(429);
        assertThat(throttled.response().getHeader("Retry-After")).isEqualTo("300");
        assertThat(send("10.2.0.2", basic("root", ADMIN_PASSWORD)).passed()).isTrue();
    }

    @Test
    void malformedCredentialsAreNotCountedAsFailedLogins() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(send("10.3.0.1", "Basic not-base64!").response().getStatus()).isEqualTo(401);
        }
        assertThat(send("10.3.0.1", basic("root", ADMIN_PASSWORD)).passed()).isTrue();
    }
}
