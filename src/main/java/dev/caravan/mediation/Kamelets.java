package dev.caravan.mediation;

import dev.caravan.mediation.UserRouteFiles.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.model.SendDefinition;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Kamelets as mediators. A {@code *.kamelet.yaml} file in the mediators directory is read by
 * Camel's own kamelet loader, which turns it into a route template: its id is
 * {@code metadata.name}, its parameters are {@code spec.definition.properties} (with their
 * defaults and {@code required} list), its route is {@code spec.template}. Such a template starts
 * from {@code kamelet:source}; here it is made to start from {@code direct:{{name}}} like every
 * other mediator, so an API names it in its policy as it names any template and the gateway
 * needs no kamelet component. The mediator's result is the message at the end of its steps, as
 * for an action kamelet: a kamelet that sends to {@code kamelet:sink} (or to another kamelet) is
 * refused.
 */
final class Kamelets {
    static final String SOURCE = "kamelet:source";
    static final String ENTRY = "direct:{{name}}";

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> SPEC = Set.of("definition", "template", "types", "dataTypes", "dependencies");

    private Kamelets() {}

    /** The file is one Kubernetes-style {@code Kamelet} resource with nothing else at the top. */
    static void precheck(String name, byte[] content) throws Refusal {
        List<Node> documents = UserRouteFiles.composeYaml(name, content);
        if (documents.size() != 1 || !(documents.get(0) instanceof MappingNode root)) {
            throw new Refusal(name + ": a kamelet file holds one Kamelet resource (apiVersion, kind, metadata, spec)");
        }
        String kind = null;
        for (NodeTuple tuple : root.getValue()) {
            String key = key(tuple);
            if (!TOP.contains(key)) {
                throw new Refusal(name + ":" + UserRouteFiles.line(tuple.getKeyNode(), 1) + ": '" + key + "' is not part of a Kamelet");
            }
            if (key.equals("kind") && tuple.getValueNode() instanceof ScalarNode value) {
                kind = value.getValue();
            }
            if (key.equals("spec") && tuple.getValueNode() instanceof MappingNode spec) {
                for (NodeTuple part : spec.getValue()) {
                    if (!SPEC.contains(key(part))) {
                        throw new Refusal(name + ":" + UserRouteFiles.line(part.getKeyNode(), 1) + ": 'spec." + key(part)
                                + "' is not part of a Kamelet");
                    }
                }
            }
        }
        if (!"Kamelet".equals(kind)) {
            throw new Refusal(name + ": kind is " + (kind == null ? "missing" : "'" + kind + "'")
                    + ": a .kamelet.yaml file holds a resource of kind Kamelet");
        }
    }

    /** Makes the template Camel's loader built from the kamelet start where mediators start. */
    static void asMediator(String name, RouteTemplateDefinition template) throws Refusal {
        FromDefinition from = template.getRoute().getInput();
        String uri = from == null ? null : from.getEndpointUri();
        if (uri == null || !uri.equals(SOURCE)) {
            throw new Refusal(name + ": kamelet " + template.getId() + " starts from " + (uri == null ? "nothing" : "'" + uri + "'")
                    + ": a kamelet used as a mediator starts from " + SOURCE);
        }
        for (SendDefinition<?> send : ProcessorDefinitionHelper.filterTypeInOutputs(
                template.getRoute().getOutputs(), SendDefinition.class)) {
            String to = send.getEndpointUri();
            if (to != null && to.startsWith("kamelet:")) {
                throw new Refusal(name + ": kamelet " + template.getId() + " sends to '" + to
                        + "': a mediator hands its result back at the end of its steps");
            }
        }
        List<RouteTemplateParameterDefinition> parameters = template.getTemplateParameters() == null
                ? new ArrayList<>() : new ArrayList<>(template.getTemplateParameters());
        if (parameters.stream().anyMatch(p -> "name".equals(p.getName()))) {
            throw new Refusal(name + ": kamelet " + template.getId()
                    + " has a property 'name': that name is the gateway's (the endpoint each instance listens on)");
        }
        RouteTemplateParameterDefinition entry = new RouteTemplateParameterDefinition();
        entry.setName("name");
        entry.setDescription("the direct endpoint name the instance listens on (set by the gateway)");
        parameters.add(entry);
        template.setTemplateParameters(parameters);
        from.setUri(ENTRY);
    }

    private static String key(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode key ? key.getValue() : String.valueOf(tuple.getKeyNode());
    }
}
