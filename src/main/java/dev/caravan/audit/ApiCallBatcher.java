package dev.caravan.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
    private final ConcurrentLinkedQueue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final int batchSize;
    private final long flushNanos;
    private final Counter dropped;
    private final Thread drainer;
    private volatile boolean running = true;
    private final boolean aggregate;

    /** Sends batches to {@code endpoint} ({@link #ROUTE} in the gateway). */
    ApiCallBatcher(ProducerTemplate producer, String endpoint, int capacity, int batchSize, Duration flushInterval,
                   MeterRegistry meters) {
        this(producer, endpoint, capacity, batchSize, flushInterval, meters, false);
    }

    /** With {@code aggregate}, each flush sends one event per distinct call shape (see {@link #aggregate}). */
    ApiCallBatcher(ProducerTemplate producer, String endpoint, int capacity, int batchSize, Duration flushInterval,
                   MeterRegistry meters, boolean aggregate) {
        this.aggregate = aggregate;
        this.producer = producer;
        this.endpoint = endpoint;
        this.capacity = capacity;
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

    /**
     * Hands the event over without waiting and without waking the sender: the event loop only
     * appends to a lock-free queue (a blocking queue would signal the sleeping sender on every
     * call, a futex system call and a context switch per API call). False (and counted) when full.
     */
    boolean offer(AuditEvent event) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.offer(event);
        return true;
    }

    /** The sender looks at the queue on its own schedule: every flush interval, at most 100 ms apart. */
    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(batchSize);
        long deadline = 0;
        long tick = Math.min(flushNanos, TimeUnit.MILLISECONDS.toNanos(100));
        while (true) {
            boolean stopping = !running;
            AuditEvent event;
            while ((event = queue.poll()) != null) {
                queued.decrementAndGet();
                if (batch.isEmpty()) {
                    deadline = System.nanoTime() + flushNanos;
                }
                batch.add(event);
                if (batch.size() < batchSize) {
                    continue;
                }
                // aggregating, a full batch is folded and kept until the flush interval ends
                if (aggregate && !stopping && System.nanoTime() < deadline) {
                    batch = aggregate(batch);
                    if (batch.size() < batchSize / 2) {
                        continue;
                    }
                }
                send(aggregate ? aggregate(batch) : batch);
                batch = new ArrayList<>(batchSize);
            }
            if (!batch.isEmpty() && (stopping || System.nanoTime() - deadline >= 0)) {
                send(aggregate ? aggregate(batch) : batch);
                batch = new ArrayList<>(batchSize);
            }
            if (stopping) {
                return;
            }
            LockSupport.parkNanos(this, tick);
        }
    }

    /**
     * Folds events of the same organization, application, user, API, version, method and status
     * into one, stamped with the first one's time, carrying {@code count} and the mean
     * {@code latency_ms}. Events already folded count with their own {@code count}.
     */
    static List<AuditEvent> aggregate(List<AuditEvent> events) {
        Map<List<String>, long[]> totals = new LinkedHashMap<>();
        Map<List<String>, AuditEvent> firsts = new LinkedHashMap<>();
        for (AuditEvent e : events) {
            List<String> key = Arrays.asList(e.organization(), e.clientId(), e.username(),
                    e.detail(AuditDetail.API_CONTEXT), e.detail(AuditDetail.API_VERSION),
                    e.detail(AuditDetail.METHOD), e.detail(AuditDetail.STATUS));
            long count = number(e.detail(AuditDetail.COUNT), 1);
            long latency = number(e.detail(AuditDetail.LATENCY_MS), 0);
            long[] total = totals.computeIfAbsent(key, k -> new long[2]);
            total[0] += count;
            total[1] += latency * count;
            firsts.putIfAbsent(key, e);
        }
        List<AuditEvent> folded = new ArrayList<>(totals.size());
        totals.forEach((key, total) -> {
            AuditEvent first = firsts.get(key);
            AuditEvent.Builder b = AuditEvent.builder(AuditEventType.API_CALL).time(first.time())
                    .organization(first.organization()).clientId(first.clientId()).username(first.username());
            for (AuditDetail d : new AuditDetail[] {AuditDetail.API_CONTEXT, AuditDetail.API_VERSION,
                    AuditDetail.METHOD, AuditDetail.STATUS}) {
                if (first.detail(d) != null) {
                    b.detail(d, first.detail(d));
                }
            }
            folded.add(b.detail(AuditDetail.COUNT, total[0]).detail(AuditDetail.LATENCY_MS, total[1] / total[0]).build());
        });
        return folded;
    }

    private static long number(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
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
        LockSupport.unpark(drainer);
        try {
            drainer.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
