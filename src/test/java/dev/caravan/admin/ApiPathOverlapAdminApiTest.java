package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The gateway's URL space is shared by every organization: an API whose paths would shadow, or
 * be shadowed by, another API's is refused (409) in the publisher's own terms, also when two such
 * creates race; stored overlaps from before are reported.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiPathOverlapAdminApiTest extends AdminApiTestBase {
    private static TestBackend backend;

    @Autowired
    private ApiRepository apis;
    @Autowired
    private LiveRegistry registry;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    private Http.Response createApi(String org, String authorization, String context, String version) {
        return call("POST", "/organizations/" + org + "/apis", json("name", "API", "context", context,
                "version", version, "backendUrl", backend.baseUrl() + "/svc", "tiers", List.of("Gold")), authorization);
    }

    private static void expectOverlap(Http.Response response, String servedPath) {
        expect(response, 409);
        JsonNode error = response.json();
        assertThat(error.path("error").asText()).isEqualTo("conflict");
        assertThat(error.path("field").asText()).isEqualTo("context");
        assertThat(error.path("message").asText())
                .isEqualTo("paths under " + servedPath + " are already served by another API");
    }

    /** An application of {@code org} subscribed to {@code apiId}, and its token. */
    private String subscribedToken(String org, String apiId) {
        JsonNode app = newApplication(org, newSubscriber(org));
        expect(post("/organizations/" + org + "/applications/" + app.path("name").asText() + "/subscriptions",
                json("apiId", apiId, "tier", "Gold")), 201);
        return expect(clientCredentialsToken(app.path("consumerKey").asText(), app.path("consumerSecret").asText()),
                200).json().path("access_token").asText();
    }

    @Test
    void anotherOrganizationCannotShadowAnApiWithAContextWhoseVersionIsTheOthersSegment() {
        String root = "/" + unique("maps");
        String myCompany = newOrganization();
        String acme = newOrganization();
        String acmePublisher = newPublisher(acme);
        String euId = expect(createApi(myCompany, ADMIN, root + "/eu", "1.0"), 201).json().path("id").asText();
        String token = subscribedToken(myCompany, euId);

        Http.Response shadow = createApi(acme, acmePublisher, root, "eu");

        expectOverlap(shadow, root + "/eu/");
        assertThat(shadow.body()).doesNotContain(myCompany).doesNotContain("1.0").doesNotContain(euId);
        assertThat(expect(call("GET", "/organizations/" + acme + "/apis", null, acmePublisher), 200).json()).isEmpty();
        backend.clear();
        expect(Http.get(traffic(root + "/eu/1.0/tiles"), "Authorization", "Bearer " + token), 200);
        assertThat(backend.take().path()).isEqualTo("/svc/tiles");
    }

    @Test
    void aLongerPathUnderAnotherOrganizationsApiIsRefusedToo() {
        String root = "/" + unique("maps");
        String acme = newOrganization();
        String myCompany = newOrganization();
        expect(createApi(acme, ADMIN, root, "eu"), 201);

        Http.Response shadowed = createApi(myCompany, newPublisher(myCompany), root + "/eu", "1.0");

        expectOverlap(shadowed, root + "/eu/1.0/");
        assertThat(shadowed.body()).doesNotContain(acme);
    }

    @Test
    void overlapsInsideOneOrganizationAreRefused() {
        String root = "/" + unique("inventory");
        String org = newOrganization();
        expect(createApi(org, ADMIN, root, "1.0"), 201);

        expectOverlap(createApi(org, ADMIN, root + "/1.0", "1.0"), root + "/1.0/1.0/");
        expectOverlap(createApi(org, ADMIN, root, "1.0"), root + "/1.0/");
    }

    @Test
    void neighboursThatOnlyShareCharactersAreAccepted() {
        String root = "/" + unique("maps");
        String org = newOrganization();
        String other = newOrganization();

        expect(createApi(org, ADMIN, root + "/eu", "v1"), 201);
        expect(createApi(other, ADMIN, root + "/euro", "v1"), 201);
        expect(createApi(other, ADMIN, root + "/eu", "v2"), 201);
        expect(createApi(org, ADMIN, root + "-eu", "v1"), 201);
    }

    @Test
    void anUnderscoreInTheFirstSegmentMatchesOnlyItself() {
        String suffix = unique("x");
        String org = newOrganization();
        expect(createApi(org, ADMIN, "/a_" + suffix + "/1", "2"), 201);
        expect(createApi(org, ADMIN, "/aZ" + suffix, "1"), 201);

        expectOverlap(createApi(org, ADMIN, "/a_" + suffix, "1"), "/a_" + suffix + "/1/");
    }

    @Test
    void ofConcurrentOverlappingCreatesExactlyOneSucceeds() throws Exception {
        int creators = 6;
        List<String> organizations = new ArrayList<>();
        for (int i = 0; i < creators; i++) {
            organizations.add(newOrganization());
        }
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        try {
            for (int round = 0; round < 5; round++) {
                String root = "/" + unique("race");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < creators; i++) {
                    // /race/v, /race/1/v, /race/1/2/v ...: every two of them overlap
                    StringBuilder context = new StringBuilder(root);
                    for (int depth = 1; depth <= i; depth++) {
                        context.append('/').append(depth);
                    }
                    String org = organizations.get(i);
                    String version = String.valueOf(i + 1);
                    answers.add(pool.submit(() -> {
                        start.await();
                        return createApi(org, ADMIN, context.toString(), version);
                    }));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Http.Response> answer : answers) {
                    statuses.add(answer.get(30, TimeUnit.SECONDS).status());
                }
                assertThat(statuses).as("round %d", round).containsOnly(201, 409);
                assertThat(statuses.stream().filter(status -> status == 201).count()).as("round %d", round).isOne();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void overlapsStoredBeforeTheRuleAreReportedNamingBothApis(CapturedOutput output) {
        String root = "/" + unique("legacy");
        String myCompany = newOrganization();
        String acme = newOrganization();
        var organizations = registry.snapshot().organizationNamesById();
        String myCompanyId = organizations.entrySet().stream().filter(e -> e.getValue().equals(myCompany))
                .findFirst().orElseThrow().getKey();
        String acmeId = organizations.entrySet().stream().filter(e -> e.getValue().equals(acme))
                .findFirst().orElseThrow().getKey();
        // as data written before creates were checked
        apis.create(myCompanyId, "eu", root + "/eu", "1.0", "http://127.0.0.1:9/x", List.of("Gold"));
        apis.create(acmeId, "shadow", root, "eu", "http://127.0.0.1:9/x", List.of("Gold"));

        assertThat(registry.reportOverlaps()).isPositive();

        assertThat(output.getOut()).contains("WARN").contains("API paths overlap: organization " + acme + " context "
                + root + " version eu and organization " + myCompany + " context " + root + "/eu version 1.0");
    }
}
