package dev.caravan.mediators;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * One shipped template from mediators/, loaded by Camel's YAML DSL loader into a plain started
 * context, with the beans it references bound to the registry by the names the YAML uses.
 */
final class TemplateHarness implements AutoCloseable {
    final CamelContext context;

    private TemplateHarness(CamelContext context) {
        this.context = context;
    }

    static TemplateHarness load(String template, Map<String, Object> beans) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        beans.forEach(context.getRegistry()::bind);
        String file = template + ".yaml";
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.fromString(file, Files.readString(Path.of("mediators", file))));
        context.start();
        return new TemplateHarness(context);
    }

    /** Adds an instance listening on {@code direct:<name>}. */
    void instance(String template, String name, Map<String, String> parameters) {
        TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(context, template).parameter("name", name);
        parameters.forEach(builder::parameter);
        builder.add();
    }

    /** Sends an exchange built by {@code message}; failures stay on the returned exchange. */
    Exchange send(String name, Consumer<Exchange> message) {
        return context.createProducerTemplate().send("direct:" + name, message::accept);
    }

    @Override
    public void close() {
        context.stop();
    }
}
