package dev.caravan.mediation;

import dev.caravan.http.HttpText;

import dev.caravan.http.TrafficHeaderFilterStrategy;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Template parameters as the mediator beans receive them, and their checks.
 *
 * <p>A template hands its parameters to its bean as exchange properties (set with a
 * {@code constant}, never a {@code simple} expression, so a value is never evaluated). The bean
 * takes them off the exchange before doing its job.
 *
 * <p>{@link #validate} is the check to run before {@code TemplatedRouteBuilder...add()}: Camel
 * substitutes template parameters as property placeholders and resolves placeholders nested in
 * a value, so a value such as {@code {{env:DB_PASSWORD}}} would be replaced by the gateway's
 * own environment. Values containing {@code {{} or {@code }}} are therefore refused here, with
 * the per-template checks the beans would otherwise only make at first use.
 */
public final class MediationParameters {
    public static final String PREFIX = "caravanMediator.";

    private MediationParameters() {}

    /** Reads and removes one parameter the template put on the exchange. */
    static String take(Exchange exchange, String template, String parameter) {
        String key = PREFIX + parameter;
        Object value = exchange.getProperty(key);
        exchange.removeProperty(key);
        if (value == null) {
            throw new MediationConfigException(template, parameter, "is missing");
        }
        return value.toString();
    }

    /**
     * Checks the parameters of a shipped template before it is instantiated; throws
     * {@link MediationConfigException} naming the parameter. Unknown template ids only get the
     * placeholder check.
     */
    public static void validate(String template, Map<String, ?> parameters) {
        for (Map.Entry<String, ?> entry : parameters.entrySet()) {
            String value = entry.getValue() == null ? "" : entry.getValue().toString();
            if (value.contains("{{") || value.contains("}}")) {
                throw new MediationConfigException(template, entry.getKey(),
                        "must not contain '{{' or '}}' (Camel would resolve it as a property placeholder)");
            }
        }
        switch (template) {
            case "set-header" -> SetHeaderMediator.check(string(parameters, "header"), string(parameters, "value"));
            case "remove-header" -> checkHeaderName("remove-header", string(parameters, "header"));
            case "rewrite-path" -> RewritePathMediator.checkReplacement(
                    RewritePathMediator.compile(string(parameters, "pattern")), string(parameters, "replacement"));
            case "json-to-xml" -> {
                Object root = parameters.get("rootElement");
                if (root != null) {
                    JsonToXmlMediator.checkRootElement(root.toString());
                }
            }
            default -> { }
        }
    }

    private static String string(Map<String, ?> parameters, String key) {
        Object value = parameters.get(key);
        return value == null ? null : value.toString();
    }

    /**
     * A header a mediator may touch: an RFC 9110 token, not one of Camel's or Caravan's own
     * headers (in any case), not hop-by-hop or computed by the server.
     */
    static void checkHeaderName(String template, String header) {
        if (header == null || header.isEmpty()) {
            throw new MediationConfigException(template, "header", "is missing");
        }
        if (!HttpText.isToken(header)) {
            throw new MediationConfigException(template, "header", "is not a valid HTTP header name");
        }
        if (TrafficHeaderFilterStrategy.isInternalOrHopByHop(header)) {
            throw new MediationConfigException(template, "header",
                    "(" + header + ") names an internal, hop-by-hop or server-computed header");
        }
    }

}
