package dev.caravan.audit;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Where every audit event starts. {@link #security} is for the token path and the admin API: the
 * event goes to the durable queue {@code caravan.audit.security} and the caller waits (bounded)
 * for the broker to accept it. {@link #apiCall} is for the gateway's hot path: it only puts the
 * call's record in a bounded in-memory queue (its event is built later, off the event loop) and
 * never waits. Both never throw.
 */
@Component
public class AuditPublisher implements SmartLifecycle {
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final AuditProperties properties;
    private final SecurityEventSender security;
    private final ApiCallBatcher apiCalls;
    private volatile boolean running;

    /**
     * Takes Camel's shared {@link ProducerTemplate}, not the CamelContext: Spring starts the
     * Lifecycle beans a Lifecycle bean depends on first, and starting the CamelContext that early
     * would start it before its routes are loaded.
     */
    public AuditPublisher(AuditProperties properties, ProducerTemplate producer, MeterRegistry meters) {
        this.properties = properties;
        this.security = new SecurityEventSender(producer, properties.securityWait(),
                properties.securityBufferCapacity(), meters);
        AuditProperties.ApiCalls api = properties.apiCalls();
        this.apiCalls = new ApiCallBatcher(producer, ApiCallBatcher.ROUTE, api.queueCapacity(), api.batchSize(),
                api.flushInterval(), meters, api.aggregate());
    }

    /**
     * Publishes a security event: persistent, de-duplicated by id. Returns whether the broker
     * acknowledged it within {@code caravan.audit.security-wait}; when not, it is still retried.
     */
    public boolean security(AuditEvent event) {
        if (!properties.enabled()) {
            return false;
        }
        if (!event.type().isSecurityEvent()) {
            throw new IllegalArgumentException("API-call events go through apiCall()");
        }
        return security.send(event);
    }

    /** As {@link #security}, without holding the caller's thread (false at once when auditing is off). */
    public CompletableFuture<Boolean> securityAsync(AuditEvent event) {
        if (!properties.enabled()) {
            return CompletableFuture.completedFuture(false);
        }
        if (!event.type().isSecurityEvent()) {
            throw new IllegalArgumentException("API-call events go through apiCall()");
        }
        return security.sendAsync(event);
    }

    /** As {@link #securityRecorded}, without holding the caller's thread. */
    public CompletableFuture<Boolean> securityRecordedAsync(AuditEvent event) {
        return properties.enabled() ? security.sendAsync(event) : CompletableFuture.completedFuture(true);
    }

    /**
     * For an event that must be on record before its effect is answered (a token handed out, a
     * revocation): true when the broker acknowledged it within the wait, or when auditing is off.
     */
    public boolean securityRecorded(AuditEvent event) {
        return !properties.enabled() || security(event);
    }

    /** Queues a security event without waiting for the broker (it is sent, and retried, all the same). */
    public void securityLater(AuditEvent event) {
        if (properties.enabled() && event.type().isSecurityEvent()) {
            security.enqueue(event);
        }
    }

    /** Queues an API call's record without waiting; false when auditing is off or the queue is full (counted). */
    public boolean apiCall(ApiCall call) {
        if (!properties.enabled() || !properties.apiCalls().enabled()) {
            return false;
        }
        return apiCalls.offer(call);
    }

    /** Whether API calls are audited at all, so the gateway can skip taking their records. */
    public boolean auditsApiCalls() {
        return properties.enabled() && properties.apiCalls().enabled();
    }

    @Override
    public void start() {
        apiCalls.start();
        running = true;
    }

    /**
     * Flushes the buffers while Camel and the broker are still up (this stops before them), and
     * after both ports have drained (the traffic port's drain and Spring's graceful shutdown of
     * the management port run in an earlier phase), so a call answered during shutdown does not
     * find the publisher closed.
     */
    @Override
    public void stop() {
        running = false;
        apiCalls.close(CLOSE_GRACE);
        security.close(CLOSE_GRACE);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // between the ports' drain (WebServerGracefulShutdownLifecycle's phase) and the web
        // server's stop, which Camel's context (one phase lower still) follows
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;
    }
}
