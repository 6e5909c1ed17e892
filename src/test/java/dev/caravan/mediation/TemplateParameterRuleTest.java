package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TemplateParameterRule} on templates as Camel's own YAML and XML loaders build them: a
 * parameter may only be the text of a constant that gives a header, property, variable or the
 * body its value; anywhere else the template is refused, naming the parameter and the place.
 */
class TemplateParameterRuleTest {
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private RouteTemplateDefinition load(String location, String content) throws Exception {
        RouteBuilder builder = (RouteBuilder) PluginHelper.getRoutesLoader(camel)
                .getRoutesLoader(location.endsWith(".xml") ? "xml" : "yaml")
                .loadRoutesBuilder(ResourceHelper.fromString("file:/tmp/" + location, content));
        builder.configureRoutes(camel);
        List<RouteTemplateDefinition> templates = builder.getRouteTemplateCollection().getRouteTemplates();
        assertThat(templates).hasSize(1);
        return templates.get(0);
    }

    /** A YAML template with parameters name and stamp whose steps are {@code steps} (indented as steps). */
    private String problemOfSteps(String steps) throws Exception {
        return TemplateParameterRule.problem(load("t.yaml", """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: name
                      - name: stamp
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                """ + steps.indent(10)));
    }

    @Test
    void everyShippedMediatorFollowsTheRule() throws Exception {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("mediators"))) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        for (Path file : files) {
            RouteTemplateDefinition template = load(file.getFileName().toString(), Files.readString(file));
            assertThat(TemplateParameterRule.problem(template)).as(file.toString()).isNull();
        }
    }

    @Test
    void aParameterInTheTextOfAValueConstantIsData() throws Exception {
        assertThat(problemOfSteps("""
                - setHeader:
                    id: "{{name}}-stamp"
                    name: X-Stamp
                    constant: "v-{{stamp}}-end"
                - setProperty:
                    name: stamp
                    constant:
                      expression: "{{stamp}}"
                      trim: false
                - setBody:
                    simple: "${exchangeProperty.stamp} ${body}"
                - transform:
                    constant: "{{stamp}}"
                - to: "http://backend.example/{{caravan.some.setting}}"
                """)).isNull();
    }

    @Test
    void theReadmeXmlStampTemplateFollowsTheRule() throws Exception {
        assertThat(TemplateParameterRule.problem(load("stamp.xml", """
                <routeTemplates xmlns="http://camel.apache.org/schema/xml-io">
                  <routeTemplate id="stamp">
                    <templateParameter name="name"/>
                    <templateParameter name="stamp"/>
                    <route>
                      <from uri="direct:{{name}}"/>
                      <setHeader name="X-Stamp"><constant>{{stamp}}</constant></setHeader>
                    </route>
                  </routeTemplate>
                </routeTemplates>
                """))).isNull();
    }

    @Test
    void aParameterInASimpleExpressionIsRefusedNamingItAndThePlace() throws Exception {
        assertThat(problemOfSteps("""
                - setHeader:
                    name: X-Stamp
                    simple: "{{stamp}}"
                """)).startsWith("template 't': parameter 'stamp' is used in setHeader, a simple expression")
                .contains("(line 10)");
    }

    @Test
    void aParameterAnywhereButAValueConstantIsRefused() throws Exception {
        assertThat(problemOfSteps("""
                - setHeader:
                    name: "{{stamp}}"
                    constant: x
                """)).contains("parameter 'stamp' is used in setHeader, its name");
        assertThat(problemOfSteps("""
                - setProperty:
                    name: "X-{{stamp}}"
                    constant: x
                """)).contains("parameter 'stamp' is used in setProperty, its name");
        assertThat(problemOfSteps("- to: \"http://backend.example/{{stamp}}\"\n"))
                .contains("parameter 'stamp' is used in to, its uri");
        assertThat(problemOfSteps("- toD: \"http://backend.example/{{stamp}}\"\n"))
                .contains("parameter 'stamp' is used in toD, its uri");
        assertThat(problemOfSteps("- log: \"stamped {{stamp}}\"\n"))
                .contains("parameter 'stamp' is used in log, its message");
        assertThat(problemOfSteps("""
                - bean:
                    ref: dataSource
                    method: "{{stamp}}"
                """)).contains("parameter 'stamp' is used in bean, its method");
        assertThat(problemOfSteps("""
                - filter:
                    constant: "{{stamp}}"
                    steps:
                      - setBody:
                          constant: x
                """)).contains("parameter 'stamp' is used in filter, a constant expression");
        assertThat(problemOfSteps("""
                - recipientList:
                    constant: "{{stamp}}"
                """)).contains("parameter 'stamp' is used in recipientList, a constant expression");
        assertThat(problemOfSteps("""
                - setHeader:
                    name: X-Stamp
                    constant:
                      expression: x
                      resultType: "{{stamp}}"
                """)).contains("parameter 'stamp' is used in setHeader, a constant expression, its resultType");
    }

    @Test
    void onlyThePlainFormOfAParameterIsAllowed() throws Exception {
        for (String form : List.of("{{stamp:fallback}}", "{{?stamp}}", "{{!stamp}}", "{{ stamp }}")) {
            assertThat(problemOfSteps("""
                    - setHeader:
                        name: X-Stamp
                        constant: "%s"
                    """.formatted(form))).as(form).contains("parameter 'stamp' is used in another form");
        }
    }

    @Test
    void aParameterNestedInAnotherPlaceholderOrTouchingABraceIsRefused() throws Exception {
        assertThat(problemOfSteps("""
                - setHeader:
                    name: X-Stamp
                    constant: "{{env:{{stamp}}}}"
                """)).contains("parameter 'stamp' is nested in another placeholder");
        assertThat(problemOfSteps("""
                - setHeader:
                    name: X-Stamp
                    constant: "{{{stamp}}}"
                """)).contains("parameter 'stamp' touches a brace");
        // checked with Camel 4.17.0: values "x{", "{sys:user.home}" and "}" in "{{a}}{{b}}{{c}}" come out as "x/root"
        assertThat(problemOfSteps("""
                - setHeader:
                    name: X-Stamp
                    constant: "{{stamp}}{{name}}"
                """)).contains("parameter 'stamp' touches a brace");
    }

    @Test
    void aParameterSettingOneOfCamelsOwnHeadersIsRefused() throws Exception {
        assertThat(problemOfSteps("""
                - setHeader:
                    name: CamelBeanMethodName
                    constant: "{{stamp}}"
                """)).contains("parameter 'stamp' sets 'CamelBeanMethodName'");
        assertThat(problemOfSteps("""
                - setProperty:
                    name: camelToEndpoint
                    constant: "{{stamp}}"
                """)).contains("sets 'camelToEndpoint'");
    }

    @Test
    void aParameterInATemplateBeanOrADefaultOrARouteOptionIsRefused() throws Exception {
        assertThat(TemplateParameterRule.problem(load("beans.yaml", """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: name
                      - name: stamp
                    beans:
                      - name: stamper
                        type: groovy
                        scriptLanguage: groovy
                        script: "'{{stamp}}'"
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                          - setBody:
                              constant: x
                """))).contains("parameter 'stamp' is used in the template");
        assertThat(TemplateParameterRule.problem(load("defaults.yaml", """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: name
                      - name: stamp
                      - name: other
                        defaultValue: "{{stamp}}"
                    route:
                      from:
                        uri: "direct:{{name}}"
                        steps:
                          - setBody:
                              constant: "{{other}}"
                """))).contains("parameter 'stamp' is used in the template");
        assertThat(TemplateParameterRule.problem(load("precondition.yaml", """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: name
                      - name: stamp
                    route:
                      precondition: "{{stamp}}"
                      from:
                        uri: "direct:{{name}}"
                        steps:
                          - setBody:
                              constant: x
                """))).contains("parameter 'stamp' is used in");
    }

    @Test
    void aTemplateThatDoesNotStartFromItsDirectEntryIsRefused() throws Exception {
        assertThat(TemplateParameterRule.problem(load("entry.yaml", """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: name
                    route:
                      from:
                        uri: "caravan-http:/oauth2/token"
                        steps:
                          - setBody:
                              constant: x
                """))).contains("starts from 'caravan-http:/oauth2/token'").contains("direct:{{name}}");
    }
}
