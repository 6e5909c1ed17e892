package dev.caravan.gateway;

import dev.caravan.http.Responses;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The answer of a failed API call: JSON {@code error} and {@code error_description}; a 401
 * carries the RFC 6750 challenge. A backend that cannot be reached is 502, one that does not
 * answer in time is 504; neither tells the caller more than that.
 */
@Component("gatewayErrorResponse")
public class GatewayErrorResponse implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayErrorResponse.class);

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = classify(failure);
        exchange.getMessage().removeHeaders("*");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.error());
        body.put("error_description", error.getMessage());
        Responses.json(exchange, error.status(), body);
        if (error.status() == 401) {
            String challenge = error.bearerError() == null
                    ? "Bearer realm=\"caravan\""
                    : "Bearer realm=\"caravan\", error=\"" + error.bearerError() + "\", error_description=\""
                            + error.getMessage() + "\"";
            exchange.getMessage().setHeader("WWW-Authenticate", challenge);
        }
        if (error.status() == 503) {
            exchange.getMessage().setHeader("Retry-After", "1");
        }
        if (error instanceof GatewayException.MethodNotAllowed refused) {
            exchange.getMessage().setHeader("Allow", refused.allow());
        }
        if (error.status() == 400 && error.bearerError() != null) {
            exchange.getMessage().setHeader("WWW-Authenticate",
                    "Bearer realm=\"caravan\", error=\"" + error.bearerError() + "\"");
        }
    }

    static GatewayException classify(Throwable failure) {
        if (failure instanceof GatewayException known) {
            return known;
        }
        if (failure instanceof dev.caravan.http.RequestBodies.UnavailableException busy) {
            return new GatewayException(503, "temporarily_unavailable", busy.getMessage(), null);
        }
        if (failure instanceof dev.caravan.http.RequestBodies.UnreadableException) {
            return GatewayException.badRequest("the request body could not be read");
        }
        if (failure instanceof dev.caravan.mediation.MediationException mediation) {
            return new GatewayException(mediation.status(), mediation.error(), mediation.getMessage(), null);
        }
        if (failure instanceof MissingCredentialsException missing) {
            return new GatewayException(401, "unauthorized", missing.getMessage(), null);
        }
        if (failure instanceof dev.caravan.mediation.MediationConfigException config) {
            // the API's mediator parameters are unusable: the publisher's mistake, named in the log, not to the caller
            LOG.error("API mediation misconfigured: {}", config.getMessage());
            return new GatewayException(500, "mediation_failed", "the API's mediation is misconfigured", null);
        }
        // a timeout anywhere in the chain is a 504, even when wrapped in another I/O failure
        Throwable io = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException
                    || cause instanceof java.util.concurrent.TimeoutException) {
                return new GatewayException(504, "backend_timeout", "the backend did not answer in time", null);
            }
            if (io == null && cause instanceof IOException) {
                io = cause;
            }
            // a route the call needs is stopping or being swapped (a routes-directory file reloaded)
            if (cause instanceof java.util.concurrent.RejectedExecutionException) {
                LOG.warn("API call met a route that is restarting or stopping: answered 503");
                return new GatewayException(503, "temporarily_unavailable",
                        "a route of this API is restarting; try again", null);
            }
        }
        if (io != null) {
            LOG.warn("backend unreachable: {}", io.getClass().getName());
            return new GatewayException(502, "backend_unavailable", "the backend could not be reached", null);
        }
        LOG.error("API call failed: {}", failure == null ? "unknown" : failure.getClass().getName());
        return new GatewayException(500, "server_error", "the gateway could not complete the request", null);
    }
}
