package dev.caravan.userstore.external;

import dev.caravan.userstore.StoreUnavailableException;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Verification;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's view of one organization's secondary userstore: every check is a request/reply
 * message over Artemis to the verification route serving that organization (in this process or
 * in an agent behind the organization's firewall).
 *
 * <p>Isolation: each organization has its own timeout, its own bound on checks in flight at once
 * (a bulkhead: a check over the bound is answered "unavailable" at once) and its own circuit
 * breaker (so after a few timeouts its logins fail at once instead of waiting). The token flow
 * asks through {@link #verifyAsync}: the request goes out through Camel's asynchronous routing
 * engine (a JMS InOut whose reply, or timeout, completes the call), so no thread waits for a
 * directory, and a hanging organization holds only its own bulkhead's permits.
 */
public final class RemoteUserStore implements UserStore {
    private static final Logger log = LoggerFactory.getLogger(RemoteUserStore.class);
    public static final String ORGANIZATION_PROPERTY = "caravanUserstoreOrganization";
    static final String REQUEST_TIMEOUT_HEADER = "CamelJmsRequestTimeout";

    private final String organization;
    private final RequestSender sender;
    private final Duration timeout;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final CircuitBreaker breaker;

    public RemoteUserStore(String organization, RequestSender sender, Duration timeout, int maxInFlight,
            CircuitBreaker breaker) {
        this.organization = organization;
        this.sender = sender;
        this.timeout = timeout;
        this.inFlight = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
        this.breaker = breaker;
    }

    @Override
    public String kind() {
        return "external";
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** How many checks of this organization are waiting for their store's answer now. */
    public int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    @Override
    public Verification verify(String org, String username, char[] password) {
        return await(done -> verifyAsync(username, password, done));
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        return lookupResult(await(done -> lookupAsync(username, done)));
    }

    /**
     * Checks a password without holding a thread while the store answers: {@code done} gets the
     * verdict on the thread that delivered the reply (or noticed the timeout), or at once on the
     * caller's when the circuit is open or the organization's bulkhead is full. Never throws.
     */
    public void verifyAsync(String username, char[] password, Consumer<Verification> done) {
        if (UserStore.isBlank(password)) {
            // never sent: an empty LDAP bind is anonymous and would "succeed"
            done.accept(new Verification.Rejected());
            return;
        }
        call(UserstoreMessages.verifyRequest(organization, username, password), username, done);
    }

    /** The user as the store describes them now, without a password and without holding a thread. */
    public void lookupAsync(String username, Consumer<Verification> done) {
        call(UserstoreMessages.lookupRequest(organization, username), username, done);
    }

    /** What {@link #lookupAsync} answered, as {@link #lookup} answers. */
    public static Optional<AuthenticatedUser> lookupResult(Verification verdict) {
        if (verdict instanceof Verification.Accepted accepted) {
            return Optional.of(accepted.user());
        }
        if (verdict instanceof Verification.Unavailable unavailable) {
            throw new StoreUnavailableException(unavailable.reason());
        }
        return Optional.empty();
    }

    private static Verification await(Consumer<Consumer<Verification>> call) {
        CompletableFuture<Verification> verdict = new CompletableFuture<>();
        call.accept(verdict::complete);
        try {
            return verdict.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verification.Unavailable("interrupted");
        } catch (ExecutionException e) {
            return new Verification.Unavailable("userstore could not be reached");
        }
    }

    private void call(String request, String username, Consumer<Verification> done) {
        if (!breaker.tryAcquire()) {
            done.accept(new Verification.Unavailable("userstore circuit open"));
            return;
        }
        if (!inFlight.tryAcquire()) {
            // not the store's fault: do not count it against the breaker, but release the trial slot
            breaker.onSuccess();
            done.accept(new Verification.Unavailable("too many userstore checks waiting"));
            return;
        }
        Exchange exchange = new DefaultExchange(sender.getCamelContext());
        exchange.setPattern(org.apache.camel.ExchangePattern.InOut);
        exchange.setProperty(ORGANIZATION_PROPERTY, organization);
        exchange.getIn().setHeader(REQUEST_TIMEOUT_HEADER, timeout.toMillis());
        exchange.getIn().setBody(request);
        AtomicBoolean finished = new AtomicBoolean();
        AsyncCallback replied = doneSync -> {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Verification verdict;
            try {
                verdict = verdict(exchange, username);
            } catch (RuntimeException e) {
                verdict = new Verification.Unavailable("userstore answer could not be read");
            } finally {
                inFlight.release();
            }
            if (verdict instanceof Verification.Unavailable) {
                breaker.onFailure();
            } else {
                breaker.onSuccess();
            }
            done.accept(verdict);
        };
        try {
            sender.producer().process(exchange, replied);
        } catch (RuntimeException e) {
            exchange.setException(e);
            replied.done(true);
        }
    }

    private Verification verdict(Exchange done, String username) {
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
