package dev.caravan.token;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * A route step that moves the rest of the exchange onto a bounded pool of threads, for the token
 * flow's work that blocks or burns CPU (database, Argon2id, signing); the steps before it (on the
 * event loop, or on the thread that delivered a verification reply) never do such work. A thread
 * already of this pool goes on without a hand-off. When every thread is busy and the queue is
 * full the exchange fails at once with 503 {@code temporarily_unavailable}: nothing waits for room.
 */
public final class BoundedPool extends AsyncProcessorSupport implements AutoCloseable {
    private static final ThreadLocal<BoundedPool> CURRENT = new ThreadLocal<>();

    private final String name;
    private final ThreadPoolExecutor executor;

    public BoundedPool(String name, int threads, int queue) {
        this.name = name;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(() -> {
                CURRENT.set(this);
                task.run();
            }, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), factory, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
    }

    public String name() {
        return name;
    }

    /** Whether the calling thread is one of this pool's. */
    public boolean isCurrent() {
        return CURRENT.get() == this;
    }

    public int threads() {
        return executor.getMaximumPoolSize();
    }

    public int queueCapacity() {
        return executor.getQueue().size() + executor.getQueue().remainingCapacity();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (isCurrent()) {
            callback.done(true);
            return true;
        }
        try {
            executor.execute(() -> callback.done(false));
            return false;
        } catch (RejectedExecutionException e) {
            exchange.setException(OAuthException.temporarilyUnavailable("the server is busy; try again later"));
            callback.done(true);
            return true;
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    @Override
    public String toString() {
        return "BoundedPool[" + name + "]";
    }
}
