package dev.caravan.http;

import dev.caravan.config.CaravanProperties;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one client, one connection and one request may hold on the traffic port, so that overload
 * is refused early instead of filling the heap or the file descriptor table:
 *
 * @param bodyMemoryThreshold a request body up to this size stays in memory; a larger one is
 *                            written to a temporary file as it arrives
 * @param bodyMemoryBudget    request body bytes all requests together may hold in memory; while it
 *                            is used up, a new body is answered {@code 503} without being read
 * @param spillDirectory      where larger bodies are written (deleted when their call ends)
 * @param maxConnectionsPerClient open connections one client address may have; more are closed
 *                            as they are accepted
 * @param maxConnections      open connections on the port in all
 * @param headerReadTimeout   a request head must be complete this long after its first byte
 * @param bodyReadTimeout     a request body must be complete this long after its head
 * @param maxBlockingInFlight calls of blocking routes (worker threads) running or queued at once;
 *                            more are answered {@code 503} at once
 */
public record TrafficLimits(long bodyMemoryThreshold, long bodyMemoryBudget, Path spillDirectory,
                            int maxConnectionsPerClient, int maxConnections, Duration headerReadTimeout,
                            Duration bodyReadTimeout, int maxBlockingInFlight) {

    public static final long DEFAULT_BODY_MEMORY_THRESHOLD = 64 * 1024;

    public TrafficLimits {
        positive(headerReadTimeout, "caravan.traffic.header-read-timeout");
        positive(bodyReadTimeout, "caravan.traffic.body-read-timeout");
        if (bodyMemoryThreshold < 0 || bodyMemoryBudget <= 0) {
            throw new IllegalArgumentException(
                    "caravan.traffic.body-memory-threshold must be 0 or more and caravan.traffic.body-memory-budget more than 0");
        }
        if (maxConnectionsPerClient < 1 || maxConnections < 1 || maxBlockingInFlight < 1) {
            throw new IllegalArgumentException("caravan.traffic.max-connections-per-client, .max-connections and"
                    + " .max-blocking-in-flight must be at least 1");
        }
    }

    private static void positive(Duration timeout, String key) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, not " + timeout);
        }
    }

    /** The defaults: see the README's settings table. */
    /** The limits the {@code caravan.traffic.*} settings give ({@code body-memory-budget} 0: an eighth of the heap). */
    public static TrafficLimits of(CaravanProperties.Traffic traffic) {
        return new TrafficLimits(traffic.bodyMemoryThreshold(),
                traffic.bodyMemoryBudget() > 0 ? traffic.bodyMemoryBudget() : defaultBodyMemoryBudget(),
                Path.of(traffic.bodySpillDirectory().isBlank() ? System.getProperty("java.io.tmpdir")
                        : traffic.bodySpillDirectory()),
                traffic.maxConnectionsPerClient(), traffic.maxConnections(), traffic.headerReadTimeout(),
                traffic.bodyReadTimeout(), traffic.maxBlockingInFlight());
    }

    public static TrafficLimits defaults() {
        return new TrafficLimits(DEFAULT_BODY_MEMORY_THRESHOLD, defaultBodyMemoryBudget(),
                Path.of(System.getProperty("java.io.tmpdir")), 256, 20_000, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 256);
    }

    /** An eighth of the largest heap the JVM may use. */
    public static long defaultBodyMemoryBudget() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    public TrafficLimits withBodyMemory(long threshold, long budget) {
        return new TrafficLimits(threshold, budget, spillDirectory, maxConnectionsPerClient, maxConnections,
                headerReadTimeout, bodyReadTimeout, maxBlockingInFlight);
    }

    public TrafficLimits withConnections(int perClient, int total) {
        return new TrafficLimits(bodyMemoryThreshold, bodyMemoryBudget, spillDirectory, perClient, total,
                headerReadTimeout, bodyReadTimeout, maxBlockingInFlight);
    }

    public TrafficLimits withReadTimeouts(Duration head, Duration body) {
        return new TrafficLimits(bodyMemoryThreshold, bodyMemoryBudget, spillDirectory, maxConnectionsPerClient,
                maxConnections, head, body, maxBlockingInFlight);
    }

    public TrafficLimits withMaxBlockingInFlight(int max) {
        return new TrafficLimits(bodyMemoryThreshold, bodyMemoryBudget, spillDirectory, maxConnectionsPerClient,
                maxConnections, headerReadTimeout, bodyReadTimeout, max);
    }

    public TrafficLimits withSpillDirectory(Path directory) {
        return new TrafficLimits(bodyMemoryThreshold, bodyMemoryBudget, directory, maxConnectionsPerClient,
                maxConnections, headerReadTimeout, bodyReadTimeout, maxBlockingInFlight);
    }
}
