package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Http;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admin writes that check one row and write another stay consistent when they race: each round
 * starts a tier removal and a subscription at that tier at the same instant, and whatever wins,
 * no subscription is left at a tier its API no longer offers.
 */
class AdminRacesTest extends AdminApiTestBase {
    private static final int ROUNDS = 20;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void aTierRemovedWhileAnApplicationSubscribesAtItNeverLeavesAnOrphanSubscription() throws Exception {
        String org = newOrganization();
        String subscriber = newSubscriber(org);
        int bothSucceeded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            JsonNode app = newApplication(org, subscriber);
            JsonNode api = newApi(org, "http://127.0.0.1:9/unused", List.of("Gold", "Silver"));
            String apiPath = "/organizations/" + org + "/apis/" + api.path("id").asText();
            String dropSilver = json("name", api.path("name").asText(), "context", api.path("context").asText(),
                    "version", api.path("version").asText(), "backendUrl", api.path("backendUrl").asText(),
                    "tiers", List.of("Gold"));
            String subscribe = json("apiId", api.path("id").asText(), "tier", "Silver");
            String subscriptions = "/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions";

            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Http.Response> drop = CompletableFuture.supplyAsync(() -> {
                await(start);
                return call("PUT", apiPath, dropSilver, ADMIN);
            }, pool);
            CompletableFuture<Http.Response> sub = CompletableFuture.supplyAsync(() -> {
                await(start);
                return call("POST", subscriptions, subscribe, ADMIN);
            }, pool);
            int dropped = drop.get(30, TimeUnit.SECONDS).status();
            int subscribed = sub.get(30, TimeUnit.SECONDS).status();

            assertThat(List.of(dropped, subscribed)).as("round %d: one of them wins, the other is refused", round)
                    .containsAnyOf(200, 201).allMatch(status -> status == 200 || status == 201 || status == 400
                            || status == 409);
            JsonNode stored = expect(get(apiPath), 200).json();
            JsonNode subs = expect(get(subscriptions), 200).json();
            for (JsonNode subscription : subs) {
                assertThat(stored.path("tiers").toString()).as("round %d: the API still offers the subscribed tier", round)
                        .contains("\"" + subscription.path("tier").asText() + "\"");
            }
            if (dropped == 200 && subscribed == 201) {
                bothSucceeded++;
            }
        }
        assertThat(bothSucceeded).as("a removal and a subscription at the removed tier never both succeed").isZero();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
