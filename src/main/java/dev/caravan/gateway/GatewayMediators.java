package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.HeaderAllowList;
import dev.caravan.http.InboundRequest;
import dev.caravan.http.RequestBodies;
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
    public Processor resolveApi(LiveRegistry registry) {
        return exchange -> {
            String path = InboundRequest.of(exchange).path();
            String problem = RequestPaths.problem(path);
            if (problem != null) {
                throw new GatewayException(400, "invalid_request", problem, null);
            }
            ResolvedApi api = registry.resolve(path).orElseThrow(GatewayException::notFound);
            exchange.setProperty(API, api);
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
    public Processor enrichBackendJwt(BackendJwts backendJwts, CaravanProperties properties) {
        boolean enabled = properties.backendJwt().enabled();
        return exchange -> {
            exchange.getIn().removeHeader(backendJwts.header());
            if (!enabled) {
                return;
            }
            ResolvedApi api = exchange.getProperty(API, ResolvedApi.class);
            CharSequence jwt = backendJwts.assertion(exchange.getProperty(TOKEN, AccessTokenClaims.class), api.api(),
                    exchange.getProperty(CLIENT, ClientApp.class), exchange.getProperty(SUBSCRIPTION, Subscription.class));
            exchange.getIn().setHeader(backendJwts.header(), jwt);
        };
    }

    /**
     * Sets what the forwarder uses: method, backend path and query, the body (bounded by
     * {@code caravan.traffic.max-body-size}), and the API's backend. The backend comes from the
     * API definition only.
     */
    @Bean
    public Processor prepareBackendRequest(BackendEndpoints endpoints, CaravanProperties properties) {
        long limit = properties.traffic().maxBodySize();
        return exchange -> {
            InboundRequest request = InboundRequest.of(exchange);
            ResolvedApi api = exchange.getProperty(API, ResolvedApi.class);
            BackendEndpoints.Backend backend = endpoints.forApi(api.api());
            byte[] body;
            try {
                body = RequestBodies.read(exchange, limit);
            } catch (RequestBodies.TooLargeException e) {
                throw new GatewayException(413, "payload_too_large", "the request body is too large", null);
            } catch (RequestBodies.UnreadableException e) {
                throw GatewayException.badRequest("the request body could not be read");
            }
            exchange.getIn().setBody(body.length == 0 ? null : body);
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
