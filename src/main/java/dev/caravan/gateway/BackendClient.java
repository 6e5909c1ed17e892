package dev.caravan.gateway;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClient;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A backend HTTP client with one Vert.x {@link HttpClient} (and so one connection pool) per event
 * loop. A call asks for {@link #current()} on the event loop that serves it and gets the pool
 * whose connections live on that same loop.
 *
 * <p>Why: Vert.x ties each pooled connection to the event loop that opened it, but one shared
 * pool hands any free connection to any caller. With more than one event loop, about half the
 * calls then ran on two threads: the backend's answer was read on the connection's loop and
 * handed to the caller's loop as a task, and the caller's acknowledgement of the bytes went back
 * the same way (in the API-call benchmark's profile with two event loops: waking the other loop
 * 1.2% of the CPU, task-queue offers 0.6%, the scheduler's part of it not counted). A pool per
 * loop keeps each call on one thread from its request to its answer, and the pool's search for
 * a free connection scans only that loop's connections.
 *
 * <p>The clients are built at start-up, one per event loop (a TLS client loads its key and trust
 * stores then, not on an event loop at its first call); an event loop takes the next one the
 * first time it asks. A caller that is not on an event loop (a worker thread, a test), or an
 * event loop asking after all are taken (another Vert.x instance's), uses one shared client.
 * {@code caravan.gateway.max-connections} bounds each pool, so each event loop.
 */
final class BackendClient {
    private final HttpClient[] loops;
    private final HttpClient shared;
    private final AtomicInteger taken = new AtomicInteger();
    private final FastThreadLocal<HttpClient> perLoop = new FastThreadLocal<>() {
        @Override
        protected HttpClient initialValue() {
            int next = taken.getAndIncrement();
            return next < loops.length ? loops[next] : shared;
        }
    };

    BackendClient(int eventLoops, Supplier<HttpClient> factory) {
        this.loops = new HttpClient[eventLoops];
        for (int i = 0; i < eventLoops; i++) {
            loops[i] = factory.get();
        }
        this.shared = factory.get();
    }

    /** The client of the calling event loop; off the event loops, the shared one. */
    HttpClient current() {
        return Context.isOnEventLoopThread() ? perLoop.get() : shared;
    }

    /** The client for callers off the event loops. */
    HttpClient shared() {
        return shared;
    }
}
