package dev.caravan.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API calls between the gateway's event loops and the broker: {@link #offer} never blocks (a
 * full queue drops the call and counts it in {@code caravan.audit.dropped{kind=api_call}}), and
 * one background thread turns them into API_CALL events and sends those as batches, one JSON
 * array per message, whenever {@code batchSize} events are ready or {@code flushInterval} has
 * passed since the first call of the batch. Aggregating (the default), calls of the same shape
 * are folded into one event as they are taken from the queue, so a batch fills with distinct
 * shapes, not calls. Batches are non-persistent messages: an API-call record lost in a broker
 * crash is acceptable, slowing every API call down to a journal write is not.
 */
final class ApiCallBatcher {
    static final String ROUTE = "direct:audit-api-calls";
    private static final Logger LOG = LoggerFactory.getLogger(ApiCallBatcher.class);

    private final ProducerTemplate producer;
    private final String endpoint;
    private final ConcurrentLinkedQueue<ApiCall> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final int batchSize;
    private final long flushNanos;
    private final Counter dropped;
    private final Thread drainer;
    private volatile boolean running = true;
    private final boolean aggregate;

    /** Sends batches to {@code endpoint} ({@link #ROUTE} in the gateway), one event per call. */
    ApiCallBatcher(ProducerTemplate producer, String endpoint, int capacity, int batchSize, Duration flushInterval,
                   MeterRegistry meters) {
        this(producer, endpoint, capacity, batchSize, flushInterval, meters, false);
    }

    /** With {@code aggregate}, one event per distinct call shape and batch (see {@link Folding}). */
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
     * Hands the call over without waiting and without waking the sender: the event loop only
     * appends to a lock-free queue (a blocking queue would signal the sleeping sender on every
     * call, a futex system call and a context switch per API call). False (and counted) when full.
     */
    boolean offer(ApiCall call) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.offer(call);
        return true;
    }

    /** The sender looks at the queue on its own schedule: every flush interval, at most 100 ms apart. */
    private void drain() {
        Batch batch = aggregate ? new Folding() : new Listing();
        long deadline = 0;
        long tick = Math.min(flushNanos, TimeUnit.MILLISECONDS.toNanos(100));
        while (true) {
            boolean stopping = !running;
            ApiCall call;
            while ((call = queue.poll()) != null) {
                queued.decrementAndGet();
                if (batch.isEmpty()) {
                    deadline = System.nanoTime() + flushNanos;
                }
                batch.add(call);
                if (batch.events() >= batchSize) {
                    send(batch);
                }
            }
            if (!batch.isEmpty() && (stopping || System.nanoTime() - deadline >= 0)) {
                send(batch);
            }
            if (stopping) {
                return;
            }
            LockSupport.parkNanos(this, tick);
        }
    }

    /** The events of {@code calls} as the aggregating batcher sends them (for tests). */
    static List<AuditEvent> aggregate(List<ApiCall> calls) {
        Folding folding = new Folding();
        calls.forEach(folding::add);
        return folding.take(new long[1]);
    }

    /** Sends the batch's events and empties it; what cannot be sent is counted as dropped. */
    private void send(Batch batch) {
        long[] unusable = new long[1];
        long calls = batch.calls();
        List<AuditEvent> events = batch.take(unusable);
        if (unusable[0] > 0) {
            dropped.increment(unusable[0]);
            LOG.warn("{} API calls not audited: a value cannot be put in an audit event", unusable[0]);
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            producer.sendBody(endpoint, AuditJson.writeAll(events));
        } catch (RuntimeException e) {
            dropped.increment(calls - unusable[0]);
            LOG.warn("{} API calls not audited: the broker did not take their events ({})", calls - unusable[0],
                    e.getClass().getName());
        }
    }

    /** Calls taken from the queue and not sent yet; counted here, kept by the kind of batch. */
    private abstract static class Batch {
        private long calls;

        final void add(ApiCall call) {
            calls++;
            keep(call);
        }

        /** Calls the batch holds. */
        final long calls() {
            return calls;
        }

        final boolean isEmpty() {
            return calls == 0;
        }

        /** The batch's events, emptying it; calls whose event could not be built are added to {@code unusable[0]}. */
        final List<AuditEvent> take(long[] unusable) {
            calls = 0;
            return events(unusable);
        }

        abstract void keep(ApiCall call);

        /** Events the batch would send now. */
        abstract int events();

        /** The kept calls' events, forgetting the calls. */
        abstract List<AuditEvent> events(long[] unusable);
    }

    /** One event per call. */
    private static final class Listing extends Batch {
        private List<ApiCall> kept = new ArrayList<>();

        @Override
        void keep(ApiCall call) {
            kept.add(call);
        }

        @Override
        int events() {
            return kept.size();
        }

        @Override
        List<AuditEvent> events(long[] unusable) {
            List<AuditEvent> events = new ArrayList<>(kept.size());
            for (ApiCall call : kept) {
                try {
                    events.add(call.toEvent());
                } catch (IllegalArgumentException e) {
                    unusable[0]++;
                }
            }
            kept = new ArrayList<>();
            return events;
        }
    }

    /**
     * Calls of the same organization, application, user, API, version, method and status folded
     * into one event, stamped with the first one's time, carrying {@code count} and the mean
     * {@code latency_ms}.
     */
    private static final class Folding extends Batch {
        /** Per shape: time of the first call, calls, sum of latencies. */
        private Map<ApiCall.Shape, long[]> folded = new LinkedHashMap<>();

        @Override
        void keep(ApiCall call) {
            long[] total = folded.computeIfAbsent(call.shape(), k -> new long[] {call.epochMillis(), 0, 0});
            total[1]++;
            total[2] += call.latencyMs();
        }

        @Override
        int events() {
            return folded.size();
        }

        @Override
        List<AuditEvent> events(long[] unusable) {
            List<AuditEvent> events = new ArrayList<>(folded.size());
            folded.forEach((shape, total) -> {
                try {
                    events.add(shape.event(total[0], total[2] / total[1], total[1]));
                } catch (IllegalArgumentException e) {
                    unusable[0] += total[1];
                }
            });
            folded = new LinkedHashMap<>();
            return events;
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
