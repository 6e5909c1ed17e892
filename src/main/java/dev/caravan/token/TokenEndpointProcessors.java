package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.InboundRequest;
import dev.caravan.http.RequestBodies;
import dev.caravan.http.Responses;
import dev.caravan.registry.LiveRegistry.ClientApp;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.LoginThrottle;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hops of the OAuth endpoints, one processor each, referenced by name from
 * {@code routes/token-api.yaml}: read the form, authenticate the client, then grant, revoke
 * or introspect. The grant types' own hops are in {@link PasswordGrantSteps} and {@link RefreshSteps}.
 */
@Configuration(proxyBeanMethods = false)
public class TokenEndpointProcessors {
    public static final String CLIENT = "caravanClient";
    /** The {@link GrantResult} of a successful grant (without its body once answered). */
    public static final String GRANTED = "caravanGranted";
    /** The grant type of the request once {@code checkGrantType} accepted it. */
    public static final String GRANT_TYPE = "caravanGrantType";
    static final Set<String> GRANT_TYPES = Set.of("password", "client_credentials", "refresh_token");

    /** POST only; a strictly parsed form body no larger than {@code caravan.token.max-form-bytes}. */
    @Bean
    public Processor readTokenRequest(CaravanProperties properties) {
        int limit = properties.token().maxFormBytes();
        return exchange -> {
            InboundRequest request = InboundRequest.of(exchange);
            if (!"POST".equals(request.method())) {
                exchange.getMessage().setHeader("Allow", "POST");
                throw OAuthException.methodNotAllowed();
            }
            byte[] body;
            try {
                body = RequestBodies.read(exchange, limit);
            } catch (RequestBodies.TooLargeException e) {
                throw OAuthException.invalidRequest("the request body is too large");
            } catch (RequestBodies.UnreadableException e) {
                throw OAuthException.invalidRequest("the request body could not be read");
            }
            String contentType;
            try {
                contentType = request.singleHeader("Content-Type");
            } catch (InboundRequest.DuplicateHeaderException e) {
                throw OAuthException.invalidRequest("the Content-Type header is repeated");
            }
            exchange.setProperty(TokenForm.PROPERTY, TokenForm.parse(contentType, body));
            exchange.getIn().setBody(null);
        };
    }

    @Bean
    public Processor authenticateClient(ClientAuthenticator authenticator) {
        return exchange -> exchange.setProperty(CLIENT,
                authenticator.authenticate(InboundRequest.of(exchange), form(exchange)));
    }

    /**
     * Failed password logins, per login name and per client address. A login name
     * counts by its {@link LoginName#throttleKey}, computed before any userstore is asked, so
     * {@code ADA@corp}, {@code " ada@corp"} and {@code ada} (for an application of corp) are one counter.
     */
    @Bean
    public LoginThrottle tokenLoginThrottle(CaravanProperties properties) {
        CaravanProperties.Token token = properties.token();
        return new LoginThrottle(token.maxFailuresPerUser(), token.maxFailuresPerAddress(), token.failureWindow(),
                Ticker.systemTicker());
    }

    /**
     * The token flow's pool for database work and token signing. A step that follows a hop to
     * it runs on its threads; a full pool and queue answer 503 at once.
     */
    @Bean(destroyMethod = "close")
    public BoundedPool tokenWorkPool(CaravanProperties properties) {
        return new BoundedPool("caravan-token-work", properties.token().workThreads(), properties.token().workQueue());
    }

    /** The pool for primary users' Argon2id checks: as many threads as checks may run at once. */
    @Bean(destroyMethod = "close")
    public BoundedPool passwordHashPool(CaravanProperties properties) {
        int threads = properties.token().maxConcurrentPasswordHashes();
        return new BoundedPool("caravan-password-hash",
                threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors()),
                properties.token().passwordHashQueue());
    }

    /** The grant type must be one this server knows and one the client may use; the route branches on it. */
    @Bean
    public Processor checkGrantType() {
        return exchange -> {
            String grantType = form(exchange).required("grant_type");
            if (!GRANT_TYPES.contains(grantType)) {
                throw OAuthException.unsupportedGrantType("grant_type is not supported");
            }
            if (!client(exchange).application().allowsGrant(grantType)) {
                throw OAuthException.unauthorizedClient("the client may not use this grant type");
            }
            exchange.setProperty(GRANT_TYPE, grantType);
        };
    }

    /** The application's own token (signing, on the work pool). */
    @Bean
    public Processor issueClientCredentials(ClientCredentialsGrant grant) {
        return exchange -> answer(exchange, grant.grant(client(exchange), form(exchange)));
    }

    /** Writes the token response; only who got it stays on the exchange, never the tokens. */
    static void answer(Exchange exchange, GrantResult result) {
        Responses.json(exchange, 200, result.body());
        Responses.noStore(exchange);
        exchange.setProperty(GRANTED, new GrantResult(Map.of(), result.organization(), result.username()));
    }

    static TokenForm form(Exchange exchange) {
        return exchange.getProperty(TokenForm.PROPERTY, TokenForm.class);
    }

    static ClientApp client(Exchange exchange) {
        return exchange.getProperty(CLIENT, ClientApp.class);
    }
}
