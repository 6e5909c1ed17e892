package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.Cidr;
import dev.caravan.http.HeaderAllowList;
import dev.caravan.http.InboundRequest;
import dev.caravan.http.ReceivedBody;
import dev.caravan.http.RequestBodies;
import dev.caravan.http.RequestBodyReader;
import dev.caravan.http.RequestPaths;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.AccessTokens;
import dev.caravan.jwt.BackendJwts;
import dev.caravan.jwt.InvalidTokenException;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.LiveRegistry.ResolvedApi;
import dev.caravan.registry.Subscription;
import dev.caravan.token.Revocations;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hops of the API-call route ({@code routes/api-gateway.yaml}), one processor bean each.
 * State travels between hops as exchange properties, never as headers a client could forge.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayMediators {
    public static final String API = "caravanApi";
    public static final String TOKEN = "caravanToken";
    public static final String CLIENT = "caravanClient";
    public static final String SUBSCRIPTION = "caravanSubscription";
    public static final String BACKEND = "caravanBackend";
    public static final String RUNTIME = "caravanApiRuntime";
    public static final String USER_TOKEN = "caravanUserToken";

    /** Entry of the API route: only allow-listed request headers survive, matched case-insensitively. */
    @Bean
    public HeaderAllowList stripUntrustedHeaders(CaravanProperties properties) {
        return new HeaderAllowList(properties.gateway().allowedRequestHeaders());
    }

    /** Entry of the OAuth routes: they read only these headers. */
    @Bean
    public HeaderAllowList stripTokenRequestHeaders() {
        return new HeaderAllowList(List.of("Authorization", "Content-Type", "Accept"));
    }

    /** {@code /{context}/{version}/...} to an API definition, or 404; unsafe paths are 400 (see {@link RequestPaths}). */
    @Bean
    public Processor resolveApi(LiveRegistry registry, ApiRuntimes runtimes) {
        return exchange -> {
            String path = InboundRequest.of(exchange).path();
            String problem = RequestPaths.problem(path);
            if (problem != null) {
                throw new GatewayException(400, "invalid_request", problem, null);
            }
            ResolvedApi api = registry.resolve(path).orElseThrow(GatewayException::notFound);
            exchange.setProperty(API, api);
            exchange.setProperty(RUNTIME, runtimes.of(api.api()));
        };
    }

    /**
     * The API's caller allow-list ({@code policy.allowedCallers}): a caller outside it gets 403 and
     * the backend sees nothing. The caller is the connection's peer, or what trusted proxies say
     * in {@code X-Forwarded-For} ({@link CallerAddress}).
     */
    @Bean
    public Processor checkCaller(BackendSecurityProfiles profiles) {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (runtime.allowedCallers().isEmpty()) {
                return;
            }
            byte[] caller = CallerAddress.of(InboundRequest.of(exchange), profiles.trustedProxies());
            if (!Cidr.anyContains(runtime.allowedCallers(), caller)) {
                throw GatewayException.forbidden("caller_not_allowed", "this API does not accept calls from this address");
            }
        };
    }

    /** A CORS preflight to an API with CORS rules is answered here, before authentication, and ends the route. */
    @Bean
    public Processor answerCorsPreflight() {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            InboundRequest request = InboundRequest.of(exchange);
            if (runtime.cors() != null && CorsPolicy.isPreflight(request)) {
                runtime.cors().answerPreflight(exchange, request);
                exchange.setRouteStop(true);
            }
        };
    }

    /**
     * The API's method allow-list ({@code policy.methods}): another method is 405 with the API's
     * methods in {@code Allow}, before authentication, and the backend sees nothing. (A CORS
     * preflight was answered by the step before.)
     */
    @Bean
    public Processor checkMethod() {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (runtime.methods() != null && !runtime.methods().contains(InboundRequest.of(exchange).method())) {
                throw new GatewayException.MethodNotAllowed(runtime.allow());
            }
        };
    }

    /**
     * RFC 6750 bearer authentication: no credentials is a bare 401 challenge; a bad, expired
     * or revoked token is 401 {@code invalid_token}. The application's token never reaches the backend.
     */
    @Bean
    public Processor authenticateBearerToken(AccessTokens accessTokens, Revocations revocations) {
        return exchange -> {
            InboundRequest request = InboundRequest.of(exchange);
            String authorization;
            try {
                authorization = request.singleHeader("Authorization");
            } catch (InboundRequest.DuplicateHeaderException e) {
                throw GatewayException.badRequest("the Authorization header is repeated");
            }
            exchange.getIn().removeHeader("Authorization");
            if (request.headerValues("X-Authorization").size() > 1) {
                throw GatewayException.badRequest("the X-Authorization header is repeated");
            }
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw GatewayException.noCredentials();
            }
            AccessTokenClaims claims;
            try {
                claims = accessTokens.validate(authorization.substring(7).trim());
            } catch (InvalidTokenException e) {
                throw GatewayException.invalidToken(e.getMessage());
            }
            if (revocations.isRevoked(claims)) {
                throw GatewayException.invalidToken("token has been revoked");
            }
            exchange.setProperty(TOKEN, claims);
        };
    }

    /**
     * Dual-token APIs ({@code policy.dualToken}): {@code X-Authorization} must carry a valid, unrevoked
     * Caravan token of an end user, issued to the same application as the {@code Authorization}
     * token; its user becomes the backend JWT's end user. Other APIs leave X-Authorization alone.
     */
    @Bean
    public Processor authenticateUserToken(AccessTokens accessTokens, Revocations revocations) {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (!runtime.policy().dualToken()) {
                return;
            }
            String value = InboundRequest.of(exchange).singleHeader("X-Authorization");
            if (value == null || value.isBlank()) {
                throw new GatewayException(401, "unauthorized",
                        "this API requires the end user's access token in X-Authorization", null);
            }
            if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw GatewayException.invalidToken("X-Authorization must be a Bearer token");
            }
            AccessTokenClaims user;
            try {
                user = accessTokens.validate(value.substring(7).trim());
            } catch (InvalidTokenException e) {
                throw GatewayException.invalidToken("X-Authorization: " + e.getMessage());
            }
            if (revocations.isRevoked(user)) {
                throw GatewayException.invalidToken("X-Authorization: token has been revoked");
            }
            if (!user.isEndUserToken()) {
                throw GatewayException.invalidToken("X-Authorization must carry an end user's token");
            }
            AccessTokenClaims app = exchange.getProperty(TOKEN, AccessTokenClaims.class);
            if (!user.clientId().equals(app.clientId())) {
                throw GatewayException.invalidToken("X-Authorization: token was issued to another application");
            }
            exchange.setProperty(USER_TOKEN, user);
        };
    }

    /**
     * Reads the request body once the checks on the request head passed ({@link RequestBodyReader}):
     * a call refused before this step never has its body read.
     */
    @Bean
    public RequestBodyReader readRequestBody() {
        return new RequestBodyReader();
    }

    /** The calling application must be subscribed to this API version, at a tier the API offers. */
    @Bean
    public Processor authorizeSubscription(LiveRegistry registry) {
        return exchange -> {
            AccessTokenClaims token = exchange.getProperty(TOKEN, AccessTokenClaims.class);
            ResolvedApi api = exchange.getProperty(API, ResolvedApi.class);
            ClientApp client = registry.client(token.clientId())
                    .orElseThrow(() -> GatewayException.invalidToken("the token's application no longer exists"));
            Subscription subscription = registry.subscription(client.application().id(), api.api().id())
                    .filter(s -> api.api().tiers().contains(s.tier()))
                    .orElseThrow(() -> GatewayException.forbidden("subscription_required",
                            "the application is not subscribed to this API"));
            exchange.setProperty(CLIENT, client);
            exchange.setProperty(SUBSCRIPTION, subscription);
        };
    }

    /** Adds the signed backend JWT under its configured header, replacing anything the client sent. */
    @Bean
    public Processor enrichBackendJwt(BackendJwts backendJwts) {
        return exchange -> {
            exchange.getIn().removeHeader(backendJwts.header());
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (!runtime.backendJwt()) {
                return;
            }
            CharSequence jwt;
            try {
                jwt = backendJwts.assertion(exchange.getProperty(TOKEN, AccessTokenClaims.class),
                        exchange.getProperty(USER_TOKEN, AccessTokenClaims.class), runtime.api(),
                        exchange.getProperty(CLIENT, ClientApp.class),
                        exchange.getProperty(SUBSCRIPTION, Subscription.class),
                        runtime.cacheKey(), runtime.backendJwtClaims());
            } catch (InvalidTokenException e) {
                // the token expired between authentication and this step: no assertion outlives it
                throw GatewayException.invalidToken(e.getMessage());
            }
            exchange.getIn().setHeader(backendJwts.header(), jwt);
        };
    }

    /** The API's request flow ({@code policy.mediation.request}); a dual-token API's user token goes no further. */
    @Bean
    public MediationStep applyRequestMediation() {
        return new MediationStep(ApiRuntime::requestFlow, (exchange, runtime) -> {
            if (runtime.policy().dualToken()) {
                exchange.getIn().removeHeader("X-Authorization");
            }
        });
    }

    /** The API's response flow ({@code policy.mediation.response}), on the backend's answer. */
    @Bean
    public MediationStep applyResponseMediation() {
        return new MediationStep(ApiRuntime::responseFlow, null);
    }

    /**
     * The gateway's credentials for the backend ({@code policy.backendSecurity}): basic auth or a
     * static header from configuration. Applied after mediation, so it wins over anything a
     * mediator or the caller put in the same header.
     */
    @Bean
    public Processor secureBackendRequest() {
        return exchange -> {
            BackendSecurityProfiles.Compiled security = exchange.getProperty(RUNTIME, ApiRuntime.class).security();
            if (security == null) {
                return;
            }
            if (security.authorization() != null) {
                exchange.getIn().setHeader("Authorization", security.authorization());
            }
            if (security.headerName() != null) {
                exchange.getIn().setHeader(security.headerName(), security.headerValue());
            }
        };
    }

    /** CORS headers on the answer (success or error) of an API with CORS rules. */
    @Bean
    public Processor addCorsHeaders() {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (runtime != null && runtime.cors() != null) {
                runtime.cors().decorate(exchange.getMessage(), InboundRequest.of(exchange));
            }
        };
    }

    /**
     * The API's fault flow ({@code policy.mediation.fault}) on the error answer the gateway wrote.
     * A fault mediator that fails itself is logged and the original error answer stands.
     */
    @Bean
    public Processor applyFaultMediation() {
        return exchange -> {
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            if (runtime == null || runtime.faultFlow().isEmpty()) {
                return;
            }
            org.apache.camel.Message before = exchange.getMessage().copy();
            for (org.apache.camel.AsyncProcessor mediator : runtime.faultFlow()) {
                org.apache.camel.support.AsyncProcessorConverterHelper.convert(mediator).process(exchange);
                if (exchange.getException() != null) {
                    org.slf4j.LoggerFactory.getLogger(GatewayMediators.class).warn(
                            "fault mediation of {} failed: {}", runtime.api().context(),
                            exchange.getException().getClass().getSimpleName());
                    exchange.setException(null);
                    exchange.setMessage(before);
                    return;
                }
            }
        };
    }

    /**
     * Sets what the forwarder uses: method, backend path and query, the body (bounded by
     * {@code caravan.traffic.max-body-size} and the API's {@code policy.maxRequestBodySize}; a
     * body the traffic port wrote to a temporary file stays there, for the forwarder to stream), and
     * the API's backend. The backend comes from the
     * API definition only.
     */
    @Bean
    public Processor prepareBackendRequest() {
        return exchange -> {
            InboundRequest request = InboundRequest.of(exchange);
            ResolvedApi api = exchange.getProperty(API, ResolvedApi.class);
            ApiRuntime runtime = exchange.getProperty(RUNTIME, ApiRuntime.class);
            BackendEndpoints.Backend backend = runtime.backend();
            Object received = exchange.getIn().getBody();
            if (received instanceof ReceivedBody file && file.inFile() && !backend.isQueue()) {
                // a large body stays in its file: the forwarder streams it to the backend
                if (file.length() > runtime.maxRequestBodySize()) {
                    throw new GatewayException(413, "payload_too_large", "the request body is too large", null);
                }
            } else {
                byte[] body;
                try {
                    body = RequestBodies.read(exchange, runtime.maxRequestBodySize());
                } catch (RequestBodies.TooLargeException e) {
                    throw new GatewayException(413, "payload_too_large", "the request body is too large", null);
                } catch (RequestBodies.UnreadableException e) {
                    throw GatewayException.badRequest("the request body could not be read");
                }
                exchange.getIn().setBody(body.length == 0 ? null : body);
            }
            exchange.getIn().setHeader(Exchange.HTTP_METHOD, request.method());
            exchange.getIn().setHeader(Exchange.HTTP_PATH, backend.basePath() + api.remainingPath());
            if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
                exchange.getIn().setHeader(Exchange.HTTP_RAW_QUERY, request.rawQuery());
                exchange.getIn().setHeader(Exchange.HTTP_QUERY, request.rawQuery());
            }
            exchange.setProperty(BACKEND, backend);
        };
    }
}
