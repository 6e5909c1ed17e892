package dev.caravan.token;

import dev.caravan.http.InboundRequest;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.userstore.EndUserAuthenticator;
import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.LoginThrottle;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.external.RemoteUserStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hops of the password grant in {@code routes/token-api.yaml}: throttle (event loop), primary
 * check (database on the work pool, Argon2id on the password-hash pool), secondary verification
 * (a request over Artemis; its reply continues the login, no thread waits), the padding of a
 * refusal (a timer), then the answer (work pool).
 */
@Configuration(proxyBeanMethods = false)
public class PasswordGrantSteps {
    /** Whether the primary store has a user of the login name: the route then checks the password there. */
    static final String PRIMARY_USER_FOUND = "caravanPrimaryUserFound";

    /** Refuses a throttled login name or address before anything is checked; reads the request. */
    @Bean
    public Processor passwordLoginThrottle(PasswordGrant grant, @Qualifier("tokenLoginThrottle") LoginThrottle throttle) {
        return exchange -> {
            ClientApp client = TokenEndpointProcessors.client(exchange);
            TokenForm form = TokenEndpointProcessors.form(exchange);
            String address = InboundRequest.of(exchange).remoteAddress();
            LoginName login = PasswordGrant.loginName(client, form);
            if (throttle.blocked(login.throttleKey(), address)) {
                throw new ThrottledException(throttle.window().toSeconds());
            }
            exchange.setProperty(LoginAttempt.PROPERTY, grant.start(client, form, login, address));
        };
    }

    /** Whether the primary store has a user of this name (a database read, on the work pool). */
    @Bean
    public Processor findPrimaryUser(EndUserAuthenticator users) {
        return exchange -> {
            LoginAttempt attempt = attempt(exchange);
            if (attempt.verdict == null) {
                attempt.primaryUser = users.primary().find(attempt.login.organization(), attempt.login.username())
                        .orElse(null);
            }
            exchange.setProperty(PRIMARY_USER_FOUND, attempt.primaryUser != null);
        };
    }

    /** The primary user's password (Argon2id, on the password-hash pool). */
    @Bean
    public Processor checkPrimaryPassword(EndUserAuthenticator users) {
        return exchange -> {
            LoginAttempt attempt = attempt(exchange);
            if (attempt.verdict == null && attempt.primaryUser != null) {
                Verification verdict = users.primary().checkPassword(attempt.primaryUser,
                        attempt.login.organization(), attempt.password());
                attempt.paidHash = verdict instanceof Verification.Rejected;
                attempt.verdict = verdict;
            }
        };
    }

    /**
     * A user the primary store does not know, asked of the organization's secondary store: a
     * request over Artemis whose reply (or timeout) continues the exchange. The organization's
     * bulkhead and circuit breaker answer "unavailable" at once when full or open. Without a
     * secondary store the user is unknown.
     */
    @Bean
    public AsyncProcessor verifyInSecondaryStore(EndUserAuthenticator users) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                LoginAttempt attempt = attempt(exchange);
                if (attempt.verdict != null || attempt.primaryUser != null) {
                    callback.done(true);
                    return true;
                }
                String organization = attempt.login.organization();
                Optional<UserStore> store = users.secondary().forOrganization(organization);
                if (store.isEmpty()) {
                    attempt.verdict = new Verification.UnknownUser();
                } else if (store.get() instanceof RemoteUserStore remote) {
                    // 0: asking; 1: this method returned first; 2: the answer came before it returned
                    AtomicInteger state = new AtomicInteger();
                    remote.verifyAsync(attempt.login.username(), attempt.password(), verdict -> {
                        attempt.verdict = orUnavailable(verdict);
                        if (!state.compareAndSet(0, 2)) {
                            callback.done(false);
                        }
                    });
                    attempt.wipe();
                    if (state.compareAndSet(0, 1)) {
                        return false;
                    }
                } else {
                    attempt.verdict = orUnavailable(
                            store.get().verify(organization, attempt.login.username(), attempt.password()));
                }
                callback.done(true);
                return true;
            }
        };
    }

    private static Verification orUnavailable(Verification verdict) {
        return verdict == null ? new Verification.Unavailable("no answer") : verdict;
    }

    /** Holds a refusal back (a timer, no thread) until it took as long as an Argon2id check. */
    @Bean
    public AsyncProcessor padFailedLogin(FailedLoginPadding padding) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                LoginAttempt attempt = attempt(exchange);
                if (!attempt.needsPadding()) {
                    callback.done(true);
                    return true;
                }
                AtomicInteger state = new AtomicInteger();
                boolean ranHere = padding.pad(attempt.startedNanos, () -> {
                    if (!state.compareAndSet(0, 2)) {
                        callback.done(false);
                    }
                });
                if (!ranHere && state.compareAndSet(0, 1)) {
                    return false;
                }
                callback.done(true);
                return true;
            }
        };
    }

    /** Tokens for an accepted login, else the refusal; the failed-login counters follow the verdict. */
    @Bean
    public Processor issuePasswordGrant(PasswordGrant grant, @Qualifier("tokenLoginThrottle") LoginThrottle throttle) {
        return exchange -> {
            LoginAttempt attempt = attempt(exchange);
            ClientApp client = TokenEndpointProcessors.client(exchange);
            try {
                TokenEndpointProcessors.answer(exchange, grant.finish(client, attempt));
                throttle.succeeded(attempt.login.throttleKey());
            } catch (OAuthException e) {
                if ("invalid_grant".equals(e.error())) {
                    throttle.failed(attempt.login.throttleKey(), attempt.address);
                }
                throw e;
            }
        };
    }

    static LoginAttempt attempt(Exchange exchange) {
        return exchange.getProperty(LoginAttempt.PROPERTY, LoginAttempt.class);
    }
}
