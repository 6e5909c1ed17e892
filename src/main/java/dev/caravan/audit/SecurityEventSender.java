package dev.caravan.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends security events to the broker through the {@code audit-security-send} route and lets each
 * caller wait a bounded time for the broker's acknowledgement of its event.
 *
 * <p>Why this shape: a persistent JMS send blocks until the broker has journaled the message,
 * and with a broker that is down or reconnecting it can block for long. The token path must
 * not hang on that, yet normally should not answer before its event is durable. So the caller
 * queues the event and waits up to {@code caravan.audit.security-wait}. One sender thread takes
 * everything queued (up to {@link #MAX_BATCH} events) and sends it as <em>one</em> persistent
 * message, a JSON array: one journal write then acknowledges many grants, where a message per
 * event capped the token endpoint at 250–900 grants/s in the bench. If the wait runs out the
 * caller goes on (counted as {@code caravan.audit.delayed}) while the sender keeps retrying the
 * same batch with backoff; a retry after a send that did reach the broker is harmless, because
 * the batch carries one id as Artemis' duplicate-detection id and the store ignores known event
 * ids. When the queue is full the event is dropped and counted as
 * {@code caravan.audit.dropped{kind=security}}.
 */
final class SecurityEventSender {
    static final String ROUTE = "direct:audit-security";
    /** Artemis' duplicate-detection property ({@code Message.HDR_DUPLICATE_DETECTION_ID}). */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final int MAX_BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEventSender.class);
    private static final long MAX_BACKOFF_MILLIS = 5000;

    private record Pending(AuditEvent event, CompletableFuture<Void> sent) {}

    private final ProducerTemplate producer;
    private final Duration wait;
    private final ArrayBlockingQueue<Pending> queue;
    private final Thread sender;
    private volatile boolean running = true;
    private final Counter dropped;
    private final Counter delayed;
    private final Counter sendFailures;

    SecurityEventSender(ProducerTemplate producer, Duration wait, int capacity, MeterRegistry meters) {
        this.producer = producer;
        this.wait = wait;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = Counter.builder("caravan.audit.dropped").tag("kind", "security")
                .description("audit events dropped because their buffer was full").register(meters);
        this.delayed = Counter.builder("caravan.audit.delayed").tag("kind", "security")
                .description("security events the caller stopped waiting for (still being retried)").register(meters);
        this.sendFailures = Counter.builder("caravan.audit.send.failures").tag("kind", "security")
                .description("failed attempts to send a security event to the broker").register(meters);
        this.sender = new Thread(this::run, "caravan-audit-security");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Whether the broker acknowledged the event within the wait. Never throws. */
    boolean send(AuditEvent event) {
        Pending pending = offer(event);
        if (pending == null) {
            return false;
        }
        try {
            pending.sent().get(wait.toMillis(), TimeUnit.MILLISECONDS);
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

    /**
     * As {@link #send}, without holding the caller's thread: the future completes with true when
     * the broker acknowledged the event, with false when it was dropped or the wait ran out
     * (on the sender's thread, or on the JDK's timer thread). Never completes exceptionally.
     */
    CompletableFuture<Boolean> sendAsync(AuditEvent event) {
        Pending pending = offer(event);
        if (pending == null) {
            return CompletableFuture.completedFuture(false);
        }
        return pending.sent().copy().orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).handle((ok, failure) -> {
            if (failure == null) {
                return true;
            }
            if (failure instanceof TimeoutException
                    || (failure.getCause() instanceof TimeoutException)) {
                delayed.increment();
            }
            return false;
        });
    }

    /** Queues the event for the sender without waiting; false when it was dropped (counted). */
    boolean enqueue(AuditEvent event) {
        return offer(event) != null;
    }

    private Pending offer(AuditEvent event) {
        Pending pending = new Pending(event, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            dropped.increment();
            LOG.warn("security audit event {} dropped: the send buffer is full or closed", event.type());
            return null;
        }
        return pending;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = running ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                deliver(batch);
            } catch (InterruptedException e) {
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    private void deliver(List<Pending> batch) {
        List<AuditEvent> events = new ArrayList<>(batch.size());
        batch.forEach(p -> events.add(p.event()));
        String json = AuditJson.writeAll(events);
        String batchId = UUID.randomUUID().toString();
        long backoff = 100;
        while (true) {
            try {
                producer.sendBodyAndHeader(ROUTE, json, DUPLICATE_ID, batchId);
                batch.forEach(p -> p.sent().complete(null));
                return;
            } catch (RuntimeException e) {
                sendFailures.increment();
                if (!running) {
                    dropped.increment(batch.size());
                    batch.forEach(p -> p.sent().completeExceptionally(e));
                    LOG.warn("{} security audit events not sent before shutdown: {}", batch.size(), e.getClass().getName());
                    return;
                }
                LOG.warn("{} security audit events not sent yet, retrying in {} ms: {}", batch.size(), backoff,
                        rootCause(e).getClass().getName());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    running = false;
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

    /** Sends what is queued (one attempt per batch once closing), for at most {@code grace}. */
    void close(Duration grace) {
        running = false;
        try {
            sender.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt();
        }
        // taken out of the queue, so a sender thread still finishing its batch cannot take (and
        // count, or even deliver) them too
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        int lost = left.size();
        if (lost > 0) {
            dropped.increment(lost);
            LOG.warn("{} security audit events not sent before shutdown", lost);
        }
    }
}
