package dev.caravan.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP server on 127.0.0.1 that answers nothing and records, for each connection it
 * accepts, how many bytes arrived before its peer closed it: proof that a client connected and
 * sent nothing (an HTTP backend could only say it received no complete request).
 */
public final class ByteCountingServer implements AutoCloseable {
    /** What {@link #nextConnection} answers for a connection its peer did not close within 10 s. */
    public static final int NOT_CLOSED = -1;

    private final ServerSocket socket;
    private final BlockingQueue<Integer> bytesPerConnection = new LinkedBlockingQueue<>();

    public ByteCountingServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread accept = new Thread(this::serve, "byte-counting-server");
        accept.setDaemon(true);
        accept.start();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept(); InputStream in = connection.getInputStream()) {
                connection.setSoTimeout(10_000);
                int count = 0;
                try {
                    while (in.read() >= 0) {
                        count++;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    count = NOT_CLOSED;
                }
                bytesPerConnection.add(count);
            } catch (IOException e) {
                // closed
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * The bytes the next connection delivered before its peer closed it, waiting for the
     * connection at most {@code wait}; null when none came.
     */
    public Integer nextConnection(Duration wait) {
        try {
            return bytesPerConnection.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
