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
        String readme = Files.readString(Path.of("README.md"));
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
}
