package dev.caravan.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.GatewayProcess;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.StandaloneArtemis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway on the standalone broker (started by {@code .ci/artemis.sh}), which is stopped and
 * started while the gateway runs. Every grant needs the broker (its audit event must be on
 * record before the answer), so during the outage grants answer 503 temporarily_unavailable in
 * bounded time and readiness is DOWN; once the broker is back, grants work again without a
 * restart, and the events of the grants refused meanwhile are recorded too.
 * (StandaloneBrokerKillTest covers what the broker's journal keeps over a SIGKILL;
 * AuditWithoutBrokerTest a broker that was never there.)
 */
@Tag("fault")
class BrokerOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** security-wait (2 s) plus a loaded machine: an answer within this bound did not hang on the broker. */
    private static final long BOUND_MS = 5000;

    @Test
    void aStoppedBrokerIsAnswered503InBoundedTimeAndRecoversWithoutARestart() throws Exception {
        Path dir = GrantLoad.runDir("broker-outage");
        try (GatewayProcess gateway = GatewayProcess.startReady(dir, "384m", Duration.ofSeconds(180),
                "--caravan.broker.embedded=false",
                "--caravan.broker.url=" + StandaloneArtemis.URL,
                "--caravan.broker.user=" + StandaloneArtemis.USER,
                "--caravan.broker.password=" + StandaloneArtemis.PASSWORD)) {
            String admin = gateway.adminAuthorization();
            post(gateway, admin, "/api/v1/organizations", Map.of("name", "brokerless"));
            post(gateway, admin, "/api/v1/organizations/brokerless/users",
                    Map.of("username", "ada", "password", "Outage-Password-1", "roles", List.of("subscriber")));
            JsonNode app = post(gateway, admin, "/api/v1/organizations/brokerless/applications",
                    Map.of("name", "app", "owner", "ada"));
            String client = Http.basic(app.path("consumerKey").asText(), app.path("consumerSecret").asText());
            String token = gateway.trafficUrl() + "/oauth2/token";
            Supplier<Http.Response> password = () -> Http.postForm(token, client,
                    Http.params("grant_type", "password", "username", "ada", "password", "Outage-Password-1"));
            Supplier<Http.Response> appToken = () -> Http.postForm(token, client,
                    Http.params("grant_type", "client_credentials"));
            assertThat(password.get().status()).isEqualTo(200);

            StandaloneArtemis.stop();
            long stopped = System.nanoTime();
            try {
                long[] passwordMillis = timed503("password grant", password);
                long[] appMillis = timed503("client credentials grant", appToken);
                int readiness = Poll.until(Duration.ofSeconds(30), gateway::readinessStatus, s -> s == 503);
                long notReadyAfter = (System.nanoTime() - stopped) / 1_000_000;
                assertThat(readiness).as("readiness DOWN").isEqualTo(503);
                assertThat(gateway.isAlive()).isTrue();

                StandaloneArtemis.start();
                long started = System.nanoTime();
                Poll.until(Duration.ofSeconds(90), () -> password.get().status(), s -> s == 200);
                long grantsBackAfter = (System.nanoTime() - started) / 1_000_000;
                Poll.until(Duration.ofSeconds(60), gateway::readinessStatus, s -> s == 200);
                long readyAfter = (System.nanoTime() - started) / 1_000_000;
                assertThat(appToken.get().status()).isEqualTo(200);
                // the refused grants' events were kept and sent once the broker was back
                List<JsonNode> issued = Poll.until(Duration.ofSeconds(60), () -> issued(gateway, admin),
                        events -> events.size() >= 5);

                System.out.printf("[fault] broker outage: password grant %d ms, client credentials %d ms (503),"
                                + " readiness DOWN %d ms after the stop; after the start: grants back in %d ms,"
                                + " ready in %d ms; %d TOKEN_ISSUED events recorded%n",
                        passwordMillis[0], appMillis[0], notReadyAfter, grantsBackAfter, readyAfter, issued.size());
            } finally {
                StandaloneArtemis.start(); // for the suites after this one (a no-op when it runs)
            }
        }
    }

    private static List<JsonNode> issued(GatewayProcess gateway, String admin) {
        Http.Response answer = Http.get(gateway.adminUrl()
                + "/api/v1/audit-events?organization=brokerless&type=TOKEN_ISSUED&limit=1000", "Authorization", admin);
        if (answer.status() != 200) {
            return List.of();
        }
        List<JsonNode> events = new java.util.ArrayList<>();
        answer.json().forEach(events::add);
        return events;
    }

    private static long[] timed503(String what, Supplier<Http.Response> call) {
        long start = System.nanoTime();
        Http.Response response = call.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.status()).as("%s while the broker is down: %s", what, response.body()).isEqualTo(503);
        assertThat(response.json().path("error").asText()).as(what).isEqualTo("temporarily_unavailable");
        assertThat(millis).as("%s answered within %d ms", what, BOUND_MS).isLessThan(BOUND_MS);
        return new long[] {millis};
    }

    private static JsonNode post(GatewayProcess gateway, String admin, String path, Object body) throws Exception {
        Http.Response response = Http.request("POST", gateway.adminUrl() + path, JSON.writeValueAsString(body),
                "Authorization", admin, "Content-Type", "application/json");
        assertThat(response.status()).as("%s: %s", path, response.body()).isEqualTo(201);
        return response.json();
    }
}
