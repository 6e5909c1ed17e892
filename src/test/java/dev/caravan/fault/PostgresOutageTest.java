package dev.caravan.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.GatewayProcess;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.OwnPostgres;
import dev.caravan.testsupport.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway's PostgreSQL (a server of the test's own, on its own port) stopped and started
 * while the gateway runs: during the outage, what needs the database answers 503
 * temporarily_unavailable in bounded time (a revocation too: never a 200 that did nothing), the
 * application's own tokens are still issued, readiness is DOWN; once the database is back,
 * everything works again without a restart.
 */
@Tag("fault")
class PostgresOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The pool's connection timeout is 2 s: an answer within this bound did not hang on the database. */
    private static final long BOUND_MS = 5000;

    @Test
    void aDatabaseOutageIsAnswered503InBoundedTimeAndRecoversWithoutARestart() throws Exception {
        Path dir = GrantLoad.runDir("postgres-outage");
        try (OwnPostgres pg = OwnPostgres.start();
                GatewayProcess gateway = GatewayProcess.startReady(dir, "384m", Duration.ofSeconds(180),
                        "--spring.config.additional-location=file:" + Path.of("config").toAbsolutePath() + "/",
                        "--spring.profiles.active=postgres",
                        "--spring.datasource.url=" + pg.jdbcUrl(),
                        "--spring.datasource.username=postgres")) {
            String admin = gateway.adminAuthorization();
            post(gateway, admin, "/api/v1/organizations", Map.of("name", "outage"));
            post(gateway, admin, "/api/v1/organizations/outage/users",
                    Map.of("username", "ada", "password", "Outage-Password-1", "roles", List.of("subscriber")));
            JsonNode app = post(gateway, admin, "/api/v1/organizations/outage/applications",
                    Map.of("name", "app", "owner", "ada"));
            String client = Http.basic(app.path("consumerKey").asText(), app.path("consumerSecret").asText());
            String token = gateway.trafficUrl() + "/oauth2/token";
            Supplier<Http.Response> password = () -> Http.postForm(token, client,
                    Http.params("grant_type", "password", "username", "ada", "password", "Outage-Password-1"));
            Supplier<Http.Response> appToken = () -> Http.postForm(token, client,
                    Http.params("grant_type", "client_credentials"));
            Supplier<Http.Response> organizations = () -> Http.get(gateway.adminUrl() + "/api/v1/organizations",
                    "Authorization", admin);
            Http.Response login = password.get();
            assertThat(login.status()).as(login.body()).isEqualTo(200);
            String refresh = login.json().path("refresh_token").asText();

            pg.stopServer();
            long stopped = System.nanoTime();

            Timed passwordDown = timed(password);
            Timed adminDown = timed(organizations);
            Timed revokeDown = timed(() -> Http.postForm(gateway.trafficUrl() + "/oauth2/revoke", client,
                    Http.params("token", refresh)));
            Timed refreshDown = timed(() -> Http.postForm(token, client,
                    Http.params("grant_type", "refresh_token", "refresh_token", refresh)));
            Timed appDown = timed(appToken);
            int readiness = Poll.until(Duration.ofSeconds(30), gateway::readinessStatus, s -> s == 503);
            long notReadyAfter = (System.nanoTime() - stopped) / 1_000_000;

            assertUnavailable("password grant", passwordDown);
            assertUnavailable("admin call", adminDown);
            assertUnavailable("revocation", revokeDown);
            assertUnavailable("refresh grant", refreshDown);
            assertThat(appDown.response.status()).as("client credentials during the outage: %s",
                    appDown.response.body()).isEqualTo(200);
            assertThat(readiness).as("readiness DOWN").isEqualTo(503);
            assertThat(gateway.isAlive()).isTrue();

            pg.startServer();
            long started = System.nanoTime();
            Poll.until(Duration.ofSeconds(60), () -> password.get().status(), s -> s == 200);
            long grantsBackAfter = (System.nanoTime() - started) / 1_000_000;
            Poll.until(Duration.ofSeconds(60), gateway::readinessStatus, s -> s == 200);
            long readyAfter = (System.nanoTime() - started) / 1_000_000;
            assertThat(organizations.get().status()).isEqualTo(200);
            Http.Response refreshed = Http.postForm(token, client,
                    Http.params("grant_type", "refresh_token", "refresh_token", refresh));
            assertThat(refreshed.status()).as("the refresh token the failed revocation left alone: %s",
                    refreshed.body()).isEqualTo(200);
            Http.Response revoked = Http.postForm(gateway.trafficUrl() + "/oauth2/revoke", client,
                    Http.params("token", refreshed.json().path("refresh_token").asText()));
            assertThat(revoked.status()).isEqualTo(200);

            System.out.printf("[fault] PostgreSQL outage: password grant %d ms, admin call %d ms, revocation %d ms,"
                            + " refresh %d ms (all 503), client credentials %d ms (200), readiness DOWN %d ms after"
                            + " the stop; after the start: grants back in %d ms, ready in %d ms%n",
                    passwordDown.millis, adminDown.millis, revokeDown.millis, refreshDown.millis, appDown.millis,
                    notReadyAfter, grantsBackAfter, readyAfter);
        }
    }

    private record Timed(Http.Response response, long millis) {}

    private static Timed timed(Supplier<Http.Response> call) {
        long start = System.nanoTime();
        Http.Response response = call.get();
        return new Timed(response, (System.nanoTime() - start) / 1_000_000);
    }

    private static void assertUnavailable(String what, Timed timed) {
        assertThat(timed.response.status()).as("%s during the outage: %s", what, timed.response.body()).isEqualTo(503);
        assertThat(timed.response.json().path("error").asText()).as(what).isEqualTo("temporarily_unavailable");
        assertThat(timed.millis).as("%s answered within %d ms", what, BOUND_MS).isLessThan(BOUND_MS);
    }

    private static JsonNode post(GatewayProcess gateway, String admin, String path, Object body) throws Exception {
        Http.Response response = Http.request("POST", gateway.adminUrl() + path, JSON.writeValueAsString(body),
                "Authorization", admin, "Content-Type", "application/json");
        assertThat(response.status()).as("%s: %s", path, response.body()).isEqualTo(201);
        return response.json();
    }
}
