package dev.caravan.token;

import dev.caravan.http.Responses;
import dev.caravan.registry.Db;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns a failure of an OAuth endpoint into the RFC 6749 §5.2 answer: JSON {@code error} and
 * {@code error_description}, {@code Cache-Control: no-store}, and for {@code invalid_client} a
 * {@code WWW-Authenticate: Basic} challenge. Anything unexpected is a generic
 * {@code server_error}; its details go to the log by class name only, never the request.
 */
@Component("oauthErrorResponse")
public class OAuthErrorResponse implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthErrorResponse.class);

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OAuthException error = failure instanceof OAuthException oauth ? oauth : unexpected(failure);
        Object allow = exchange.getMessage().getHeader("Allow");
        exchange.getMessage().removeHeaders("*");
        if (allow != null) {
            exchange.getMessage().setHeader("Allow", allow);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.error());
        body.put("error_description", error.description());
        Responses.json(exchange, error.status(), body);
        Responses.noStore(exchange);
        if (error instanceof ThrottledException throttled) {
            exchange.getMessage().setHeader("Retry-After", throttled.retryAfterSeconds());
        } else if (error.status() == 503) {
            exchange.getMessage().setHeader("Retry-After", 1);
        }
        if (error.basicChallenge()) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Basic realm=\"caravan\", charset=\"UTF-8\"");
        }
    }

    private static OAuthException unexpected(Throwable failure) {
        if (Db.unavailable(failure)) {
            LOG.warn("token endpoint: the database is unavailable ({})", failure.getClass().getName());
            return OAuthException.temporarilyUnavailable("the server cannot complete the request right now; try again later");
        }
        LOG.error("token endpoint failed: {}", failure == null ? "unknown" : failure.getClass().getName());
        return new OAuthException(500, "server_error", "the server could not complete the request", false);
    }
}
