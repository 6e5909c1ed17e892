package dev.caravan.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Reads one request body without blocking, on the request's event loop, and reports it once.
 * Up to {@link TrafficLimits#bodyMemoryThreshold()} bytes are kept in memory, counted against the
 * server's body memory budget ({@link TrafficServer#reserveBodyMemory}); a larger body (or one
 * that finds the budget used up mid-way) is written to a temporary file as it arrives, through a
 * Vert.x {@link AsyncFile}, the request paused while the file lags behind. A body beyond the
 * endpoint's limit is reported {@link ReceivedBody#TOO_LARGE} as soon as it passes the limit and
 * the rest is dropped. {@link #release} (called when the call ends, however it ends) gives the
 * memory back and deletes the file.
 */
final class BodyReception {
    /** Where a reception reports its body (or why there is none). */
    interface Done {
        void received(BodyReception source, ReceivedBody body, Throwable failure);
    }

    private final HttpServerRequest request;
    private final TrafficServer server;
    private final long limit;
    private final Done done;
    private Buffer memory;
    private long reserved;
    private long size;
    private Path path;
    private AsyncFile file;
    private boolean opening;
    private boolean ended;
    private boolean reported;
    private boolean released;

    private BodyReception(HttpServerRequest request, TrafficServer server, long limit, Done done) {
        this.request = request;
        this.server = server;
        this.limit = limit;
        this.done = done;
    }

    /** Starts reading {@code request}'s body (the request may be paused: it is resumed). */
    static BodyReception start(HttpServerRequest request, TrafficServer server, long limit, Done done) {
        BodyReception reception = new BodyReception(request, server, limit, done);
        request.handler(reception::chunk);
        request.endHandler(v -> reception.end());
        request.exceptionHandler(reception::failed);
        request.resume();
        return reception;
    }

    private void chunk(Buffer chunk) {
        if (reported || released) {
            return;
        }
        size += chunk.length();
        if (size > limit) {
            dropFile();
            report(ReceivedBody.TOO_LARGE, null);
            return;
        }
        if (file != null) {
            file.write(chunk);
            if (file.writeQueueFull()) {
                request.pause();
                file.drainHandler(v -> request.resume());
            }
            return;
        }
        if (opening) {
            memory.appendBuffer(chunk); // cannot happen while paused; kept for safety
            return;
        }
        if (size <= server.limits().bodyMemoryThreshold() && server.reserveBodyMemory(chunk.length())) {
            reserved += chunk.length();
            if (memory == null) {
                memory = Buffer.buffer(Math.max(chunk.length(), 256));
            }
            memory.appendBuffer(chunk);
            return;
        }
        spill(chunk);
    }

    /** Moves the body to a temporary file: what is in memory first, then every later chunk. */
    private void spill(Buffer chunk) {
        request.pause();
        opening = true;
        if (memory == null) {
            memory = Buffer.buffer(chunk.length());
        }
        memory.appendBuffer(chunk);
        path = server.limits().spillDirectory().resolve("caravan-body-" + UUID.randomUUID() + ".tmp");
        FileSystem fs = server.vertx().fileSystem();
        fs.open(path.toString(), new OpenOptions().setCreateNew(true).setWrite(true).setRead(false))
                .onComplete(opened -> {
                    opening = false;
                    if (opened.failed()) {
                        path = null;
                        releaseMemory();
                        report(null, new RequestBodies.UnavailableException("the request body could not be stored"));
                        return;
                    }
                    file = opened.result();
                    if (released || reported) {
                        dropFile();
                        return;
                    }
                    file.exceptionHandler(this::failed);
                    file.write(memory);
                    memory = null;
                    releaseMemory();
                    if (ended) {
                        closeFile();
                    } else {
                        request.resume();
                    }
                });
    }

    private void end() {
        ended = true;
        if (reported || released || opening) {
            return;
        }
        if (file != null) {
            closeFile();
        } else if (memory == null) {
            report(ReceivedBody.EMPTY, null);
        } else {
            byte[] bytes = memory.getBytes();
            memory = null; // the bytes stay counted (reserved) until the call ends
            report(new ReceivedBody(bytes, false), null);
        }
    }

    private void closeFile() {
        AsyncFile closing = file;
        file = null;
        Path written = path;
        closing.close().onComplete(closed -> {
            if (closed.failed()) {
                report(null, new RequestBodies.UnavailableException("the request body could not be stored"));
            } else {
                report(ReceivedBody.inFile(written, size), null);
            }
        });
    }

    private void failed(Throwable failure) {
        // the client went away mid-body, or the file could not be written
        report(null, new RequestBodies.UnreadableException("the request body was not received"));
        release();
    }

    private void report(ReceivedBody body, Throwable failure) {
        if (reported || released) {
            return; // a call that ended (its client left) gets no body any more
        }
        reported = true;
        if (body == ReceivedBody.TOO_LARGE || failure != null) {
            memory = null;
            releaseMemory();
        }
        done.received(this, body, failure);
    }

    /** The call ended: memory given back, temporary file deleted. Idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        memory = null;
        releaseMemory();
        dropFile();
    }

    private void releaseMemory() {
        if (reserved > 0) {
            server.releaseBodyMemory(reserved);
            reserved = 0;
        }
    }

    private void dropFile() {
        if (file != null) {
            AsyncFile closing = file;
            file = null;
            closing.close().onComplete(v -> deleteFile());
        } else if (!opening) {
            deleteFile();
        }
    }

    private void deleteFile() {
        if (path != null) {
            Path deleting = path;
            path = null;
            server.vertx().fileSystem().delete(deleting.toString());
        }
    }
}
