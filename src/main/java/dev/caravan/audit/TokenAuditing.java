package dev.caravan.audit;

import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.token.GrantResult;
import dev.caravan.token.OAuthException;
import dev.caravan.token.RefreshReuseException;
import dev.caravan.token.RevokeAndIntrospect;
import dev.caravan.token.ThrottledException;
import dev.caravan.token.TokenEndpointProcessors;
import dev.caravan.token.TokenForm;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit steps of {@code routes/token-api.yaml}: after a grant, after a revocation, and in
 * the token flow's error handler. They read only what earlier steps left on the exchange (who
 * the client is, whom a grant was for, the error's category), never the form's secrets. A grant
 * or a revocation is answered only once its event is on record with the broker: if the broker
 * does not acknowledge it within {@code caravan.audit.security-wait}, the request is answered 503
 * ({@link UnrecordedEventException}; the event is still sent when the broker is back), so a
 * token that was handed out is always in the audit trail. A refusal's event never fails the
 * request.
 */
@Configuration(proxyBeanMethods = false)
public class TokenAuditing {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuditing.class);
    private static final Set<String> GRANT_TYPES = Set.of("password", "client_credentials", "refresh_token");

    /** After {@code grant-token}: TOKEN_ISSUED, or TOKEN_REFRESHED for a refresh grant. */
    @Bean
    public Processor auditTokenIssued(AuditPublisher publisher) {
        return exchange -> {
            GrantResult granted = exchange.getProperty(TokenEndpointProcessors.GRANTED, GrantResult.class);
            if (granted == null) {
                return;
            }
            String grantType = grantType(exchange);
            AuditEventType type = "refresh_token".equals(grantType)
                    ? AuditEventType.TOKEN_REFRESHED : AuditEventType.TOKEN_ISSUED;
            record(publisher, AuditEvent.builder(type)
                    .organization(granted.organization())
                    .username(granted.username())
                    .clientId(clientId(exchange))
                    .detail(AuditDetail.GRANT_TYPE, grantType)
                    .build());
        };
    }

    /**
     * In the token flow's error handler: GRANT_REFUSED with the error category only (a throttled
     * login is {@code throttled}), or REFRESH_REUSE when a spent refresh token came back.
     */
    @Bean
    public Processor auditGrantRefused(AuditPublisher publisher) {
        return exchange -> guarded(() -> {
            Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            ClientApp client = exchange.getProperty(TokenEndpointProcessors.CLIENT, ClientApp.class);
            AuditEvent.Builder event;
            if (failure instanceof RefreshReuseException reuse) {
                event = AuditEvent.builder(AuditEventType.REFRESH_REUSE)
                        .organization(reuse.organization())
                        .username(reuse.username());
            } else {
                event = AuditEvent.builder(AuditEventType.GRANT_REFUSED)
                        .organization(client == null ? null : client.organization());
            }
            AuditEvent refused = event
                    .clientId(clientId(exchange))
                    .detail(AuditDetail.GRANT_TYPE, grantType(exchange))
                    .detail(AuditDetail.REASON, reason(failure))
                    .detail(AuditDetail.STATUS, status(failure))
                    .build();
            if (failure instanceof UnrecordedEventException) {
                publisher.securityLater(refused); // the broker just failed to take one: do not wait again
            } else {
                publisher.security(refused);
            }
        });
    }

    /** After {@code revoke-token}: what was revoked (or {@code none}) and whose it was. */
    @Bean
    public Processor auditTokenRevoked(AuditPublisher publisher) {
        return exchange -> {
            RevokeAndIntrospect.Revoked revoked =
                    exchange.getProperty(RevokeAndIntrospect.REVOKED, RevokeAndIntrospect.Revoked.class);
            if (revoked == null) {
                return;
            }
            ClientApp client = exchange.getProperty(TokenEndpointProcessors.CLIENT, ClientApp.class);
            record(publisher, AuditEvent.builder(AuditEventType.TOKEN_REVOKED)
                    .organization(revoked.organization() != null ? revoked.organization()
                            : client == null ? null : client.organization())
                    .username(revoked.username())
                    .clientId(clientId(exchange))
                    .detail(AuditDetail.TOKEN_TYPE, revoked.tokenType())
                    .build());
        };
    }

    /** Sends an event whose effect is answered only once it is on record (see the class comment). */
    private static void record(AuditPublisher publisher, AuditEvent event) {
        boolean recorded;
        try {
            recorded = publisher.securityRecorded(event);
        } catch (RuntimeException e) {
            LOG.warn("audit event not published: {}", e.getClass().getName());
            recorded = false;
        }
        if (!recorded) {
            throw new UnrecordedEventException();
        }
    }

    static String reason(Throwable failure) {
        if (failure instanceof ThrottledException) {
            return "throttled";
        }
        if (failure instanceof OAuthException oauth) {
            return oauth.error();
        }
        return "server_error";
    }

    private static long status(Throwable failure) {
        return failure instanceof OAuthException oauth ? oauth.status() : 500;
    }

    /** The requested grant type when it is one we know; a made-up value is not recorded. */
    private static String grantType(Exchange exchange) {
        TokenForm form = exchange.getProperty(TokenForm.PROPERTY, TokenForm.class);
        String grantType = form == null ? null : form.optional("grant_type");
        return grantType != null && GRANT_TYPES.contains(grantType) ? grantType : null;
    }

    /** The consumer key of the authenticated client only: what an unauthenticated caller sent may be anything. */
    private static String clientId(Exchange exchange) {
        ClientApp client = exchange.getProperty(TokenEndpointProcessors.CLIENT, ClientApp.class);
        return client == null ? null : client.application().consumerKey();
    }

    private static void guarded(Runnable audit) {
        try {
            audit.run();
        } catch (RuntimeException e) {
            LOG.warn("audit event not published: {}", e.getClass().getName());
        }
    }
}
