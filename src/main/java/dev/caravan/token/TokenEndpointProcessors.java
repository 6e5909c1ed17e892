package dev.caravan.token;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.InboundRequest;
import dev.caravan.http.RequestBodies;
import dev.caravan.http.Responses;
import dev.caravan.registry.LiveRegistry.ClientApp;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.LoginThrottle;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hops of the OAuth endpoints, one processor each, referenced by name from
 * {@code routes/token-api.yaml}: read the form, authenticate the client, then grant, revoke
 * or introspect.
 */
@Configuration(proxyBeanMethods = false)
public class TokenEndpointProcessors {
    public static final String CLIENT = "caravanClient";
    /** The {@link GrantResult} of a successful grant (without its body once answered). */
    public static final String GRANTED = "caravanGranted";

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

    @Bean
    public Processor grantToken(List<GrantHandler> handlers, @Qualifier("tokenLoginThrottle") LoginThrottle throttle) {
        Map<String, GrantHandler> byType = handlers.stream()
                .collect(Collectors.toUnmodifiableMap(GrantHandler::grantType, Function.identity()));
        return exchange -> {
            TokenForm form = form(exchange);
            ClientApp client = client(exchange);
            String grantType = form.required("grant_type");
            GrantHandler handler = byType.get(grantType);
            if (handler == null) {
                throw OAuthException.unsupportedGrantType("grant_type is not supported");
            }
            if (!client.application().allowsGrant(grantType)) {
                throw OAuthException.unauthorizedClient("the client may not use this grant type");
            }
            if (!"password".equals(grantType)) {
                answer(exchange, handler.grant(client, form));
            } else {
                String address = InboundRequest.of(exchange).remoteAddress();
                LoginName login = PasswordGrant.loginName(client, form);
                if (throttle.blocked(login.throttleKey(), address)) {
                    throw new ThrottledException(throttle.window().toSeconds());
                }
                try {
                    answer(exchange, handler instanceof PasswordGrant password
                            ? password.grant(client, form, login) : handler.grant(client, form));
                    throttle.succeeded(login.throttleKey());
                } catch (OAuthException e) {
                    if ("invalid_grant".equals(e.error())) {
                        throttle.failed(login.throttleKey(), address);
                    }
                    throw e;
                }
            }
            Responses.noStore(exchange);
        };
    }

    /** Writes the token response; only who got it stays on the exchange, never the tokens. */
    private static void answer(Exchange exchange, GrantResult result) {
        Responses.json(exchange, 200, result.body());
        exchange.setProperty(GRANTED, new GrantResult(Map.of(), result.organization(), result.username()));
    }

    static TokenForm form(Exchange exchange) {
        return exchange.getProperty(TokenForm.PROPERTY, TokenForm.class);
    }

    static ClientApp client(Exchange exchange) {
        return exchange.getProperty(CLIENT, ClientApp.class);
    }
}
