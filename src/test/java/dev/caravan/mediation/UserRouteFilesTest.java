package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UserRouteFiles} on a plain CamelContext holding a stand-in gateway route
 * ({@code api-gateway}) and the packaged mediator templates, watching two temporary directories
 * every 50 ms.
 */
class UserRouteFilesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private Path routes;
    private Path mediators;
    private CamelContext camel;
    private UserRouteFiles files;
    private final List<Object> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        routes = Files.createDirectories(temp.resolve("user-routes"));
        mediators = Files.createDirectories(temp.resolve("mediators"));
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:gateway").routeId("api-gateway").setBody(constant("gateway"));
            }
        });
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel,
                "classpath:caravan/mediators/swap-authorization-headers.yaml"));
        camel.start();
        files = new UserRouteFiles(camel,
                new MediationProperties(routes.toString(), mediators.toString(), Duration.ofMillis(50)), events::add);
        files.start();
    }

    @AfterEach
    void stop() {
        files.stop();
        camel.stop();
    }

    // ------------------------------------------------------------ helpers

    private static final String HELLO_YAML = """
            - route:
                id: hello
                from:
                  uri: direct:hello
                  steps:
                    - setBody:
                        constant: hello
            """;

    private static final String HELLO_XML = """
            <routes xmlns="http://camel.apache.org/schema/xml-io">
              <route id="hello-xml">
                <from uri="direct:hello-xml"/>
                <setBody><constant>hello from xml</constant></setBody>
              </route>
            </routes>
            """;

    private static String answer(String id, String body) {
        return """
                - route:
                    id: %s
                    from:
                      uri: direct:%s
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(id, id, body);
    }

    private void write(Path file, String content) throws IOException {
        Files.writeString(file, content);
    }

    private String call(String endpoint) {
        return camel.createProducerTemplate().requestBody(endpoint, "", String.class);
    }

    private Optional<RouteFileStatus> status(String fileName) {
        return files.statuses().stream().filter(s -> Path.of(s.path()).getFileName().toString().equals(fileName))
                .findFirst();
    }

    private RouteFileStatus awaitState(String fileName, RouteFileStatus.State state) {
        return Poll.until(WAIT, () -> status(fileName), s -> s.isPresent() && s.get().state() == state).get();
    }

    /**
     * Waits for a newer version of the file than {@code before} to be loaded. Tests read the
     * status rather than poll the route: a call that reaches the old route while it stops is
     * refused by Camel (the swap is stop-then-start, see README), which is not what they test.
     */
    private RouteFileStatus awaitReload(String fileName, RouteFileStatus before) {
        return Poll.until(WAIT, () -> status(fileName), s -> s.isPresent()
                && s.get().state() == RouteFileStatus.State.LOADED
                && !s.get().loadedAt().equals(before.loadedAt())).get();
    }

    private RouteFileStatus awaitRefusal(String fileName, String errorPart) {
        return Poll.until(WAIT, () -> status(fileName), s -> s.isPresent()
                && s.get().state() == RouteFileStatus.State.REFUSED
                && s.get().error() != null && s.get().error().contains(errorPart)).get();
    }

    private List<RouteTemplateDefinition> templates(String id) {
        return camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteTemplateDefinitions().stream()
                .filter(t -> id.equals(t.getId())).toList();
    }

    // ------------------------------------------------------------ tests

    @Test
    void droppedYamlFileRouteAnswers() throws Exception {
        write(routes.resolve("hello.yaml"), HELLO_YAML);

        RouteFileStatus status = awaitState("hello.yaml", RouteFileStatus.State.LOADED);

        assertThat(call("direct:hello")).isEqualTo("hello");
        assertThat(status.routeIds()).containsExactly("hello");
        assertThat(status.error()).isNull();
        assertThat(status.loadedAt()).isNotNull();
    }

    @Test
    void droppedXmlFileRouteAnswers() throws Exception {
        write(routes.resolve("hello.xml"), HELLO_XML);

        awaitState("hello.xml", RouteFileStatus.State.LOADED);

        assertThat(call("direct:hello-xml")).isEqualTo("hello from xml");
    }

    @Test
    void ymlExtensionIsLoadedToo() throws Exception {
        write(routes.resolve("short.yml"), answer("short", "yml"));

        awaitState("short.yml", RouteFileStatus.State.LOADED);

        assertThat(call("direct:short")).isEqualTo("yml");
    }

    @Test
    void changedFileIsReloadedWithoutRestart() throws Exception {
        Path file = routes.resolve("greeting.yaml");
        write(file, answer("greeting", "first"));
        RouteFileStatus first = awaitState("greeting.yaml", RouteFileStatus.State.LOADED);
        assertThat(call("direct:greeting")).isEqualTo("first");

        write(file, answer("greeting", "second version"));

        awaitReload("greeting.yaml", first);
        assertThat(call("direct:greeting")).isEqualTo("second version");
        assertThat(camel.getRoutes()).filteredOn(r -> r.getId().equals("greeting")).hasSize(1);
    }

    @Test
    void renamedRouteInChangedFileReplacesTheOldOne() throws Exception {
        Path file = routes.resolve("renamed.yaml");
        write(file, answer("old-name", "old"));
        awaitState("renamed.yaml", RouteFileStatus.State.LOADED);

        write(file, answer("new-name", "new answer"));

        Poll.until(WAIT, () -> status("renamed.yaml").orElseThrow().routeIds(), ids -> ids.equals(List.of("new-name")));
        assertThat(camel.getRoute("old-name")).isNull();
        assertThat(call("direct:new-name")).isEqualTo("new answer");
    }

    @Test
    void brokenYamlIsRefusedWithFileAndLineAndPreviousVersionKeepsServing() throws Exception {
        Path file = routes.resolve("hello.yaml");
        write(file, HELLO_YAML);
        awaitState("hello.yaml", RouteFileStatus.State.LOADED);

        write(file, """
                - route:
                    id: hello
                    from:
                      uri: direct:hello
                     steps: [
                """);

        RouteFileStatus refused = awaitState("hello.yaml", RouteFileStatus.State.REFUSED);
        assertThat(refused.error()).matches("hello\\.yaml:\\d+: .+");
        assertThat(refused.routeIds()).containsExactly("hello");
        assertThat(call("direct:hello")).isEqualTo("hello");
    }

    @Test
    void unknownYamlStepIsRefusedWithItsLine() throws Exception {
        write(routes.resolve("typo.yaml"), """
                - route:
                    id: typo
                    from:
                      uri: direct:typo
                      steps:
                        - setBodyy:
                            constant: x
                """);

        RouteFileStatus refused = awaitState("typo.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).startsWith("typo.yaml:6: ");
        assertThat(refused.routeIds()).isEmpty();
        assertThat(camel.getRoute("typo")).isNull();
    }

    @Test
    void malformedXmlIsRefusedWithItsLine() throws Exception {
        write(routes.resolve("broken.xml"), """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="broken">
                    <from uri="direct:broken"/>
                    <setBody><constant>x</constant></setBodyy>
                  </route>
                </routes>
                """);

        RouteFileStatus refused = awaitState("broken.xml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).startsWith("broken.xml:4: ");
        assertThat(camel.getRoute("broken")).isNull();
    }

    @Test
    void routeWithUnknownComponentIsRefusedAndPreviousVersionKeepsServing() throws Exception {
        Path file = routes.resolve("hello.yaml");
        write(file, HELLO_YAML);
        RouteFileStatus first = awaitState("hello.yaml", RouteFileStatus.State.LOADED);

        write(file, """
                - route:
                    id: hello
                    from:
                      uri: direct:hello
                      steps:
                        - to: no-such-component:thing
                """);

        RouteFileStatus refused = awaitRefusal("hello.yaml", "no-such-component");
        assertThat(refused.error()).startsWith("hello.yaml").contains("'hello'");
        assertThat(refused.routeIds()).containsExactly("hello");
        assertThat(call("direct:hello")).isEqualTo("hello");
        assertThat(camel.getRouteController().getRouteStatus("hello").isStarted()).isTrue();

        // and once fixed, the file loads again
        assertThat(refused.loadedAt()).isEqualTo(first.loadedAt());
        write(file, answer("hello", "fixed again"));
        awaitReload("hello.yaml", first);
        assertThat(call("direct:hello")).isEqualTo("fixed again");
    }

    @Test
    void deletingAFileRemovesItsRoutes() throws Exception {
        Path file = routes.resolve("hello.yaml");
        write(file, HELLO_YAML);
        awaitState("hello.yaml", RouteFileStatus.State.LOADED);

        Files.delete(file);

        Poll.until(WAIT, () -> status("hello.yaml"), Optional::isEmpty);
        assertThat(camel.getRoute("hello")).isNull();
        assertThat(camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition("hello")).isNull();
    }

    @Test
    void routeIdOfTheGatewayIsRefused() throws Exception {
        write(routes.resolve("hijack.yaml"), answer("api-gateway", "hijacked"));

        RouteFileStatus refused = awaitState("hijack.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).contains("hijack.yaml").contains("'api-gateway'").contains("already used");
        assertThat(call("direct:gateway")).isEqualTo("gateway");
    }

    @Test
    void routeIdOfAnotherFileIsRefusedUntilThatFileGoes() throws Exception {
        write(routes.resolve("a.yaml"), answer("shared", "from a"));
        awaitState("a.yaml", RouteFileStatus.State.LOADED);

        write(routes.resolve("b.yaml"), answer("shared", "from b"));

        RouteFileStatus refused = awaitState("b.yaml", RouteFileStatus.State.REFUSED);
        assertThat(refused.error()).contains("'shared'").contains("a.yaml");
        assertThat(call("direct:shared")).isEqualTo("from a");

        Files.delete(routes.resolve("a.yaml"));
        awaitState("b.yaml", RouteFileStatus.State.LOADED);
        assertThat(call("direct:shared")).isEqualTo("from b");
    }

    @Test
    void routesWithoutIdGetIdsFromFileNameAndIndexThatSurviveReload() throws Exception {
        Path file = routes.resolve("anonymous.yaml");
        String twoRoutes = """
                - route:
                    from:
                      uri: direct:anon-one
                      steps:
                        - setBody:
                            constant: "%s"
                - route:
                    from:
                      uri: direct:anon-two
                      steps:
                        - setBody:
                            constant: two
                """;
        write(file, twoRoutes.formatted("one"));
        RouteFileStatus loaded = awaitState("anonymous.yaml", RouteFileStatus.State.LOADED);
        assertThat(loaded.routeIds()).containsExactly("anonymous-1", "anonymous-2");

        write(file, twoRoutes.formatted("one, reloaded"));

        awaitReload("anonymous.yaml", loaded);
        assertThat(call("direct:anon-one")).isEqualTo("one, reloaded");
        // the reload adds the file's routes one after the other: wait for the second as well;
        // a reload that added copies instead of replacing would never come back to 3
        Poll.until(WAIT, () -> camel.getRoutes().size(), count -> count == 3);
        assertThat(camel.getRouteController().getRouteStatus("anonymous-2").isStarted()).isTrue();
    }

    @Test
    void templateInMediatorsDirIsInstantiableAndReloadPublishesTheEvent() throws Exception {
        Path file = mediators.resolve("greet.yaml");
        String template = """
                - routeTemplate:
                    id: greet
                    parameters:
                      - name: name
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                          - setBody:
                              simple: "%s ${body}"
                """;
        write(file, template.formatted("Hello"));
        RouteFileStatus loaded = awaitState("greet.yaml", RouteFileStatus.State.LOADED);
        assertThat(loaded.templateIds()).containsExactly("greet");
        Poll.until(WAIT, () -> events, e -> !e.isEmpty());
        assertThat(events.get(0)).isInstanceOfSatisfying(MediatorTemplatesChangedEvent.class,
                e -> assertThat(e.templateIds()).containsExactly("greet"));

        TemplatedRouteBuilder.builder(camel, "greet").routeId("greet-1").parameter("name", "greet-one").add();
        assertThat(camel.createProducerTemplate().requestBody("direct:greet-one", "world", String.class))
                .isEqualTo("Hello world");

        events.clear();
        write(file, template.formatted("Good morning"));

        Poll.until(WAIT, () -> events, e -> !e.isEmpty());
        assertThat(events.get(0)).isInstanceOfSatisfying(MediatorTemplatesChangedEvent.class,
                e -> assertThat(e.templateIds()).containsExactly("greet"));
        assertThat(templates("greet")).hasSize(1);
        TemplatedRouteBuilder.builder(camel, "greet").routeId("greet-2").parameter("name", "greet-two").add();
        assertThat(camel.createProducerTemplate().requestBody("direct:greet-two", "world", String.class))
                .isEqualTo("Good morning world");

        events.clear();
        Files.delete(file);
        Poll.until(WAIT, () -> events, e -> !e.isEmpty());
        assertThat(templates("greet")).isEmpty();
    }

    @Test
    void mediatorFileReplacesThePackagedTemplateOfTheSameIdAndDeletingItBringsThePackagedOneBack() throws Exception {
        assertThat(templates("swap-authorization-headers")).hasSize(1);
        // the repository's own mediators/ directory holds the same file as the packaged one
        Path file = mediators.resolve("swap-authorization-headers.yaml");
        Files.copy(Path.of("mediators/swap-authorization-headers.yaml"), file);

        awaitState("swap-authorization-headers.yaml", RouteFileStatus.State.LOADED);

        List<RouteTemplateDefinition> replaced = templates("swap-authorization-headers");
        assertThat(replaced).hasSize(1);
        assertThat(replaced.get(0).getResource().getLocation()).startsWith("file:");
        // the event is published after the scan that marked the file loaded: wait for it, then exactly one
        Poll.until(WAIT, () -> events, e -> !e.isEmpty());
        assertThat(events).hasSize(1);

        Files.delete(file);

        Poll.until(WAIT, () -> status("swap-authorization-headers.yaml"), Optional::isEmpty);
        List<RouteTemplateDefinition> restored = templates("swap-authorization-headers");
        assertThat(restored).hasSize(1);
        assertThat(restored.get(0).getResource().getLocation()).isEqualTo("classpath:caravan/mediators/swap-authorization-headers.yaml");
    }

    @Test
    void packagedTemplateIdInTheRoutesDirIsRefused() throws Exception {
        Files.copy(Path.of("mediators/swap-authorization-headers.yaml"), routes.resolve("swap.yaml"));

        RouteFileStatus refused = awaitState("swap.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).contains("'swap-authorization-headers'");
        assertThat(templates("swap-authorization-headers")).hasSize(1);
    }

    @Test
    void symlinkPointingOutsideTheDirectoryIsRefusedUnread() throws Exception {
        Path outside = Files.writeString(temp.resolve("outside.yaml"), answer("outside", "outside"));
        Files.createSymbolicLink(routes.resolve("link.yaml"), outside);

        RouteFileStatus refused = awaitState("link.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).contains("symbolic link pointing outside");
        assertThat(camel.getRoute("outside")).isNull();
    }

    @Test
    void symlinkInsideTheDirectoryIsFollowed() throws Exception {
        Path target = Files.createDirectories(routes.resolve("shared")).resolve("inner.yaml");
        Files.writeString(target, answer("inner", "inner"));
        Files.createSymbolicLink(routes.resolve("inner.yaml"), target);

        awaitState("inner.yaml", RouteFileStatus.State.LOADED);

        assertThat(call("direct:inner")).isEqualTo("inner");
    }

    @Test
    void fileLargerThanOneMebibyteIsRefused() throws Exception {
        String big = HELLO_YAML + "#" + "x".repeat((int) UserRouteFiles.MAX_FILE_BYTES) + "\n";
        write(routes.resolve("big.yaml"), big);

        RouteFileStatus refused = awaitState("big.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).contains("larger than 1 MiB");
        assertThat(camel.getRoute("hello")).isNull();
    }

    @Test
    void missingDirectoriesAreEmpty() throws Exception {
        UserRouteFiles none = new UserRouteFiles(camel, new MediationProperties(temp.resolve("nope").toString(),
                temp.resolve("nada").toString(), Duration.ZERO), e -> {});
        none.start();
        try {
            assertThat(none.statuses()).isEmpty();
        } finally {
            none.stop();
        }
    }

    /**
     * A file caught while it is being written (truncated to nothing, then filled) is not read
     * until a check finds it as the check before did: the half-written version is never refused
     * and the previous version serves until the complete one replaces it. Checked by hand here
     * ({@code reload-interval: 0}, {@link UserRouteFiles#rescan()}), one check at a time.
     */
    @Test
    void aFileBeingWrittenIsReadOnlyOnceItStaysTheSameForACheck() throws Exception {
        files.stop();
        Path file = routes.resolve("settle.yaml");
        write(file, answer("settle", "first"));
        UserRouteFiles manual = new UserRouteFiles(camel,
                new MediationProperties(routes.toString(), mediators.toString(), Duration.ZERO), e -> {});
        manual.start();
        try {
            Optional<RouteFileStatus> loaded = manual.statuses().stream().findFirst();
            assertThat(loaded).get().extracting(RouteFileStatus::state).isEqualTo(RouteFileStatus.State.LOADED);

            write(file, ""); // what Files.writeString leaves for an instant
            manual.rescan();
            assertThat(manual.statuses().get(0).state()).isEqualTo(RouteFileStatus.State.LOADED);
            assertThat(manual.statuses().get(0).error()).isNull();

            write(file, answer("settle", "second, complete"));
            manual.rescan();
            assertThat(call("direct:settle")).isEqualTo("first");

            manual.rescan();
            assertThat(manual.statuses().get(0).state()).isEqualTo(RouteFileStatus.State.LOADED);
            assertThat(call("direct:settle")).isEqualTo("second, complete");

            // a new file is listed once it has been read
            write(routes.resolve("late.yaml"), answer("late", "late"));
            manual.rescan();
            assertThat(manual.statuses()).hasSize(1);
            manual.rescan();
            assertThat(manual.statuses()).hasSize(2);
            assertThat(call("direct:late")).isEqualTo("late");
        } finally {
            manual.stop();
        }
    }

    @Test
    void fileWithBeansIsRefusedAndRegistersNothing() throws Exception {
        write(routes.resolve("beans.yaml"), """
                - beans:
                    - name: userBean
                      type: java.lang.StringBuilder
                - route:
                    id: with-beans
                    from:
                      uri: direct:with-beans
                      steps:
                        - setBody:
                            constant: x
                """);

        RouteFileStatus refused = awaitState("beans.yaml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).startsWith("beans.yaml:1: 'beans' is not supported");
        assertThat(camel.getRegistry().lookupByName("userBean")).isNull();
        assertThat(camel.getRoute("with-beans")).isNull();
    }

    @Test
    void xmlFileWithAnotherRootIsRefused() throws Exception {
        write(routes.resolve("camel.xml"), """
                <camel>
                  <route id="in-camel">
                    <from uri="direct:in-camel"/>
                    <setBody><constant>x</constant></setBody>
                  </route>
                </camel>
                """);

        RouteFileStatus refused = awaitState("camel.xml", RouteFileStatus.State.REFUSED);

        assertThat(refused.error()).isEqualTo(
                "camel.xml: root element <camel> is not supported in user route files (routes and route templates only)");
        assertThat(camel.getRoute("in-camel")).isNull();
    }

    @Test
    void otherFilesAndHiddenFilesAreIgnored() throws Exception {
        write(routes.resolve("notes.txt"), "not a route");
        write(routes.resolve(".hello.yaml"), HELLO_YAML);
        write(routes.resolve("marker.yaml"), answer("marker", "marker"));

        awaitState("marker.yaml", RouteFileStatus.State.LOADED);

        assertThat(files.statuses()).extracting(s -> Path.of(s.path()).getFileName().toString())
                .containsExactly("marker.yaml");
    }

    // ------------------------------------------------------------ kamelets

    private static final String GREETING_KAMELET = """
            apiVersion: camel.apache.org/v1
            kind: Kamelet
            metadata:
              name: greeting-action
              labels:
                camel.apache.org/kamelet.type: action
            spec:
              definition:
                title: Greeting
                required:
                  - greeting
                properties:
                  greeting:
                    title: Greeting
                    type: string
                  punctuation:
                    type: string
                    default: "!"
              template:
                from:
                  uri: kamelet:source
                  steps:
                    - setProperty:
                        name: greeting
                        constant: "{{greeting}}"
                    - setProperty:
                        name: punctuation
                        constant: "{{punctuation}}"
                    - setBody:
                        simple: "${exchangeProperty.greeting} ${body}${exchangeProperty.punctuation}"
            """;

    @Test
    void kameletInMediatorsDirBecomesAMediatorTemplate() throws Exception {
        write(mediators.resolve("greeting.kamelet.yaml"), GREETING_KAMELET);

        RouteFileStatus loaded = awaitState("greeting.kamelet.yaml", RouteFileStatus.State.LOADED);
        assertThat(loaded.templateIds()).containsExactly("greeting-action");
        RouteTemplateDefinition template = templates("greeting-action").get(0);
        assertThat(template.getRoute().getInput().getEndpointUri()).isEqualTo("direct:{{name}}");
        assertThat(template.getTemplateParameters()).extracting(p -> p.getName())
                .containsExactly("greeting", "punctuation", "name");
        assertThat(template.getTemplateParameters().get(0).isRequired()).isTrue();
        assertThat(template.getTemplateParameters().get(1).getDefaultValue()).isEqualTo("!");

        TemplatedRouteBuilder.builder(camel, "greeting-action").routeId("greeting-1")
                .parameter("name", "greeting-one").parameter("greeting", "Hello").add();
        assertThat(camel.createProducerTemplate().requestBody("direct:greeting-one", "world", String.class))
                .isEqualTo("Hello world!");
    }

    @Test
    void kameletSendingToItsSinkIsRefused() throws Exception {
        String step = "            simple: \"${exchangeProperty.greeting} ${body}${exchangeProperty.punctuation}\"\n";
        assertThat(GREETING_KAMELET).contains(step);
        write(mediators.resolve("sink.kamelet.yaml"), GREETING_KAMELET.replace("name: greeting-action", "name: sinking")
                .replace(step, step + "        - to: kamelet:sink\n"));

        awaitRefusal("sink.kamelet.yaml", "sends to 'kamelet:sink'");
        assertThat(templates("sinking")).isEmpty();
    }

    @Test
    void kameletInTheRoutesDirIsRefused() throws Exception {
        write(routes.resolve("greeting.kamelet.yaml"), GREETING_KAMELET);

        awaitRefusal("greeting.kamelet.yaml", "it belongs in the mediators directory");
        assertThat(templates("greeting-action")).isEmpty();
    }

    @Test
    void kameletFileWithAnotherKindOrExtraEntriesIsRefusedWithItsLine() throws Exception {
        write(mediators.resolve("pipe.kamelet.yaml"), GREETING_KAMELET.replace("kind: Kamelet", "kind: Pipe"));
        write(mediators.resolve("extra.kamelet.yaml"), GREETING_KAMELET + "beans:\n  - name: x\n    type: java.lang.Object\n");

        awaitRefusal("pipe.kamelet.yaml", "kind is 'Pipe'");
        assertThat(awaitRefusal("extra.kamelet.yaml", "'beans' is not part of a Kamelet").error())
                .startsWith("extra.kamelet.yaml:31: ");
        assertThat(templates("greeting-action")).isEmpty();
    }

    @Test
    void kameletWithAPropertyCalledNameIsRefused() throws Exception {
        write(mediators.resolve("named.kamelet.yaml"), GREETING_KAMELET.replace("  punctuation:", "  name:"));

        awaitRefusal("named.kamelet.yaml", "has a property 'name'");
    }
}
