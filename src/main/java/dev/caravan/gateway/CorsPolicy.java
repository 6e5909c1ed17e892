package dev.caravan.gateway;

import dev.caravan.http.InboundRequest;
import dev.caravan.registry.ApiPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * An API's CORS rules, compiled once: answers preflight requests itself (before authentication,
 * as browsers send them without credentials) and adds the response headers to actual calls.
 * Origins match exactly; a request from another origin gets no CORS headers (and a preflight
 * from it a 403), so the browser refuses it.
 */
final class CorsPolicy {
    private final Set<String> origins;
    private final boolean anyOrigin;
    private final Set<String> methods;
    private final Set<String> headers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final boolean credentials;
    private final String maxAge;

    CorsPolicy(ApiPolicy.Cors cors) {
        this.anyOrigin = cors.allowOrigins().contains("*");
        this.origins = Set.copyOf(cors.allowOrigins().stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
        this.methods = Set.copyOf(cors.allowMethods());
        this.headers.addAll(cors.allowHeaders());
        this.allowMethods = String.join(", ", cors.allowMethods());
        this.allowHeaders = String.join(", ", cors.allowHeaders());
        this.exposeHeaders = String.join(", ", cors.exposeHeaders());
        this.credentials = cors.allowCredentials();
        this.maxAge = Long.toString(cors.maxAge().toSeconds());
    }

    static boolean isPreflight(InboundRequest request) {
        return request.method().equals("OPTIONS") && !request.headerValues("Origin").isEmpty()
                && !request.headerValues("Access-Control-Request-Method").isEmpty();
    }

    private boolean allows(String origin) {
        return origin != null && (anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT)));
    }

    /** Answers a preflight: 204 with the rules when origin, method and headers are allowed, else 403. */
    void answerPreflight(Exchange exchange, InboundRequest request) {
        String origin = single(request, "Origin");
        String method = single(request, "Access-Control-Request-Method");
        if (!allows(origin) || method == null || !methods.contains(method)) {
            throw GatewayException.forbidden("cors_forbidden", "this origin or method is not allowed by the API's CORS rules");
        }
        for (String requested : request.headerValues("Access-Control-Request-Headers")) {
            for (String name : requested.split(",")) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty() && !headers.contains(trimmed)) {
                    throw GatewayException.forbidden("cors_forbidden", "a requested header is not allowed by the API's CORS rules");
                }
            }
        }
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setBody(null);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        allowOrigin(out, origin);
        out.setHeader("Access-Control-Allow-Methods", allowMethods);
        if (!allowHeaders.isEmpty()) {
            out.setHeader("Access-Control-Allow-Headers", allowHeaders);
        }
        out.setHeader("Access-Control-Max-Age", maxAge);
    }

    /** Adds the CORS headers of an actual call's answer (or error) when its origin is allowed. */
    void decorate(Message out, InboundRequest request) {
        List<String> originValues = request.headerValues("Origin");
        if (originValues.size() != 1 || !allows(originValues.get(0))) {
            return;
        }
        allowOrigin(out, originValues.get(0));
        if (!exposeHeaders.isEmpty()) {
            out.setHeader("Access-Control-Expose-Headers", exposeHeaders);
        }
    }

    private void allowOrigin(Message out, String origin) {
        if (anyOrigin && !credentials) {
            out.setHeader("Access-Control-Allow-Origin", "*");
        } else {
            out.setHeader("Access-Control-Allow-Origin", origin);
            out.setHeader("Vary", "Origin");
        }
        if (credentials) {
            out.setHeader("Access-Control-Allow-Credentials", "true");
        }
    }

    private static String single(InboundRequest request, String name) {
        List<String> values = request.headerValues(name);
        return values.size() == 1 ? values.get(0).trim() : null;
    }
}
