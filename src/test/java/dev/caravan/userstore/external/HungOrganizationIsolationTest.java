package dev.caravan.userstore.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.InMemoryExternalStore;
import dev.caravan.testsupport.Poll;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * No token-flow thread waits for a directory: one organization's store hangs with a bulkhead
 * larger than any of the token flow's pools, as many logins as the bulkhead admits wait on it,
 * and another organization's primary users, secondary users and applications still get their
 * tokens at once. Were a thread held per waiting login, the pools would all be taken.
 */
class HungOrganizationIsolationTest extends CaravanTestBase {
    private static final String SECONDARY_PASSWORD = "secondary-Pa55word!";
    private static final int WAITING = 500;

    @Autowired
    ExternalSecondaryUserStores secondary;
    @Autowired
    ServedUserStores served;

    @Test
    void aHungOrganizationWithABulkheadLargerThanEveryPoolDoesNotSlowAnotherOrganization() throws Exception {
        Fixtures.World hung = fixtures.world("http://127.0.0.1:9");
        Fixtures.World healthy = fixtures.world("http://127.0.0.1:9");
        String hungOrg = hung.organization().name();
        String healthyOrg = healthy.organization().name();
        InMemoryExternalStore stuck = new InMemoryExternalStore(hungOrg, "sam", SECONDARY_PASSWORD);
        stuck.hang();
        served.serve(hungOrg, stuck, 2);
        // its timeout ends the logins that are still waiting before the traffic port's 60 s idle timeout would
        secondary.bind(hungOrg, Duration.ofSeconds(40), WAITING, 1_000, Duration.ofSeconds(30));
        served.serve(healthyOrg, new InMemoryExternalStore(healthyOrg, "kim", SECONDARY_PASSWORD), 2);
        secondary.bind(healthyOrg, Duration.ofSeconds(10), 8, 3, Duration.ofSeconds(30));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < WAITING; i++) {
                waiting.add(client.sendAsync(login(hung, "sam@" + hungOrg, SECONDARY_PASSWORD),
                        HttpResponse.BodyHandlers.ofString()));
            }
            RemoteUserStore hungStore = secondary.remote(hungOrg).orElseThrow();
            Poll.until(Duration.ofSeconds(60), hungStore::inFlight, n -> n == WAITING);
            assertThat(waiting).noneMatch(CompletableFuture::isDone);

            // the hung organization's next login finds its bulkhead full: refused at once
            long start = System.nanoTime();
            HttpResponse<String> overflow = client.send(login(hung, "sam@" + hungOrg, SECONDARY_PASSWORD),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(overflow.statusCode()).as(overflow.body()).isEqualTo(503);
            assertThat(overflow.body()).contains("temporarily_unavailable");
            assertThat(millisSince(start)).as("a full bulkhead answers at once").isLessThan(2_000);

            for (int round = 0; round < 3; round++) {
                start = System.nanoTime();
                Http.Response primaryUser = Http.postForm(traffic("/oauth2/token"), basic(healthy),
                        Http.params("grant_type", "password", "username", healthy.endUserName(),
                                "password", Fixtures.END_USER_PASSWORD));
                assertThat(primaryUser.status()).as(primaryUser.body()).isEqualTo(200);
                assertThat(millisSince(start)).as("a primary user of another organization").isLessThan(2_000);

                start = System.nanoTime();
                Http.Response secondaryUser = Http.postForm(traffic("/oauth2/token"), basic(healthy),
                        Http.params("grant_type", "password", "username", "kim@" + healthyOrg,
                                "password", SECONDARY_PASSWORD));
                assertThat(secondaryUser.status()).as(secondaryUser.body()).isEqualTo(200);
                assertThat(millisSince(start)).as("a directory user of another organization").isLessThan(2_000);

                start = System.nanoTime();
                Http.Response application = Http.postForm(traffic("/oauth2/token"), basic(healthy),
                        Http.params("grant_type", "client_credentials"));
                assertThat(application.status()).as(application.body()).isEqualTo(200);
                assertThat(millisSince(start)).as("client_credentials of another organization").isLessThan(2_000);
            }
            // the hung store's own primary users are not held either
            start = System.nanoTime();
            Http.Response hungOrgPrimary = Http.postForm(traffic("/oauth2/token"), basic(hung),
                    Http.params("grant_type", "password", "username", hung.endUserName(),
                            "password", Fixtures.END_USER_PASSWORD));
            assertThat(hungOrgPrimary.status()).as(hungOrgPrimary.body()).isEqualTo(200);
            assertThat(millisSince(start)).isLessThan(2_000);

            // once the directory answers again, every waiting login gets its answer: its tokens, or
            // 503 if its time ran out first (a loaded machine), never a refusal
            stuck.release();
            int granted = 0;
            for (CompletableFuture<HttpResponse<String>> login : waiting) {
                HttpResponse<String> answer = login.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isIn(200, 503);
                granted += answer.statusCode() == 200 ? 1 : 0;
            }
            assertThat(granted).as("logins granted once the directory answered").isPositive();
            assertThat(hungStore.inFlight()).isZero();
        } finally {
            stuck.release();
            waiting.forEach(login -> login.cancel(true));
            served.stopServing(hungOrg);
            served.stopServing(healthyOrg);
            secondary.unbind(hungOrg);
            secondary.unbind(healthyOrg);
        }
    }

    private HttpRequest login(Fixtures.World world, String username, String password) {
        String form = "grant_type=password&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(traffic("/oauth2/token")))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", basic(world))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    private static String basic(Fixtures.World world) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (world.consumerKey() + ":" + world.consumerSecret()).getBytes(StandardCharsets.UTF_8));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
