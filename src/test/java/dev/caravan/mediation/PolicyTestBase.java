package dev.caravan.mediation;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared setup of the per-API policy tests: a fresh world per test on a real loopback backend,
 * the API's policy set through the admin API (so every policy passes the same checks as in
 * production), and calls over the real traffic port.
 */
abstract class PolicyTestBase extends CaravanTestBase {
    static TestBackend backend;

    protected Fixtures.World world;
    protected String userToken;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @BeforeEach
    void createWorld() {
        backend.clear();
        backend.respond(200, "{\"ok\":true}");
        backend.delay(java.time.Duration.ZERO);
        world = organization() == null ? fixtures.world(backend.baseUrl() + "/svc")
                : fixtures.world(backend.baseUrl() + "/svc", organization());
        userToken = passwordGrant(world).path("access_token").asText();
    }

    /** The name of the organization every test's world shares, or null for a new one per test. */
    protected String organization() {
        return null;
    }

    /** PUTs the world's API with this policy (JSON, single quotes allowed) and returns the admin API's answer. */
    protected Http.Response putPolicy(String policy) {
        return putApi(world.api().backendUrl(), policy);
    }

    protected Http.Response putApi(String backendUrl, String policy) {
        return putApiAs(Http.basic(ADMIN_USER, ADMIN_PASSWORD), world, backendUrl, policy);
    }

    /** PUTs {@code owner}'s API with this backend and policy, as {@code authorization}. */
    protected Http.Response putApiAs(String authorization, Fixtures.World owner, String backendUrl, String policy) {
        String body = "{\"name\":\"" + owner.api().name() + "\",\"context\":\"" + owner.api().context()
                + "\",\"version\":\"" + owner.api().version() + "\",\"backendUrl\":\"" + backendUrl
                + "\",\"tiers\":[\"Gold\",\"Silver\",\"Bronze\"],\"policy\":" + policy.replace('\'', '"') + "}";
        return Http.request("PUT", management("/api/v1/organizations/" + owner.organization().name() + "/apis/"
                + owner.api().id()), body, "Authorization", authorization, "Content-Type", "application/json");
    }

    /** The world's subscriber, who is also its organization's publisher, as admin API credentials (RFC 7617, nothing URL-encoded). */
    protected static String publisher(Fixtures.World world) {
        String pair = world.subscriber().username() + "@" + world.organization().name() + ":" + Fixtures.SUBSCRIBER_PASSWORD;
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    protected void policy(String policy) {
        Http.Response response = putPolicy(policy);
        if (response.status() != 200) {
            throw new AssertionError("policy refused: " + response.status() + " " + response.body());
        }
    }

    protected Http.Response call(String method, String rest, String body, String... headers) {
        return Http.request(method, traffic(world.apiPath() + rest), body, headers);
    }
}
