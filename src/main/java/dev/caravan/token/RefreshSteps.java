package dev.caravan.token;

import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.external.RemoteUserStore;
import dev.caravan.userstore.StoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hops of the refresh_token grant in {@code routes/token-api.yaml} (see {@link RefreshTokenGrant}). */
@Configuration(proxyBeanMethods = false)
public class RefreshSteps {

    /** The presented token and the primary store's word on its user (database, on the work pool). */
    @Bean
    public Processor presentRefreshToken(RefreshTokenGrant grant) {
        return exchange -> exchange.setProperty(RefreshTokenGrant.Attempt.PROPERTY,
                grant.present(TokenEndpointProcessors.client(exchange), TokenEndpointProcessors.form(exchange)));
    }

    /** A user the primary store does not know, looked up in the secondary store over Artemis without holding a thread. */
    @Bean
    public AsyncProcessor lookUpRefreshUser(RefreshTokenGrant grant) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                RefreshTokenGrant.Attempt attempt = attempt(exchange);
                Optional<UserStore> store = grant.secondaryToAsk(attempt);
                if (store.isPresent() && store.get() instanceof RemoteUserStore remote) {
                    AtomicInteger state = new AtomicInteger();
                    remote.lookupAsync(attempt.username(), verdict -> {
                        try {
                            attempt.user = RemoteUserStore.lookupResult(verdict).orElse(null);
                        } catch (StoreUnavailableException e) {
                            attempt.unavailable = true;
                        }
                        attempt.resolved = true;
                        if (!state.compareAndSet(0, 2)) {
                            callback.done(false);
                        }
                    });
                    if (state.compareAndSet(0, 1)) {
                        return false;
                    }
                } else if (store.isPresent()) {
                    grant.askDirectly(attempt, store.get());
                }
                callback.done(true);
                return true;
            }
        };
    }

    /** Spends the token and issues its successor (database and signing, on the work pool). */
    @Bean
    public Processor rotateRefreshToken(RefreshTokenGrant grant) {
        return exchange -> TokenEndpointProcessors.answer(exchange,
                grant.finish(TokenEndpointProcessors.client(exchange), attempt(exchange)));
    }

    private static RefreshTokenGrant.Attempt attempt(Exchange exchange) {
        return exchange.getProperty(RefreshTokenGrant.Attempt.PROPERTY, RefreshTokenGrant.Attempt.class);
    }
}
