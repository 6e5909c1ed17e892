package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * A user's own mediator, written in YAML DSL into the mediators directory and attached to an API,
 * over real ports: a changed file changes what the backend receives without a restart; a broken
 * file is refused (named with its line) while the previous version keeps serving.
 */
@DirtiesContext
class MediationReloadEndToEndTest extends PolicyTestBase {
    private static final Path DIR = temporaryDirectory();
    private static final Path MEDIATORS = DIR.resolve("mediators");

    @Autowired
    private UserRouteFiles files;

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("caravan-mediation-reload");
            Files.createDirectories(dir.resolve("mediators"));
            Files.createDirectories(dir.resolve("user-routes"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void mediation(DynamicPropertyRegistry registry) {
        registry.add("caravan.mediation.mediators-dir", MEDIATORS::toString);
        registry.add("caravan.mediation.routes-dir", () -> DIR.resolve("user-routes").toString());
        registry.add("caravan.mediation.reload-interval", () -> "100ms");
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        FileSystemUtils.deleteRecursively(DIR);
    }

    private static String stampTemplate(String stamp) {
        return stampTemplate("stamp-request", stamp);
    }

    private static String stampTemplate(String id, String stamp) {
        return """
                - routeTemplate:
                    id: %s
                    parameters:
                      - name: name
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                          - setHeader:
                              name: X-Stamp
                              constant: "%s"
                """.formatted(id, stamp);
    }

    private String stampSeenByBackend() {
        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return backend.take().header("X-Stamp");
    }

    @Test
    void aChangedMediatorFileChangesTheNextCallsAndABrokenOneIsRefusedWhileTheOldKeepsServing() throws Exception {
        Path file = MEDIATORS.resolve("stamp-request.yaml");
        Files.writeString(file, stampTemplate("v1"));
        Poll.until(Duration.ofSeconds(15), () -> putPolicy("{'mediation': {'request': ['stamp-request']}}").status(),
                status -> status == 200);
        assertThat(stampSeenByBackend()).isEqualTo("v1");

        Files.writeString(file, stampTemplate("v2"));
        Poll.until(Duration.ofSeconds(15), this::stampSeenByBackend, "v2"::equals);

        Files.writeString(file, stampTemplate("v3").replace("setHeader:", "setHeadr:"));
        // the final state: a check may catch the file half-written (empty, say) and refuse that
        // version first; what counts is the refusal of the complete one, with its line
        RouteFileStatus refused = Poll.until(Duration.ofSeconds(15), () -> files.statuses().stream()
                .filter(status -> status.path().endsWith("stamp-request.yaml")).findFirst().orElseThrow(),
                status -> status.state() == RouteFileStatus.State.REFUSED && status.error() != null
                        && status.error().contains("setHeadr"));
        assertThat(refused.error()).containsPattern("stamp-request\\.yaml:\\d+:");
        assertThat(stampSeenByBackend()).isEqualTo("v2");

        Http.Response listed = Http.get(management("/api/v1/mediation/files"),
                "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains("stamp-request.yaml").contains("REFUSED");
    }

    @Test
    void anApiWhoseMediatorFileIsDeletedAnswers500UntilTheFileIsBack() throws Exception {
        Path file = MEDIATORS.resolve("stamp-gone.yaml");
        Files.writeString(file, stampTemplate("stamp-gone", "here"));
        Poll.until(Duration.ofSeconds(15), () -> putPolicy("{'mediation': {'request': ['stamp-gone']}}").status(),
                status -> status == 200);
        assertThat(stampSeenByBackend()).isEqualTo("here");

        Files.delete(file);
        Http.Response gone = Poll.until(Duration.ofSeconds(15),
                () -> call("GET", "/items", null, "Authorization", "Bearer " + userToken), r -> r.status() != 200);
        assertThat(gone.status()).isEqualTo(500);
        assertThat(gone.json().path("error").asText()).isEqualTo("mediation_unavailable");
        backend.clear();

        Files.writeString(file, stampTemplate("stamp-gone", "back"));
        Poll.until(Duration.ofSeconds(15),
                () -> call("GET", "/items", null, "Authorization", "Bearer " + userToken).status(), status -> status == 200);
        assertThat(backend.take().header("X-Stamp")).isEqualTo("back");
    }

    @Test
    void aMediatorWrittenInXmlDslServesAnApi() throws Exception {
        Files.writeString(MEDIATORS.resolve("xml-stamp.xml"), """
                <routeTemplates xmlns="http://camel.apache.org/schema/xml-io">
                  <routeTemplate id="xml-stamp">
                    <templateParameter name="name"/>
                    <templateParameter name="stamp"/>
                    <route>
                      <from uri="direct:{{name}}"/>
                      <setHeader name="X-Stamp"><constant>{{stamp}}</constant></setHeader>
                    </route>
                  </routeTemplate>
                </routeTemplates>
                """);
        Poll.until(Duration.ofSeconds(15), () -> putPolicy("{'mediation': {'request': [{'mediator': 'xml-stamp',"
                + " 'parameters': {'stamp': 'from-xml'}}]}}").status(), status -> status == 200);

        assertThat(stampSeenByBackend()).isEqualTo("from-xml");
    }

    @Test
    void aKameletInTheMediatorsDirectoryServesAnApiWithItsPropertiesAsParameters() throws Exception {
        Files.writeString(MEDIATORS.resolve("stamp.kamelet.yaml"), """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: stamp-action
                spec:
                  definition:
                    title: Stamp
                    required:
                      - stamp
                    properties:
                      stamp:
                        type: string
                      suffix:
                        type: string
                        default: "-k"
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - setProperty:
                            name: stamp
                            constant: "{{stamp}}"
                        - setProperty:
                            name: suffix
                            constant: "{{suffix}}"
                        - setHeader:
                            name: X-Stamp
                            simple: "${exchangeProperty.stamp}${exchangeProperty.suffix}"
                """);
        Poll.until(Duration.ofSeconds(15), () -> putPolicy("{'mediation': {'request': [{'mediator': 'stamp-action',"
                + " 'parameters': {'stamp': 'from-kamelet'}}]}}").status(), status -> status == 200);

        assertThat(stampSeenByBackend()).isEqualTo("from-kamelet-k");

        Http.Response missing = putPolicy("{'mediation': {'request': ['stamp-action']}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("stamp").contains("is required by stamp-action");
    }
}
