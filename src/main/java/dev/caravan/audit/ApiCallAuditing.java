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
 * The last step of the API-call route, on success and in its error handler: one API_CALL event
 * (API context and version, method, status, latency since the request arrived, the application
 * and end user when the token was valid), handed to {@link AuditPublisher#apiCall} without
 * waiting. Runs on the event loop; it reads exchange properties only and never throws.
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
            publisher.apiCall(event(exchange));
        } catch (RuntimeException e) {
            // an audit record is never worth failing an answered call
        }
    }

    static AuditEvent event(Exchange exchange) {
        AuditEvent.Builder event = AuditEvent.builder(AuditEventType.API_CALL);
        ResolvedApi resolved = exchange.getProperty(GatewayMediators.API, ResolvedApi.class);
        if (resolved != null) {
            ApiDefinition api = resolved.api();
            event.detail(AuditDetail.API_CONTEXT, api.context()).detail(AuditDetail.API_VERSION, api.version());
        }
        AccessTokenClaims token = exchange.getProperty(GatewayMediators.TOKEN, AccessTokenClaims.class);
        ClientApp client = exchange.getProperty(GatewayMediators.CLIENT, ClientApp.class);
        if (client != null) {
            event.organization(client.organization()).clientId(client.application().consumerKey());
        } else if (token != null) {
            event.organization(token.organization()).clientId(token.clientId());
        }
        if (token != null) {
            event.username(token.username());
        }
        InboundRequest request = exchange.getProperty(InboundRequest.PROPERTY, InboundRequest.class);
        if (request != null && request.method().length() <= 16) {
            event.detail(AuditDetail.METHOD, request.method());
        }
        Object status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE);
        if (status instanceof Number number) {
            event.detail(AuditDetail.STATUS, number.longValue());
        }
        event.detail(AuditDetail.LATENCY_MS, exchange.getClock().elapsed());
        return event.build();
    }
}
