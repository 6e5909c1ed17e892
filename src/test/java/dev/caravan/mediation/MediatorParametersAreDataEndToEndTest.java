package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.InjectionCorpus;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import dev.caravan.testsupport.TestCertificates;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * A hostile publisher's values through every mediator parameter, over the real admin API (as the
 * organization's publisher, not the admin) and the real traffic port, against a real backend:
 * each value is refused when the API is saved (400 naming the parameter) or reaches the backend
 * as the characters it is; the gateway's secrets appear in no backend request and no answer.
 * Templates that would evaluate a parameter are refused when their file is loaded, and no API can
 * use them.
 */
@DirtiesContext
class MediatorParametersAreDataEndToEndTest extends PolicyTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = temporaryDirectory();
    private static final Path MEDIATORS = DIR.resolve("mediators");
    private static final String BROKER_PASSWORD = "broker-Secret-9157";
    private static final String SECRETS_KEY = "c2VjcmV0cy1rZXktZm9yLXRoZS1jb3JwdXMtdGVzdDE=";
    private static final String PROFILE_PASSWORD = "profile-Secret-6620";
    private static final File KEY_STORE = TestCertificates.selfSigned("CN=caravan-gateway");

    /** What a publisher might try: Camel's expression, placeholder, bean and SpEL-like forms. */
    static final List<String> CORPUS = InjectionCorpus.VALUES;

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("caravan-parameters");
            Files.createDirectories(dir.resolve("mediators"));
            Files.createDirectories(dir.resolve("user-routes"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        // its own database: the shared one holds a signing key sealed with another caravan.secrets.key
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:mediator_parameters;DB_CLOSE_DELAY=-1");
        registry.add("caravan.mediation.mediators-dir", MEDIATORS::toString);
        registry.add("caravan.mediation.routes-dir", () -> DIR.resolve("user-routes").toString());
        registry.add("caravan.mediation.reload-interval", () -> "100ms");
        registry.add("caravan.broker.password", () -> BROKER_PASSWORD);
        registry.add("caravan.secrets.key", () -> SECRETS_KEY);
        // profiles whose secrets a value could try to read; bound, as every profile must be, to an organization and host
        for (String profile : List.of("corpus-basic", "corpus-tls")) {
            registry.add("caravan.backend-security." + profile + ".organizations[0]", () -> "corpus-profiles");
            registry.add("caravan.backend-security." + profile + ".hosts[0]", () -> "127.0.0.1");
        }
        registry.add("caravan.backend-security.corpus-basic.basic.username", () -> "gateway");
        registry.add("caravan.backend-security.corpus-basic.basic.password", () -> PROFILE_PASSWORD);
        registry.add("caravan.backend-security.corpus-tls.tls.key-store", KEY_STORE::getPath);
        registry.add("caravan.backend-security.corpus-tls.tls.key-store-password", () -> TestCertificates.PASSWORD);
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        FileSystemUtils.deleteRecursively(DIR);
    }

    /** Every secret of this gateway that a publisher's value could try to read. */
    private static List<String> secrets() {
        return List.of(ADMIN_PASSWORD, BROKER_PASSWORD, SECRETS_KEY, PROFILE_PASSWORD, TestCertificates.PASSWORD);
    }

    // ------------------------------------------------------------------ templates

    private static String readmeBlock(String marker, String fence) throws IOException {
        String readme = Files.readString(Path.of("docs/mediation.md"));
        int at = readme.indexOf(marker);
        assertThat(at).as(marker).isPositive();
        int start = readme.lastIndexOf(fence, at) + fence.length();
        return readme.substring(start, readme.indexOf("```", at));
    }

    private static final String YAML_STAMP = """
            - routeTemplate:
                id: yaml-stamp
                parameters:
                  - name: name
                  - name: stamp
                route:
                  from:
                    uri: "direct:{{name}}"
                    steps:
                      - setProperty:
                          name: stamp
                          constant:
                            expression: "{{stamp}}"
                            trim: false
                      - setHeader:
                          name: X-Stamp
                          simple: "${exchangeProperty.stamp}"
            """;

    /** A YAML template with parameter stamp used by {@code step}, which is unsafe. */
    private static String unsafeYaml(String id, String step) {
        return """
                - routeTemplate:
                    id: %s
                    parameters:
                      - name: name
                      - name: stamp
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                %s""".formatted(id, step.indent(10));
    }

    /** Unsafe templates by file name: content, the place their refusal must name, the template id. */
    private static final Map<String, String[]> UNSAFE = new LinkedHashMap<>();

    static {
        UNSAFE.put("unsafe-simple.yaml", new String[] {unsafeYaml("unsafe-simple", """
                - setHeader:
                    name: X-Stamp
                    simple: "{{stamp}}"
                """), "setHeader, a simple expression", "unsafe-simple"});
        UNSAFE.put("unsafe-header-name.yaml", new String[] {unsafeYaml("unsafe-header-name", """
                - setHeader:
                    name: "X-{{stamp}}"
                    constant: stamped
                """), "setHeader, its name", "unsafe-header-name"});
        UNSAFE.put("unsafe-uri.yaml", new String[] {unsafeYaml("unsafe-uri", """
                - toD: "http://127.0.0.1:9/{{stamp}}"
                """), "toD, its uri", "unsafe-uri"});
        UNSAFE.put("unsafe-to.yaml", new String[] {unsafeYaml("unsafe-to", """
                - to: "log:{{stamp}}"
                """), "to, its uri", "unsafe-to"});
        UNSAFE.put("unsafe-log.yaml", new String[] {unsafeYaml("unsafe-log", """
                - log: "stamp {{stamp}}"
                """), "log, its message", "unsafe-log"});
        UNSAFE.put("unsafe-bean.yaml", new String[] {unsafeYaml("unsafe-bean", """
                - bean:
                    ref: setHeaderMediator
                    method: "{{stamp}}"
                """), "bean, its method", "unsafe-bean"});
        UNSAFE.put("unsafe-xml.xml", new String[] {"""
                <routeTemplates xmlns="http://camel.apache.org/schema/xml-io">
                  <routeTemplate id="unsafe-xml">
                    <templateParameter name="name"/>
                    <templateParameter name="stamp"/>
                    <route>
                      <from uri="direct:{{name}}"/>
                      <setHeader name="X-Stamp"><simple>{{stamp}}</simple></setHeader>
                    </route>
                  </routeTemplate>
                </routeTemplates>
                """, "setHeader, a simple expression", "unsafe-xml"});
        // the kamelet README.md showed before: its parameters went into a simple expression
        UNSAFE.put("unsafe.kamelet.yaml", new String[] {"""
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: unsafe-kamelet
                spec:
                  definition:
                    required: [stamp]
                    properties:
                      stamp: {type: string}
                      suffix: {type: string, default: ""}
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - setHeader: {name: X-Stamp, simple: "{{stamp}}{{suffix}}"}
                """, "setHeader, a simple expression", "unsafe-kamelet"});
    }

    private static boolean written;

    @BeforeEach
    void writeTemplates() throws IOException {
        if (written) {
            return;
        }
        written = true;
        Files.writeString(MEDIATORS.resolve("stamp.xml"), readmeBlock("<!-- mediators/stamp.xml -->", "```xml\n"));
        Files.writeString(MEDIATORS.resolve("stamp.kamelet.yaml"),
                readmeBlock("# mediators/stamp.kamelet.yaml", "```yaml\n"));
        Files.writeString(MEDIATORS.resolve("yaml-stamp.yaml"), YAML_STAMP);
        for (Map.Entry<String, String[]> unsafe : UNSAFE.entrySet()) {
            Files.writeString(MEDIATORS.resolve(unsafe.getKey()), unsafe.getValue()[0]);
        }
        Poll.until(Duration.ofSeconds(20), this::fileStates, states -> states.size() == 3 + UNSAFE.size());
    }

    /** File name to its status, as the admin API lists it. */
    private Map<String, JsonNode> fileStates() {
        Http.Response listed = Http.get(management("/api/v1/mediation/files"),
                "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD));
        assertThat(listed.status()).isEqualTo(200);
        Map<String, JsonNode> states = new LinkedHashMap<>();
        listed.json().forEach(file -> states.put(Path.of(file.path("path").asText()).getFileName().toString(), file));
        return states;
    }

    // ------------------------------------------------------------------ the publisher

    private String publisher() {
        // the admin API reads HTTP Basic as RFC 7617 (no form-encoding, unlike OAuth client authentication)
        String pair = world.subscriber().username() + "@" + world.organization().name() + ":" + Fixtures.SUBSCRIBER_PASSWORD;
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** PUTs the world's API, as its organization's publisher, with one request mediator. */
    private Http.Response putMediator(String mediator, Map<String, String> parameters) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", world.api().name());
        body.put("context", world.api().context());
        body.put("version", world.api().version());
        body.put("backendUrl", world.api().backendUrl());
        body.putArray("tiers").add("Gold").add("Silver").add("Bronze");
        ObjectNode ref = body.putObject("policy").putObject("mediation").putArray("request").addObject();
        ref.put("mediator", mediator);
        ObjectNode params = ref.putObject("parameters");
        parameters.forEach(params::put);
        return Http.request("PUT", management("/api/v1/organizations/" + world.organization().name() + "/apis/"
                + world.api().id()), body.toString(), "Authorization", publisher(), "Content-Type", "application/json");
    }

    private final List<String> seen = new ArrayList<>();

    private TestBackend.Received callAndTake() {
        return callAndTake("");
    }

    /** Calls the API and takes what the backend received; {@code what} says what was saved, for a failure. */
    private TestBackend.Received callAndTake(String what) {
        Http.Response answer = call("GET", "/items", null, "Authorization", "Bearer " + userToken);
        seen.add(answer.status() + " " + answer.headers().map() + " " + answer.body());
        assertThat(answer.status()).as(what + " " + answer.body()).isEqualTo(200);
        TestBackend.Received received = backend.take();
        seen.add(received.method() + " " + received.path() + "?" + received.query() + " " + received.headers() + " "
                + received.bodyText());
        return received;
    }

    /**
     * Sends every corpus value through {@code parameter} of {@code mediator} (with {@code others}
     * as the other parameters); a value accepted must arrive as {@code arrived} says.
     */
    private int corpus(String mediator, String parameter, Map<String, String> others,
                       BiConsumer<String, TestBackend.Received> arrived) {
        int accepted = 0;
        for (String value : CORPUS) {
            Map<String, String> parameters = new LinkedHashMap<>(others);
            parameters.put(parameter, value);
            Http.Response saved = putMediator(mediator, parameters);
            seen.add(saved.body());
            if (saved.status() == 400) {
                assertThat(saved.json().path("field").asText()).as(mediator + "." + parameter + " = " + value)
                        .endsWith(".parameters." + parameter);
                continue;
            }
            assertThat(saved.status()).as(mediator + "." + parameter + " = " + value + ": " + saved.body()).isEqualTo(200);
            backend.clear();
            arrived.accept(value, callAndTake(mediator + "." + parameter + " = " + value + ":"));
            accepted++;
        }
        return accepted;
    }

    private void noSecretSeen() {
        String everything = String.join("\n", seen);
        for (String secret : secrets()) {
            assertThat(everything).doesNotContain(secret);
        }
        assertThat(everything).doesNotContain(InjectionCorpus.PASSWD_LINE);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void everyParameterOfEveryShippedMediatorIsRefusedOrReachesTheBackendLiterally() {
        corpus("set-header", "header", Map.of("value", "v"), (value, received) ->
                assertThat(received.header(value)).isEqualTo("v"));
        // every value but the placeholder one ({{...}}, refused) is a fine header value
        assertThat(corpus("set-header", "value", Map.of("header", "X-Corpus"), (value, received) ->
                assertThat(received.header("X-Corpus")).isEqualTo(value))).isEqualTo(CORPUS.size() - 1);
        corpus("remove-header", "header", Map.of(), (value, received) -> { });
        corpus("rewrite-path", "pattern", Map.of("replacement", "/svc/rewritten"), (value, received) -> {
            String expected;
            try {
                expected = "/svc/items".replaceFirst(value, "/svc/rewritten");
            } catch (PatternSyntaxException e) {
                throw new AssertionError("a pattern that does not compile was accepted: " + value);
            }
            assertThat(received.path()).isEqualTo(expected);
        });
        corpus("rewrite-path", "replacement", Map.of("pattern", "items$"), (value, received) ->
                assertThat(received.path()).isEqualTo("/svc/" + value));
        corpus("json-to-xml", "rootElement", Map.of(), (value, received) -> { });

        // the shipped mediators without parameters take none, and no mediator takes the gateway's name
        for (String value : CORPUS) {
            for (String mediator : List.of("swap-authorization-headers", "xml-to-json")) {
                Http.Response refused = putMediator(mediator, Map.of("x", value));
                assertThat(refused.status()).as(mediator + " " + value).isEqualTo(400);
                assertThat(refused.json().path("field").asText()).endsWith(".parameters.x");
            }
            Map<String, Map<String, String>> required = Map.of("swap-authorization-headers", Map.of(),
                    "set-header", Map.of("header", "X-A", "value", "v"), "yaml-stamp", Map.of("stamp", "s"));
            required.forEach((mediator, parameters) -> {
                Map<String, String> withName = new LinkedHashMap<>(parameters);
                withName.put("name", value);
                Http.Response refused = putMediator(mediator, withName);
                assertThat(refused.status()).as(mediator + " " + value).isEqualTo(400);
                assertThat(refused.json().path("field").asText()).endsWith(".parameters.name");
            });
        }
        noSecretSeen();
    }

    @Test
    void everyParameterOfCustomTemplatesInXmlYamlAndKameletFormReachesTheBackendLiterally() {
        assertThat(corpus("stamp", "stamp", Map.of(), (value, received) ->
                assertThat(received.header("X-Stamp")).isEqualTo(value))).isEqualTo(CORPUS.size() - 1);
        assertThat(corpus("yaml-stamp", "stamp", Map.of(), (value, received) ->
                assertThat(received.header("X-Stamp")).isEqualTo(value))).isEqualTo(CORPUS.size() - 1);
        assertThat(corpus("stamp-action", "stamp", Map.of("suffix", "-s"), (value, received) ->
                assertThat(received.header("X-Stamp")).isEqualTo(value + "-s"))).isEqualTo(CORPUS.size() - 1);
        assertThat(corpus("stamp-action", "suffix", Map.of("stamp", "s-"), (value, received) ->
                assertThat(received.header("X-Stamp")).isEqualTo("s-" + value))).isEqualTo(CORPUS.size() - 1);
        noSecretSeen();
    }

    @Test
    void templatesThatWouldEvaluateAParameterAreRefusedAtLoadAndNoApiCanUseThem() {
        // first what a publisher would get out of them: nothing, since no API may use one
        Map<String, Http.Response> saved = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> unsafe : UNSAFE.entrySet()) {
            String id = unsafe.getValue()[2];
            Http.Response response = putMediator(id, Map.of("stamp", "${properties:caravan.admin.password}"));
            saved.put(id, response);
            if (response.status() == 200) {
                backend.clear();
                Http.Response answer = call("GET", "/items", null, "Authorization", "Bearer " + userToken);
                seen.add(answer.status() + " " + answer.body());
                try {
                    TestBackend.Received received = backend.take();
                    seen.add(received.path() + " " + received.headers() + " " + received.bodyText());
                } catch (AssertionError nothingCame) {
                    // the template failed before the backend: nothing reached it
                }
            }
        }
        Http.Response readmeOld = saved.get("unsafe-kamelet");
        noSecretSeen();
        assertThat(readmeOld.status()).isEqualTo(400);

        Map<String, JsonNode> states = fileStates();
        for (String good : List.of("stamp.xml", "stamp.kamelet.yaml", "yaml-stamp.yaml")) {
            assertThat(states.get(good).path("state").asText()).as(good).isEqualTo("LOADED");
        }
        for (Map.Entry<String, String[]> unsafe : UNSAFE.entrySet()) {
            JsonNode status = states.get(unsafe.getKey());
            assertThat(status.path("state").asText()).as(unsafe.getKey()).isEqualTo("REFUSED");
            assertThat(status.path("error").asText()).as(unsafe.getKey())
                    .startsWith(unsafe.getKey() + ": template '")
                    .contains("parameter 'stamp' is used in " + unsafe.getValue()[1]);
            assertThat(status.path("templateIds")).isEmpty();
            Http.Response refused = saved.get(unsafe.getValue()[2]);
            assertThat(refused.status()).as(unsafe.getKey()).isEqualTo(400);
            assertThat(refused.json().path("field").asText()).isEqualTo("policy.mediation.request[0]");
        }
    }

    @Test
    void theGatewaysOwnTemplatesAreNoMediators() {
        Http.Response refused = putMediator("userstore-verification",
                Map.of("organization", world.organization().name(), "consumers", "1"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("field").asText()).isEqualTo("policy.mediation.request[0]");
    }

    @Test
    void aValueThatCompilesAsARegexIsUsedAsARegexNeverAsAnExpression() {
        // the one corpus value that is a valid Java regex: it matches nothing in the path
        assertThat(Pattern.compile("RAW(x)").matcher("/svc/items").find()).isFalse();
        assertThat(putMediator("rewrite-path", Map.of("pattern", "RAW(x)", "replacement", "/x")).status()).isEqualTo(200);

        assertThat(callAndTake().path()).isEqualTo("/svc/items");
    }
}
