package dev.caravan.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an API asks of the gateway beyond routing: the X-Authorization mode, its mediation flows,
 * how the gateway authenticates to the backend, who may call it, CORS, limits and the backend JWT.
 * Immutable and validated ({@link ApiPolicies#parse}); stored as JSON with the API. Every field is
 * optional; {@link #NONE} is the behaviour of an API that sets nothing. {@code methods} null serves
 * every method of {@link #ALL_METHODS}; a list serves those alone (405 otherwise). Secrets never live here:
 * {@link #backendSecurity()} names a profile in configuration ({@code caravan.backend-security.<name>}).
 */
public record ApiPolicy(
        boolean dualToken,
        Mediation mediation,
        String backendSecurity,
        List<String> allowedCallers,
        Cors cors,
        Long maxRequestBodySize,
        Duration backendTimeout,
        BackendJwt backendJwt,
        Queue queue,
        List<String> methods) {

    /** The methods an API serves unless its policy lists fewer (the traffic port serves no others). */
    public static final List<String> ALL_METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    public static final ApiPolicy NONE = new ApiPolicy(false, Mediation.NONE, null, List.of(), null, null, null,
            BackendJwt.DEFAULT, null, null);

    /** As before methods could be listed: every method. */
    public ApiPolicy(boolean dualToken, Mediation mediation, String backendSecurity, List<String> allowedCallers,
                     Cors cors, Long maxRequestBodySize, Duration backendTimeout, BackendJwt backendJwt, Queue queue) {
        this(dualToken, mediation, backendSecurity, allowedCallers, cors, maxRequestBodySize, backendTimeout,
                backendJwt, queue, null);
    }

    public ApiPolicy {
        methods = methods == null ? null : List.copyOf(methods);
        mediation = mediation == null ? Mediation.NONE : mediation;
        allowedCallers = allowedCallers == null ? List.of() : List.copyOf(allowedCallers);
        backendJwt = backendJwt == null ? BackendJwt.DEFAULT : backendJwt;
    }

    public boolean isDefault() {
        return equals(NONE);
    }

    /** One use of a mediator (a route template id) with its parameters. */
    public record MediatorRef(String mediator, Map<String, String> parameters) {
        public MediatorRef {
            parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        }
    }

    /** Mediators run in order: {@code request} before the backend, {@code response} after it, {@code fault} on an error. */
    public record Mediation(List<MediatorRef> request, List<MediatorRef> response, List<MediatorRef> fault) {
        public static final Mediation NONE = new Mediation(List.of(), List.of(), List.of());

        public Mediation {
            request = request == null ? List.of() : List.copyOf(request);
            response = response == null ? List.of() : List.copyOf(response);
            fault = fault == null ? List.of() : List.copyOf(fault);
        }

        public boolean isEmpty() {
            return request.isEmpty() && response.isEmpty() && fault.isEmpty();
        }
    }

    /** Cross-origin resource sharing for browser callers; origins are exact ({@code *} allows any, never with credentials). */
    public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                       List<String> exposeHeaders, boolean allowCredentials, Duration maxAge) {
        public Cors {
            allowOrigins = List.copyOf(allowOrigins);
            allowMethods = List.copyOf(allowMethods);
            allowHeaders = List.copyOf(allowHeaders);
            exposeHeaders = List.copyOf(exposeHeaders);
        }
    }

    /**
     * The backend JWT for this API: {@code enabled} null follows {@code caravan.backend-jwt.enabled};
     * {@code claims} null sends every claim, otherwise only the named dialect claims (the standard
     * {@code iss sub aud exp iat jti} are always there).
     */
    public record BackendJwt(Boolean enabled, List<String> claims) {
        public static final BackendJwt DEFAULT = new BackendJwt(null, null);

        public BackendJwt {
            claims = claims == null ? null : List.copyOf(claims);
        }
    }

    /** An API whose backend is an Artemis queue ({@code queue:<name>}). */
    public record Queue(QueueMode mode, Duration timeout) {
        /** What a queue API without a {@code queue} policy, or a field of it left out, gets. */
        public static final Queue DEFAULT = new Queue(QueueMode.FIRE_AND_FORGET, Duration.ofSeconds(30));
    }

    public enum QueueMode {
        /** The message is sent persistently and the caller gets {@code 202} with its message id. */
        FIRE_AND_FORGET("fire-and-forget"),
        /** The caller waits for a reply on a temporary queue, up to the timeout ({@code 504} after it). */
        REQUEST_REPLY("request-reply");

        private final String json;

        QueueMode(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }

        public static QueueMode of(String json) {
            for (QueueMode mode : values()) {
                if (mode.json.equals(json)) {
                    return mode;
                }
            }
            return null;
        }
    }
}
