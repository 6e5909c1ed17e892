package dev.caravan.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.registry.ApiPolicy.BackendJwt;
import dev.caravan.registry.ApiPolicy.Cors;
import dev.caravan.registry.ApiPolicy.Mediation;
import dev.caravan.registry.ApiPolicy.MediatorRef;
import dev.caravan.registry.ApiPolicy.Queue;
import dev.caravan.registry.ApiPolicy.QueueMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import dev.caravan.http.Cidr;
import dev.caravan.http.HttpText;
import org.springframework.boot.convert.DurationStyle;

/**
 * The one JSON shape of an {@link ApiPolicy}, used by the admin API and the database. Parsing is
 * strict: an unknown field, a wrong type or a bad value is an {@link InvalidApiPolicyException}
 * naming the field, so a typo never silently turns a protection off.
 */
public final class ApiPolicies {
    public static final int MAX_JSON_CHARS = 16_000;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    static final Pattern PARAMETER = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final Pattern CLAIM = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> FIELDS = Set.of("dualToken", "mediation", "backendSecurity", "allowedCallers",
            "cors", "maxRequestBodySize", "backendTimeout", "backendJwt", "queue", "methods");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiPolicies() {}

    /** The stored form; null for an API that sets nothing. */
    public static String toStored(ApiPolicy policy) {
        if (policy == null || policy.isDefault()) {
            return null;
        }
        return write(policy).toString();
    }

    /** Reads what {@link #toStored} wrote (null or blank: {@link ApiPolicy#NONE}). */
    public static ApiPolicy fromStored(String json) {
        if (json == null || json.isBlank()) {
            return ApiPolicy.NONE;
        }
        try {
            return parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored API policy is not JSON", e);
        }
    }

