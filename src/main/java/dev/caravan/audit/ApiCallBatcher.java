package dev.caravan.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API-call events between the gateway's event loops and the broker: {@link #offer} never
 * blocks (a full queue drops the event and counts it in {@code caravan.audit.dropped{kind=api_call}}),
 * and one background thread sends them as batches, one JSON array per message, whenever
 * {@code batchSize} events are waiting or {@code flushInterval} has passed since the first.
 * Batches are non-persistent messages: an API-call record lost in a broker crash is acceptable,
 * slowing every API call down to a journal write is not.
 */
final class ApiCallBatcher {
    static final String ROUTE = "direct:audit-api-calls";
    private static final Logger LOG = LoggerFactory.getLogger(ApiCallBatcher.class);

    private final ProducerTemplate producer;
    private final String endpoint;
    private final ArrayBlockingQueue<AuditEvent> queue;
    private final int batchSize;
    private final long flushNanos;
    private final Counter dropped;
    private final Thread drainer;
    private volatile boolean running = true;

    /** Sends batches to {@code endpoint} ({@link #ROUTE} in the gateway). */
    ApiCallBatcher(ProducerTemplate producer, String endpoint, int capacity, int batchSize, Duration flushInterval,
                   MeterRegistry meters) {
        this.producer = producer;
        this.endpoint = endpoint;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.flushNanos = flushInterval.toNanos();
        this.dropped = Counter.builder("caravan.audit.dropped").tag("kind", "api_call")
                .description("audit events dropped because their buffer was full").register(meters);
        this.drainer = new Thread(this::drain, "caravan-audit-api-calls");
        this.drainer.setDaemon(true);
    }

    void start() {
        drainer.start();
    }

    /** Hands the event over without waiting; false (and counted) when the queue is full. */
    boolean offer(AuditEvent event) {
        if (queue.offer(event)) {
            return true;
        }
        dropped.increment();
        return false;
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(batchSize);
        long deadline = 0;
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                long waitNanos = batch.isEmpty() ? flushNanos : Math.max(0, deadline - System.nanoTime());
                AuditEvent first = running ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
                if (first != null) {
                    if (batch.isEmpty()) {
                        deadline = System.nanoTime() + flushNanos;
                    }
                    batch.add(first);
                    queue.drainTo(batch, batchSize - batch.size());
                }
                if (!batch.isEmpty() && (batch.size() >= batchSize || System.nanoTime() >= deadline || !running)) {
                    send(batch);
                    batch = new ArrayList<>(batchSize);
                }
            } catch (InterruptedException e) {
                running = false;
            }
        }
    }

    private void send(List<AuditEvent> batch) {
        try {
            producer.sendBody(endpoint, AuditJson.writeAll(batch));
        } catch (RuntimeException e) {
            dropped.increment(batch.size());
            LOG.warn("{} API-call audit events dropped: the broker did not take them ({})", batch.size(),
                    e.getClass().getName());
        }
    }

    /** Sends what is queued, then stops; waits at most {@code grace}. */
    void close(Duration grace) {
        running = false;
        drainer.interrupt();
        try {
            drainer.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
