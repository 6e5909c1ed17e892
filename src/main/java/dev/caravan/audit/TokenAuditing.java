package dev.caravan.audit;

import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.token.GrantResult;
import dev.caravan.token.OAuthException;
import dev.caravan.token.RefreshReuseException;
import dev.caravan.token.RevokeAndIntrospect;
import dev.caravan.token.ThrottledException;
import dev.caravan.token.TokenEndpointProcessors;
import dev.caravan.token.TokenForm;
import dev.caravan.token.PasswordGrant;
import dev.caravan.userstore.LoginName;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
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

    /**
     * After a grant: TOKEN_ISSUED, or TOKEN_REFRESHED for a refresh grant. The answer waits for
     * the broker's acknowledgement without holding a thread.
     */
    @Bean
    public AsyncProcessor auditTokenIssued(AuditPublisher publisher) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                GrantResult granted = exchange.getProperty(TokenEndpointProcessors.GRANTED, GrantResult.class);
                if (granted == null) {
                    callback.done(true);
                    return true;
                }
                String grantType = grantType(exchange);
                AuditEventType type = "refresh_token".equals(grantType)
                        ? AuditEventType.TOKEN_REFRESHED : AuditEventType.TOKEN_ISSUED;
                AuditEvent event = AuditEvent.builder(type)
                        .organization(granted.organization())
                        .username(granted.username())
                        .clientId(clientId(exchange))
                        .detail(AuditDetail.GRANT_TYPE, grantType)
                        .build();
                CompletableFuture<Boolean> recorded;
                try {
                    recorded = publisher.securityRecordedAsync(event);
                } catch (RuntimeException e) {
                    LOG.warn("audit event not published: {}", e.getClass().getName());
                    recorded = CompletableFuture.completedFuture(false);
                }
                return continueWhen(recorded, exchange, callback, ok -> {
                    if (!ok) {
                        exchange.setException(new UnrecordedEventException());
                    }
                });
            }
        };
    }

    /**
     * In the token flow's error handler: GRANT_REFUSED with the error category only (a throttled
     * login is {@code throttled}) and, for a password grant, the login name as
     * {@link LoginName} normalizes it (never the password); or REFRESH_REUSE when a spent refresh
     * token came back. The answer waits (bounded, without holding a thread) for the broker; a
     * refusal's event never fails the request.
     */
    @Bean
    public AsyncProcessor auditGrantRefused(AuditPublisher publisher) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                CompletableFuture<Boolean> sent;
                try {
                    sent = refused(publisher, exchange);
                } catch (RuntimeException e) {
                    LOG.warn("audit event not published: {}", e.getClass().getName());
                    sent = CompletableFuture.completedFuture(false);
                }
                return continueWhen(sent, exchange, callback, ok -> { });
            }
        };
    }

    private static CompletableFuture<Boolean> refused(AuditPublisher publisher, Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ClientApp client = exchange.getProperty(TokenEndpointProcessors.CLIENT, ClientApp.class);
        AuditEvent.Builder event;
        if (failure instanceof RefreshReuseException reuse) {
            event = AuditEvent.builder(AuditEventType.REFRESH_REUSE)
                    .organization(reuse.organization())
                    .username(reuse.username());
        } else {
            event = AuditEvent.builder(AuditEventType.GRANT_REFUSED)
                    .organization(client == null ? null : client.organization())
                    .username(loginName(exchange, client));
        }
        AuditEvent refused = event
                .clientId(clientId(exchange))
                .detail(AuditDetail.GRANT_TYPE, grantType(exchange))
                .detail(AuditDetail.REASON, reason(failure))
                .detail(AuditDetail.STATUS, status(failure))
                .build();
        if (failure instanceof UnrecordedEventException) {
            publisher.securityLater(refused); // the broker just failed to take one: do not wait again
            return CompletableFuture.completedFuture(true);
        }
        return publisher.securityAsync(refused);
    }

    /**
     * The user part of a password grant's login name, normalized as the token flow read it, when
     * it is an acceptable name of the client's organization; else null (the name was not one).
     */
    static String loginName(Exchange exchange, ClientApp client) {
        if (client == null || !"password".equals(grantType(exchange))) {
            return null;
        }
        TokenForm form = exchange.getProperty(TokenForm.PROPERTY, TokenForm.class);
        LoginName login = PasswordGrant.loginName(client, form);
        return login.valid() && login.organization().equals(client.organization()) ? login.username() : null;
    }

    /** Continues the exchange once {@code done} completes: at once if it has, else on the completing thread. */
    private static boolean continueWhen(CompletableFuture<Boolean> done, Exchange exchange, AsyncCallback callback,
            Consumer<Boolean> then) {
        // 0: waiting; 1: this method returned first; 2: done before it returned
        AtomicInteger state = new AtomicInteger();
        done.whenComplete((ok, failure) -> {
            then.accept(failure == null && Boolean.TRUE.equals(ok));
            if (!state.compareAndSet(0, 2)) {
                callback.done(false);
            }
        });
        if (state.compareAndSet(0, 1)) {
            return false;
        }
        callback.done(true);
        return true;
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
}
