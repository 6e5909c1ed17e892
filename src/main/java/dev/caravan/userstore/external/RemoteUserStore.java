package dev.caravan.userstore.external;

import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Verification;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's view of one organization's secondary userstore: every check is a request/reply
 * message over Artemis to the verification route serving that organization (in this process or
 * in an agent behind the organization's firewall).
 *
 * <p>Isolation: each organization has its own timeout, its own bound on checks waiting at once
 * (a bulkhead, so a hanging directory can hold at most that many token-endpoint workers) and its
 * own circuit breaker (so after a few timeouts its logins fail at once instead of waiting).
 */
public final class RemoteUserStore implements UserStore {
    private static final Logger log = LoggerFactory.getLogger(RemoteUserStore.class);
    public static final String ORGANIZATION_PROPERTY = "caravanUserstoreOrganization";
    static final String REQUEST_TIMEOUT_HEADER = "CamelJmsRequestTimeout";

    private final String organization;
    private final ProducerTemplate producer;
    private final String requestEndpoint;
    private final Duration timeout;
    private final Semaphore inFlight;
    private final CircuitBreaker breaker;

    public RemoteUserStore(String organization, ProducerTemplate producer, String requestEndpoint,
            Duration timeout, int maxInFlight, CircuitBreaker breaker) {
        this.organization = organization;
        this.producer = producer;
        this.requestEndpoint = requestEndpoint;
        this.timeout = timeout;
        this.inFlight = new Semaphore(maxInFlight);
        this.breaker = breaker;
    }

    @Override
    public String kind() {
        return "external";
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public Verification verify(String org, String username, char[] password) {
        if (UserStore.isBlank(password)) {
            // never sent: an empty LDAP bind is anonymous and would "succeed"
            return new Verification.Rejected();
        }
        return call(UserstoreMessages.verifyRequest(organization, username, password), username);
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        Verification verdict = call(UserstoreMessages.lookupRequest(organization, username), username);
        if (verdict instanceof Verification.Accepted accepted) {
            return Optional.of(accepted.user());
        }
        if (verdict instanceof Verification.Unavailable unavailable) {
            throw new StoreUnavailableException(unavailable.reason());
        }
        return Optional.empty();
    }

    private Verification call(String request, String username) {
        if (!breaker.tryAcquire()) {
            return new Verification.Unavailable("userstore circuit open");
        }
        if (!inFlight.tryAcquire()) {
            // not the store's fault: do not count it against the breaker, but release the trial slot
            breaker.onSuccess();
            return new Verification.Unavailable("too many userstore checks waiting");
        }
        try {
            Verification verdict = send(request, username);
            if (verdict instanceof Verification.Unavailable) {
                breaker.onFailure();
            } else {
                breaker.onSuccess();
            }
            return verdict;
        } finally {
            inFlight.release();
        }
    }

    private Verification send(String request, String username) {
        Exchange exchange = new DefaultExchange(producer.getCamelContext());
        exchange.setPattern(org.apache.camel.ExchangePattern.InOut);
        exchange.setProperty(ORGANIZATION_PROPERTY, organization);
        exchange.getIn().setHeader(REQUEST_TIMEOUT_HEADER, timeout.toMillis());
        exchange.getIn().setBody(request);
        Exchange done = producer.send(requestEndpoint, exchange);
        Exception failure = done.getException();
        if (failure != null) {
            if (failure instanceof ExchangeTimedOutException) {
                log.warn("userstore of organization '{}' did not answer within {} ms", organization, timeout.toMillis());
                return new Verification.Unavailable("userstore did not answer in time");
            }
            log.warn("userstore of organization '{}' could not be asked: {}", organization,
                    failure.getClass().getSimpleName());
            return new Verification.Unavailable("userstore could not be reached");
        }
        String reply = done.getMessage().getBody(String.class);
        return UserstoreMessages.parseReply(reply, organization, username);
    }
}
