package dev.caravan.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends security events to the broker through the {@code audit-security-send} route, on a few
 * sender threads fed by a bounded buffer, and lets the caller wait a bounded time for the
 * broker's acknowledgement.
 *
 * <p>Why this shape: a persistent JMS send blocks until the broker has journaled the message,
 * and with a broker that is down or reconnecting it can block for long. The token path must
 * not hang on that, yet normally should not answer before its event is durable. So the caller
 * hands the event to the sender thread and waits up to {@code caravan.audit.security-wait};
 * usually the in-VM send is acknowledged within a millisecond or two. If the wait runs out the
 * caller goes on (counted as {@code caravan.audit.delayed}) while the sender keeps retrying with
 * backoff; a retry after a send that did reach the broker is harmless, because every message
 * carries the event id as Artemis' duplicate-detection id and the store ignores a known id.
 * When the buffer is full the event is dropped and counted as
 * {@code caravan.audit.dropped{kind=security}}.
 */
final class SecurityEventSender {
    static final String ROUTE = "direct:audit-security";
    /** Artemis' duplicate-detection property ({@code Message.HDR_DUPLICATE_DETECTION_ID}). */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEventSender.class);
    private static final long MAX_BACKOFF_MILLIS = 5000;
    static final int SENDERS = 16;

    private final ProducerTemplate producer;
    private final Duration wait;
    private final ThreadPoolExecutor sender;
    private final Counter dropped;
    private final Counter delayed;
    private final Counter sendFailures;

    SecurityEventSender(ProducerTemplate producer, Duration wait, int capacity, MeterRegistry meters) {
        this.producer = producer;
        this.wait = wait;
        // several senders: a persistent send waits for the journal, and concurrent sends share one
        // journal write (one at a time capped the token endpoint at ~250 grants/s)
        this.sender = new ThreadPoolExecutor(SENDERS, SENDERS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                runnable -> {
                    Thread thread = new Thread(runnable, "caravan-audit-security");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.dropped = Counter.builder("caravan.audit.dropped").tag("kind", "security")
                .description("audit events dropped because their buffer was full").register(meters);
        this.delayed = Counter.builder("caravan.audit.delayed").tag("kind", "security")
                .description("security events the caller stopped waiting for (still being retried)").register(meters);
        this.sendFailures = Counter.builder("caravan.audit.send.failures").tag("kind", "security")
                .description("failed attempts to send a security event to the broker").register(meters);
    }

    /** Whether the broker acknowledged the event within the wait. Never throws. */
    boolean send(AuditEvent event) {
        String json = AuditJson.write(event);
        Future<?> sent;
        try {
            sent = sender.submit(() -> deliver(event.id(), json));
        } catch (RejectedExecutionException e) {
            dropped.increment();
            LOG.warn("security audit event {} dropped: the send buffer is full or closed", event.type());
            return false;
        }
        try {
            sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            delayed.increment();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private void deliver(String id, String json) {
        long backoff = 100;
        while (true) {
            try {
                producer.sendBodyAndHeader(ROUTE, json, DUPLICATE_ID, id);
                return;
            } catch (RuntimeException e) {
                sendFailures.increment();
                if (sender.isShutdown()) {
                    dropped.increment();
                    LOG.warn("security audit event {} not sent before shutdown: {}", id, e.getClass().getName());
                    return;
                }
                LOG.warn("security audit event {} not sent yet, retrying in {} ms: {}", id, backoff,
                        rootCause(e).getClass().getName());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    dropped.increment();
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Sends what is buffered (one attempt each once closing), for at most {@code grace}. */
    void close(Duration grace) {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                int lost = sender.shutdownNow().size();
                dropped.increment(lost);
                if (lost > 0) {
                    LOG.warn("{} security audit events not sent before shutdown", lost);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
    }
}
