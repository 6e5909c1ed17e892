package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXParseException;

/** {@code file:line} out of the exceptions Camel's YAML and XML loaders really throw. */
class SourceErrorsTest {
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private Throwable parse(String location, String content) {
        return catchThrowable(() -> {
            RouteBuilder builder = (RouteBuilder) PluginHelper.getRoutesLoader(camel)
                    .getRoutesLoader(location.endsWith(".xml") ? "xml" : "yaml")
                    .loadRoutesBuilder(ResourceHelper.fromString("file:/tmp/" + location, content));
            builder.configureRoutes(camel);
        });
    }

    @Test
    void yamlSyntaxErrorGivesItsLineWithoutTheSourceText() {
        Throwable error = parse("orders.yaml", """
                - route:
                    id: orders
                    from:
                      uri: direct:orders
                     steps: [ secret-looking-text
                """);

        assertThat(error).isNotNull();
        assertThat(SourceErrors.location("orders.yaml", error)).isEqualTo("orders.yaml:5");
        assertThat(SourceErrors.describe("orders.yaml", error))
                .startsWith("orders.yaml:5: ")
                .doesNotContain("secret-looking-text")
                .doesNotContain("\n");
    }

    @Test
    void unknownYamlStepGivesTheStepsLine() {
        Throwable error = parse("orders.yaml", """
                - route:
                    id: orders
                    from:
                      uri: direct:orders
                      steps:
                        - nonsense:
                            constant: x
                """);

        assertThat(SourceErrors.describe("orders.yaml", error)).isEqualTo("orders.yaml:6: Unknown node id: nonsense");
    }

    @Test
    void malformedXmlGivesItsLineWithoutTheMarkup() {
        Throwable error = parse("orders.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="orders">
                    <from uri="direct:orders"/>
                    <setBody><constant>secret-looking-text</constant></setBodyy>
                  </route>
                </routes>
                """);

        assertThat(error).isNotNull();
        assertThat(SourceErrors.location("orders.xml", error)).isEqualTo("orders.xml:4");
        assertThat(SourceErrors.describe("orders.xml", error)).doesNotContain("secret-looking-text");
    }

    @Test
    void saxParseExceptionDeepInTheChainGivesItsLine() {
        Throwable error = new IllegalStateException("outer",
                new RuntimeException(new SAXParseException("bad element", null, null, 7, 3)));

        assertThat(SourceErrors.location("a.xml", error)).isEqualTo("a.xml:7");
        assertThat(SourceErrors.describe("a.xml", error)).isEqualTo("a.xml:7: bad element");
    }

    @Test
    void withoutLineInformationOnlyTheFileIsNamed() {
        Throwable error = new IllegalArgumentException("no component found");

        assertThat(SourceErrors.location("a.yaml", error)).isEqualTo("a.yaml");
        assertThat(SourceErrors.describe("a.yaml", error)).isEqualTo("a.yaml: no component found");
    }

    @Test
    void passwordsInEndpointUrisAreMasked() {
        Throwable error = new IllegalArgumentException("Failed to resolve endpoint: http://backend?password=hunter2&x=1");

        assertThat(SourceErrors.message(error)).doesNotContain("hunter2");
    }

    @Test
    void defaultRouteIdsComeFromFileNameAndIndex() {
        assertThat(UserRouteFiles.defaultRouteId("orders.yaml", 0)).isEqualTo("orders-1");
        assertThat(UserRouteFiles.defaultRouteId("orders.XML", 2)).isEqualTo("orders-3");
    }
}