    public static ApiPolicy parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return ApiPolicy.NONE;
        }
        String at = "policy";
        object(at, node);
        if (node.toString().length() > MAX_JSON_CHARS) {
            throw new InvalidApiPolicyException(at, "must be at most " + MAX_JSON_CHARS + " characters of JSON");
        }
        known(at, node, FIELDS);
        boolean dualToken = bool(at + ".dualToken", node.get("dualToken"), false);
        Mediation mediation = mediation(at + ".mediation", node.get("mediation"));
        String backendSecurity = optionalText(at + ".backendSecurity", node.get("backendSecurity"));
        if (backendSecurity != null && !NAME.matcher(backendSecurity).matches()) {
            throw new InvalidApiPolicyException(at + ".backendSecurity",
                    "must name a profile of caravan.backend-security ([A-Za-z0-9._-], at most 100)");
        }
        List<String> callers = texts(at + ".allowedCallers", node.get("allowedCallers"), 200);
        for (int i = 0; i < callers.size(); i++) {
            String problem = Cidr.problem(callers.get(i));
            if (problem != null) {
                throw new InvalidApiPolicyException(at + ".allowedCallers[" + i + "]", problem);
            }
        }
        Cors cors = cors(at + ".cors", node.get("cors"));
        Long maxBody = null;
        JsonNode size = node.get("maxRequestBodySize");
        if (size != null && !size.isNull()) {
            if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
                throw new InvalidApiPolicyException(at + ".maxRequestBodySize", "must be a number of bytes (0 or more)");
            }
            maxBody = size.asLong();
        }
        Duration timeout = duration(at + ".backendTimeout", node.get("backendTimeout"));
        BackendJwt jwt = backendJwt(at + ".backendJwt", node.get("backendJwt"));
        Queue queue = queue(at + ".queue", node.get("queue"));
        List<String> methods = methods(at + ".methods", node.get("methods"));
        return new ApiPolicy(dualToken, mediation, backendSecurity, callers, cors, maxBody, timeout, jwt, queue,
                methods);
    }

    /** A non-empty list of distinct method names out of {@link ApiPolicy#ALL_METHODS} (case-sensitive), in that order; absent: null. */
    private static List<String> methods(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> given = texts(at, node, ApiPolicy.ALL_METHODS.size());
        if (given.isEmpty()) {
            throw new InvalidApiPolicyException(at, "must name at least one method");
        }
        for (int i = 0; i < given.size(); i++) {
            if (!ApiPolicy.ALL_METHODS.contains(given.get(i))) {
                throw new InvalidApiPolicyException(at + "[" + i + "]", "must be one of " + String.join(", ",
                        ApiPolicy.ALL_METHODS) + " (upper case)");
            }
            if (given.indexOf(given.get(i)) != i) {
                throw new InvalidApiPolicyException(at + "[" + i + "]", "names a method twice");
            }
        }
        return ApiPolicy.ALL_METHODS.stream().filter(given::contains).toList();
    }

    public static ObjectNode write(ApiPolicy policy) {
        ObjectNode node = JSON.createObjectNode();
        if (policy.dualToken()) {
            node.put("dualToken", true);
        }
        if (!policy.mediation().isEmpty()) {
            ObjectNode mediation = node.putObject("mediation");
            flow(mediation, "request", policy.mediation().request());
            flow(mediation, "response", policy.mediation().response());
            flow(mediation, "fault", policy.mediation().fault());
        }
        if (policy.backendSecurity() != null) {
            node.put("backendSecurity", policy.backendSecurity());
        }
        if (!policy.allowedCallers().isEmpty()) {
            array(node, "allowedCallers", policy.allowedCallers());
        }
        Cors cors = policy.cors();
        if (cors != null) {
            ObjectNode c = node.putObject("cors");
            array(c, "allowOrigins", cors.allowOrigins());
            array(c, "allowMethods", cors.allowMethods());
            array(c, "allowHeaders", cors.allowHeaders());
            array(c, "exposeHeaders", cors.exposeHeaders());
            c.put("allowCredentials", cors.allowCredentials());
            c.put("maxAge", cors.maxAge().toString());
        }
        if (policy.maxRequestBodySize() != null) {
            node.put("maxRequestBodySize", policy.maxRequestBodySize());
        }
        if (policy.backendTimeout() != null) {
            node.put("backendTimeout", policy.backendTimeout().toString());
        }
        if (!policy.backendJwt().equals(BackendJwt.DEFAULT)) {
            ObjectNode jwt = node.putObject("backendJwt");
            if (policy.backendJwt().enabled() != null) {
                jwt.put("enabled", policy.backendJwt().enabled());
            }
            if (policy.backendJwt().claims() != null) {
                array(jwt, "claims", policy.backendJwt().claims());
            }
        }
        if (policy.methods() != null) {
            array(node, "methods", policy.methods());
        }
        if (policy.queue() != null) {
            ObjectNode queue = node.putObject("queue");
            queue.put("mode", policy.queue().mode().json());
            queue.put("timeout", policy.queue().timeout().toString());
        }
        return node;
    }

    private static void flow(ObjectNode mediation, String name, List<MediatorRef> refs) {
        ArrayNode array = mediation.putArray(name);
        for (MediatorRef ref : refs) {
            ObjectNode entry = array.addObject();
            entry.put("mediator", ref.mediator());
            if (!ref.parameters().isEmpty()) {
                ObjectNode parameters = entry.putObject("parameters");
                new java.util.TreeMap<>(ref.parameters()).forEach(parameters::put);
            }
        }
    }

    private static void array(ObjectNode node, String name, List<String> values) {
        ArrayNode array = node.putArray(name);
        values.forEach(array::add);
    }

    private static Mediation mediation(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return Mediation.NONE;
        }
        object(at, node);
        known(at, node, Set.of("request", "response", "fault"));
        return new Mediation(refs(at + ".request", node.get("request")), refs(at + ".response", node.get("response")),
                refs(at + ".fault", node.get("fault")));
    }

    private static List<MediatorRef> refs(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidApiPolicyException(at, "must be a list of mediators");
        }
        if (node.size() > 20) {
            throw new InvalidApiPolicyException(at, "must have at most 20 mediators");
        }
        List<MediatorRef> refs = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String item = at + "[" + i + "]";
            JsonNode entry = node.get(i);
            String mediator;
            Map<String, String> parameters = new LinkedHashMap<>();
            if (entry.isTextual()) {
                mediator = entry.asText();
            } else {
                object(item, entry);
                known(item, entry, Set.of("mediator", "parameters"));
                mediator = optionalText(item + ".mediator", entry.get("mediator"));
                JsonNode params = entry.get("parameters");
                if (params != null && !params.isNull()) {
                    object(item + ".parameters", params);
                    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        String field = item + ".parameters." + p.getKey();
                        if (!PARAMETER.matcher(p.getKey()).matches() || p.getKey().equals("name")) {
                            throw new InvalidApiPolicyException(field, "is not a parameter name a mediator can take");
                        }
                        if (!p.getValue().isValueNode() || p.getValue().isNull()) {
                            throw new InvalidApiPolicyException(field, "must be a text, number or boolean");
                        }
                        String value = p.getValue().asText();
                        if (value.length() > 2000 || HttpText.hasControl(value)) {
                            throw new InvalidApiPolicyException(field, "must be at most 2000 characters without control characters");
                        }
                        if (value.contains("{{") || value.contains("}}")) {
                            // Camel would resolve it as a property placeholder against the gateway's configuration
                            throw new InvalidApiPolicyException(field, "must not contain {{ or }}");
                        }
                        parameters.put(p.getKey(), value);
                    }
                }
            }
            if (mediator == null || !NAME.matcher(mediator).matches()) {
                throw new InvalidApiPolicyException(item + (entry.isTextual() ? "" : ".mediator"),
                        "must name a mediator ([A-Za-z0-9._-], at most 100)");
            }
            refs.add(new MediatorRef(mediator, parameters));
        }
        return refs;
    }

    private static Cors cors(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        object(at, node);
        known(at, node, Set.of("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "allowCredentials", "maxAge"));
        List<String> origins = texts(at + ".allowOrigins", node.get("allowOrigins"), 100);
        if (origins.isEmpty()) {
            throw new InvalidApiPolicyException(at + ".allowOrigins", "must list at least one origin (or \"*\")");
        }
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            if (!origin.equals("*") && !Pattern.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?", origin)) {
                throw new InvalidApiPolicyException(at + ".allowOrigins[" + i + "]",
                        "must be an origin such as https://app.example.com (scheme, host, optional port) or *");
            }
        }
        List<String> methods = texts(at + ".allowMethods", node.get("allowMethods"), 20);
        if (methods.isEmpty()) {
            methods = List.of("GET", "HEAD", "POST");
        }
        methods = methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        tokens(at + ".allowMethods", methods);
        List<String> headers = texts(at + ".allowHeaders", node.get("allowHeaders"), 50);
        tokens(at + ".allowHeaders", headers);
        List<String> expose = texts(at + ".exposeHeaders", node.get("exposeHeaders"), 50);
        tokens(at + ".exposeHeaders", expose);
        boolean credentials = bool(at + ".allowCredentials", node.get("allowCredentials"), false);
        if (credentials && origins.contains("*")) {
            throw new InvalidApiPolicyException(at + ".allowCredentials", "cannot be true when allowOrigins holds \"*\"");
        }
        Duration maxAge = duration(at + ".maxAge", node.get("maxAge"));
        return new Cors(origins, methods, headers, expose, credentials, maxAge == null ? Duration.ofMinutes(10) : maxAge);
    }

    private static BackendJwt backendJwt(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return BackendJwt.DEFAULT;
        }
        object(at, node);
        known(at, node, Set.of("enabled", "claims"));
        Boolean enabled = node.has("enabled") && !node.get("enabled").isNull()
                ? bool(at + ".enabled", node.get("enabled"), true) : null;
        List<String> claims = null;
        if (node.has("claims") && !node.get("claims").isNull()) {
            claims = texts(at + ".claims", node.get("claims"), 50);
            for (int i = 0; i < claims.size(); i++) {
                if (!CLAIM.matcher(claims.get(i)).matches()) {
                    throw new InvalidApiPolicyException(at + ".claims[" + i + "]",
                            "must be a claim name without the dialect, such as enduser");
                }
            }
        }
        return new BackendJwt(enabled, claims);
    }

    private static Queue queue(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        object(at, node);
        known(at, node, Set.of("mode", "timeout"));
        String modeText = optionalText(at + ".mode", node.get("mode"));
        QueueMode mode = modeText == null ? Queue.DEFAULT.mode() : QueueMode.of(modeText);
        if (mode == null) {
            throw new InvalidApiPolicyException(at + ".mode", "must be fire-and-forget or request-reply");
        }
        Duration timeout = duration(at + ".timeout", node.get("timeout"));
        if (timeout != null && timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidApiPolicyException(at + ".timeout", "must be at most 5 minutes");
        }
        return new Queue(mode, timeout == null ? Queue.DEFAULT.timeout() : timeout);
    }

    private static void tokens(String at, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).length() > 100 || !HttpText.isToken(values.get(i))) {
                throw new InvalidApiPolicyException(at + "[" + i + "]", "must be an HTTP token (a method or header name)");
            }
        }
    }

    private static void object(String at, JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidApiPolicyException(at, "must be a JSON object");
        }
    }

    private static void known(String at, JsonNode node, Set<String> fields) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new InvalidApiPolicyException(at + "." + name, "is not a known field");
            }
        }
    }

    private static boolean bool(String at, JsonNode node, boolean absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw new InvalidApiPolicyException(at, "must be true or false");
        }
        return node.booleanValue();
    }

    private static String optionalText(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidApiPolicyException(at, "must be a text");
        }
        return node.asText();
    }

    private static List<String> texts(String at, JsonNode node, int max) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidApiPolicyException(at, "must be a list of texts");
        }
        if (node.size() > max) {
            throw new InvalidApiPolicyException(at, "must have at most " + max + " entries");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 300 || HttpText.hasControl(value.asText())) {
                throw new InvalidApiPolicyException(at + "[" + i + "]", "must be a non-empty text without control characters");
            }
            values.add(value.asText().trim());
        }
        return values;
    }

    private static Duration duration(String at, JsonNode node) {
        String text = optionalText(at, node);
        if (text == null) {
            return null;
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidApiPolicyException(at, "must be a duration such as 5s, 250ms or PT1M");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidApiPolicyException(at, "must be positive");
        }
        if (duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidApiPolicyException(at, "must be at most one day");
        }
        return duration;
    }

}
