package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The whole gateway with {@code caravan.mediation.routes-dir} and {@code mediators-dir} on
 * temporary directories: a dropped file goes live in the running application, a mediator file
 * replaces the packaged template and the application hears about it, and the gateway's own route
 * ids stay the gateway's.
 */
@DirtiesContext
@Import(UserRouteFilesApplicationTest.Listener.class)
class UserRouteFilesApplicationTest extends CaravanTestBase {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path DIR = temporaryDirectory();
    private static final Path ROUTES = DIR.resolve("user-routes");
    private static final Path MEDIATORS = DIR.resolve("mediators");
    private static final List<MediatorTemplatesChangedEvent> EVENTS = new CopyOnWriteArrayList<>();

    @Autowired
    private CamelContext camel;

    @Autowired
    private UserRouteFiles userRouteFiles;

    @TestConfiguration
    static class Listener {
        @EventListener
        void on(MediatorTemplatesChangedEvent event) {
            EVENTS.add(event);
        }
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("caravan-user-routes");
            Files.createDirectories(dir.resolve("user-routes"));
            Files.createDirectories(dir.resolve("mediators"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void mediationProperties(DynamicPropertyRegistry registry) {
        registry.add("caravan.mediation.routes-dir", ROUTES::toString);
        registry.add("caravan.mediation.mediators-dir", MEDIATORS::toString);
        registry.add("caravan.mediation.reload-interval", () -> "100ms");
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        FileSystemUtils.deleteRecursively(DIR);
    }

    private Optional<RouteFileStatus> status(String fileName) {
        return userRouteFiles.statuses().stream()
                .filter(s -> Path.of(s.path()).getFileName().toString().equals(fileName)).findFirst();
    }

    private RouteFileStatus awaitState(String fileName, RouteFileStatus.State state) {
        return Poll.until(WAIT, () -> status(fileName), s -> s.isPresent() && s.get().state() == state).get();
    }

    private List<RouteTemplateDefinition> templates(String id) {
        return camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteTemplateDefinitions().stream()
                .filter(t -> id.equals(t.getId())).toList();
    }

    @Test
    void droppedYamlFileWithADirectRouteIsLiveInTheApplication() throws IOException {
        Files.writeString(ROUTES.resolve("echo.yaml"), """
                - route:
                    id: user-echo
                    from:
                      uri: direct:user-echo
                      steps:
                        - setBody:
                            simple: "echo ${body}"
                """);

        awaitState("echo.yaml", RouteFileStatus.State.LOADED);

        assertThat(camel.createProducerTemplate().requestBody("direct:user-echo", "ping", String.class))
                .isEqualTo("echo ping");
    }

    /**
     * A user route served on the traffic port, over a real connection: dropped, it answers;
     * changed, the new version answers without a restart; broken, it is refused naming the file
     * and line, and the version before keeps answering.
     */
    @Test
    void userRouteOnTheTrafficPortIsLoadedReloadedAndKeptWhenBroken() throws IOException {
        Path file = ROUTES.resolve("hello.yaml");
        Files.writeString(file, helloRoute("first version"));
        awaitState("hello.yaml", RouteFileStatus.State.LOADED);
        assertThat(Poll.until(WAIT, () -> Http.get(traffic("/user-hello")), r -> r.status() == 200).body())
                .isEqualTo("first version");

        Files.writeString(file, helloRoute("second version, a longer answer"));
        Poll.until(WAIT, () -> Http.get(traffic("/user-hello")),
                r -> r.status() == 200 && r.body().equals("second version, a longer answer"));

        // a third version whose last step never ends: the YAML does not parse
        Files.writeString(file, helloRoute("third version") + "            - log: [\n");
        RouteFileStatus refused = awaitState("hello.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).containsPattern("hello\\.yaml:\\d+:");
        Http.Response stillServing = Http.get(traffic("/user-hello"));
        assertThat(stillServing.status()).isEqualTo(200);
        assertThat(stillServing.body()).isEqualTo("second version, a longer answer");
    }

    @Test
    void readmesUserRouteExampleLoadsAndAnswers() throws IOException {
        String readme = Files.readString(Path.of("docs/mediation.md"));
        int intro = readme.indexOf("saved as `user-routes/hello.yaml`");
        int start = readme.indexOf("```yaml\n", intro) + "```yaml\n".length();
        assertThat(intro).isPositive();
        Files.writeString(ROUTES.resolve("readme-example.yaml"), readme.substring(start, readme.indexOf("```", start))
                .replace("user-hello", "readme-hello"));

        RouteFileStatus loaded = awaitState("readme-example.yaml", RouteFileStatus.State.LOADED);

        assertThat(loaded.routeIds()).containsExactlyInAnyOrder("readme-hello", "orders-log");
        Http.Response answer = Http.get(traffic("/readme-hello"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hello from a user route");
    }

    private static String helloRoute(String answer) {
        return """
                - route:
                    id: user-hello
                    from:
                      uri: caravan-http:/user-hello
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

    @Test
    void gatewayRouteIdsAndTheirPrefixesAreRefused() throws IOException {
        Files.writeString(ROUTES.resolve("hijack.yaml"), """
                - route:
                    id: api-gateway-extra
                    from:
                      uri: direct:hijack
                      steps:
                        - setBody:
                            constant: hijacked
                """);

        RouteFileStatus refused = awaitState("hijack.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).contains("'api-gateway-extra'").contains("reserved");
        assertThat(camel.getRoute("api-gateway-extra")).isNull();
        assertThat(camel.getRoute("api-gateway")).isNotNull();
    }

    @Test
    void mediatorFileReplacesThePackagedTemplateAndTheApplicationHearsOfIt() throws IOException {
        List<RouteTemplateDefinition> packaged = templates("swap-authorization-headers");
        assertThat(packaged).hasSize(1);
        assertThat(packaged.get(0).getResource().getLocation()).endsWith("/caravan/mediators/swap-authorization-headers.yaml");

        Files.copy(Path.of("mediators/swap-authorization-headers.yaml"),
                MEDIATORS.resolve("swap-authorization-headers.yaml"));

        awaitState("swap-authorization-headers.yaml", RouteFileStatus.State.LOADED);
        Poll.until(WAIT, () -> EVENTS, events -> events.stream()
                .anyMatch(e -> e.templateIds().contains("swap-authorization-headers")));
        List<RouteTemplateDefinition> replaced = templates("swap-authorization-headers");
        assertThat(replaced).hasSize(1);
        assertThat(replaced.get(0).getResource().getLocation()).startsWith("file:");
    }

    // ------------------------------------------------------------ traffic paths

    private static String answerRoute(String id, String path, String answer) {
        return """
                - route:
                    id: %s
                    from:
                      uri: caravan-http:%s
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, path, answer);
    }

    private RouteFileStatus awaitRefusal(String fileName, String errorPart) {
        return Poll.until(WAIT, () -> status(fileName), s -> s.isPresent()
                && s.get().state() == RouteFileStatus.State.REFUSED
                && s.get().error() != null && s.get().error().contains(errorPart)).get();
    }

    private Http.Response passwordGrantResponse(dev.caravan.testsupport.Fixtures.World world) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", world.endUserName(),
                        "password", dev.caravan.testsupport.Fixtures.END_USER_PASSWORD));
    }

    @Test
    void aFileOnTheTokenPathIsRefusedAndTheTokenEndpointKeepsIssuingTokens() throws IOException {
        dev.caravan.testsupport.Fixtures.World world = fixtures.world("http://127.0.0.1:9/unused");
        Path file = ROUTES.resolve("steal-token.yaml");
        Files.writeString(file, answerRoute("steal-token", "/oauth2/token", "stolen"));

        RouteFileStatus refused = awaitRefusal("steal-token.yaml", "/oauth2/token");

        Http.Response token = passwordGrantResponse(world);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        assertThat(token.json().path("access_token").asText()).isNotEmpty();
        assertThat(refused.error()).startsWith("steal-token.yaml:").contains("route 'steal-token'").contains("reserved");
        assertThat(refused.routeIds()).isEmpty();

        // saved again (a new version of the same file): refused again, the token endpoint untouched
        Files.writeString(file, answerRoute("steal-token-again", "/oauth2/token", "stolen again"));
        awaitRefusal("steal-token.yaml", "steal-token-again");
        assertThat(passwordGrantResponse(world).status()).isEqualTo(200);
        assertThat(camel.getRoute("steal-token-again")).isNull();

        // the alias and the other reserved paths too
        Files.writeString(ROUTES.resolve("steal-alias.yaml"), answerRoute("steal-alias", "/token", "stolen"));
        Files.writeString(ROUTES.resolve("steal-jwks.yaml"), answerRoute("steal-jwks", "/oauth2/jwks", "stolen"));
        Files.writeString(ROUTES.resolve("steal-all.yaml"), answerRoute("steal-all", "/?prefix=true", "stolen"));
        awaitRefusal("steal-alias.yaml", "reserved");
        awaitRefusal("steal-jwks.yaml", "reserved");
        awaitRefusal("steal-all.yaml", "catch-all");
        Files.delete(file);
        Poll.until(WAIT, () -> status("steal-token.yaml"), Optional::isEmpty);
        assertThat(passwordGrantResponse(world).status()).isEqualTo(200);
        assertThat(Http.get(traffic("/oauth2/jwks")).status()).isEqualTo(200);
    }

    @Test
    void aSecondFileOnAServedPathIsRefusedAndTheFirstKeepsAnsweringWithTruthfulStatuses() throws IOException {
        Files.writeString(ROUTES.resolve("first-owner.yaml"), answerRoute("first-owner", "/user-shared", "first"));
        awaitState("first-owner.yaml", RouteFileStatus.State.LOADED);
        assertThat(Http.get(traffic("/user-shared")).body()).isEqualTo("first");

        Files.writeString(ROUTES.resolve("second-owner.yaml"), answerRoute("second-owner", "/user-shared", "second"));

        RouteFileStatus refused = awaitRefusal("second-owner.yaml", "/user-shared");
        assertThat(refused.error()).contains("route 'first-owner' of first-owner.yaml");
        assertThat(refused.routeIds()).isEmpty();
        Http.Response stillFirst = Http.get(traffic("/user-shared"));
        assertThat(stillFirst.status()).isEqualTo(200);
        assertThat(stillFirst.body()).isEqualTo("first");
        Http.Response listed = Http.get(management("/api/v1/mediation/files"),
                "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD));
        assertThat(listed.body()).contains("\"routeIds\":[\"first-owner\"]");
        for (com.fasterxml.jackson.databind.JsonNode file : listed.json()) {
            String name = Path.of(file.path("path").asText()).getFileName().toString();
            if (name.equals("first-owner.yaml")) {
                assertThat(file.path("state").asText()).isEqualTo("LOADED");
            } else if (name.equals("second-owner.yaml")) {
                assertThat(file.path("state").asText()).isEqualTo("REFUSED");
            }
        }

        // once the first file goes, the second one takes the path
        Files.delete(ROUTES.resolve("first-owner.yaml"));
        awaitState("second-owner.yaml", RouteFileStatus.State.LOADED);
        assertThat(Poll.until(WAIT, () -> Http.get(traffic("/user-shared")), r -> r.status() == 200).body())
                .isEqualTo("second");
    }

    @Test
    void aUserRouteOnAPublishedApisPathIsRefused() throws IOException {
        dev.caravan.testsupport.Fixtures.World world = fixtures.world("http://127.0.0.1:9/unused");
        String api = world.apiPath();
        Files.writeString(ROUTES.resolve("inside-api.yaml"), answerRoute("inside-api", api + "/hello", "shadowed"));
        Files.writeString(ROUTES.resolve("around-api.yaml"),
                answerRoute("around-api", world.api().context() + "?prefix=true", "shadowed"));

        assertThat(awaitRefusal("inside-api.yaml", "published API").error()).contains(api);
        assertThat(awaitRefusal("around-api.yaml", "published API").error()).contains(api);
        Http.Response apiCall = Http.get(traffic(api + "/hello"));
        assertThat(apiCall.body()).doesNotContain("shadowed");
        assertThat(apiCall.status()).isEqualTo(401);
    }

    @Test
    void anApiWhosePathsWouldTakeAUserRoutesPathIsRefusedAndTheRouteKeepsAnswering() throws IOException {
        String org = fixtures.world("http://127.0.0.1:9/unused").organization().name();
        Files.writeString(ROUTES.resolve("shop.yaml"), answerRoute("user-shop", "/user-shop/v1/items", "user route"));
        awaitState("shop.yaml", RouteFileStatus.State.LOADED);
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString((ADMIN_USER + ":" + ADMIN_PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        // /user-shop/v1/... and /user-shop/v1/items[/...] hold the route's path; /user-shop/v1/items/x/... does not
        for (String[] api : new String[][] {{"/user-shop", "v1", "409"}, {"/user-shop/v1", "items", "409"},
                {"/user-shop/v1/items", "x", "201"}}) {
            Http.Response created = Http.request("POST", management("/api/v1/organizations/" + org + "/apis"),
                    "{\"name\":\"shop\",\"context\":\"" + api[0] + "\",\"version\":\"" + api[1]
                            + "\",\"backendUrl\":\"http://127.0.0.1:9/unused\",\"tiers\":[\"Gold\"]}",
                    "Authorization", admin, "Content-Type", "application/json");

            assertThat(created.status()).as("%s %s", api[0], api[1]).isEqualTo(Integer.parseInt(api[2]));
            if (created.status() == 409) {
                assertThat(created.json().path("field").asText()).isEqualTo("context");
            }
        }
        Http.Response call = Http.get(traffic("/user-shop/v1/items"));
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.body()).isEqualTo("user route");
    }

    /**
     * A user route reloaded eight times while two clients call it without pause: no call is
     * answered 404 (a call arriving during the swap waits for the new version).
     */
    @Test
    void aReloadedUserRouteNeverAnswers404() throws Exception {
        Path file = ROUTES.resolve("reloaded.yaml");
        Files.writeString(file, answerRoute("reloaded", "/user-reloaded", "version 0"));
        RouteFileStatus loaded = awaitState("reloaded.yaml", RouteFileStatus.State.LOADED);
        Poll.until(WAIT, () -> Http.get(traffic("/user-reloaded")).status(), status -> status == 200);

        java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.AtomicInteger> statuses =
                new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean calling = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger missingRetryAfter = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> callers = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread caller = new Thread(() -> {
                while (calling.get()) {
                    Http.Response response = Http.get(traffic("/user-reloaded"));
                    statuses.computeIfAbsent(response.status(), s -> new java.util.concurrent.atomic.AtomicInteger())
                            .incrementAndGet();
                    if (response.status() == 503 && response.header("Retry-After") == null) {
                        missingRetryAfter.incrementAndGet();
                    }
                }
            }, "reload-caller-" + i);
            caller.start();
            callers.add(caller);
        }
        try {
            for (int version = 1; version <= 8; version++) {
                Files.writeString(file, answerRoute("reloaded", "/user-reloaded", "version " + version));
                RouteFileStatus before = loaded;
                loaded = Poll.until(WAIT, () -> status("reloaded.yaml"), s -> s.isPresent()
                        && s.get().state() == RouteFileStatus.State.LOADED
                        && !s.get().loadedAt().equals(before.loadedAt())).get();
            }
        } finally {
            calling.set(false);
            for (Thread caller : callers) {
                caller.join(10_000);
            }
        }

        assertThat(Http.get(traffic("/user-reloaded")).body()).isEqualTo("version 8");
        assertThat(statuses).as("answers by status").doesNotContainKey(404);
        assertThat(statuses.keySet()).as("answers by status: %s", statuses).isSubsetOf(200, 503);
        assertThat(statuses.get(200).get()).isGreaterThan(100);
        assertThat(missingRetryAfter.get()).isZero();
    }
}
