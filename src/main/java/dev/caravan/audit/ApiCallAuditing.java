package dev.caravan.audit;

import dev.caravan.gateway.GatewayMediators;
import dev.caravan.http.InboundRequest;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.LiveRegistry.ResolvedApi;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The last step of the API-call route, on success and in its error handler: one {@link ApiCall}
 * (API context and version, method, status, latency since the request arrived, the application
 * and end user when the token was valid), handed to {@link AuditPublisher#apiCall} without
 * waiting. Runs on the event loop; it reads exchange properties only and never throws. The
 * API_CALL event itself is built off the event loop, by the batcher's thread.
 */
@Component("auditApiCall")
public class ApiCallAuditing implements Processor {
    private final AuditPublisher publisher;

    public ApiCallAuditing(AuditPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void process(Exchange exchange) {
        if (!publisher.auditsApiCalls()) {
            return;
        }
        try {
            publisher.apiCall(call(exchange));
        } catch (RuntimeException e) {
            // an audit record is never worth failing an answered call
        }
    }

    static ApiCall call(Exchange exchange) {
        String context = null;
        String version = null;
        ResolvedApi resolved = exchange.getProperty(GatewayMediators.API, ResolvedApi.class);
        if (resolved != null) {
            ApiDefinition api = resolved.api();
            context = api.context();
            version = api.version();
        }
        String organization = null;
        String clientId = null;
        String username = null;
        AccessTokenClaims token = exchange.getProperty(GatewayMediators.TOKEN, AccessTokenClaims.class);
        ClientApp client = exchange.getProperty(GatewayMediators.CLIENT, ClientApp.class);
        if (client != null) {
            organization = client.organization();
            clientId = client.application().consumerKey();
        } else if (token != null) {
            organization = token.organization();
            clientId = token.clientId();
        }
        if (token != null) {
            username = token.username();
        }
        InboundRequest request = exchange.getProperty(InboundRequest.PROPERTY, InboundRequest.class);
        String method = request != null && request.method().length() <= 16 ? request.method() : null;
        Object status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE);
        return new ApiCall(System.currentTimeMillis(), organization, clientId, username, context, version, method,
                status instanceof Number number ? number.intValue() : ApiCall.NO_STATUS,
                exchange.getClock().elapsed());
    }
}
