package dev.caravan.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway ({@code dev.caravan.CaravanApplication}) in a child JVM on the test class path
 * (less the test classes and their {@code application.properties}: the gateway as shipped), on
 * its own data directory, with its traffic, management and broker ports chosen here (free when
 * chosen, and kept across {@link #restart()}, so clients know them). Its output goes to
 * {@code gateway.log} in the data directory, appended over restarts. The data directory is its
 * working directory, so the default database ({@code ./data/caravan}, H2 file, as shipped) is
 * there unless {@code --spring.datasource.url} says otherwise.
 *
 * <p>{@link #kill9()} ends it with SIGKILL: {@link Process#destroyForcibly()} sends SIGKILL on
 * Linux, and the exit status 137 (128 + 9) is checked, so nothing of the gateway's own shutdown
 * runs. {@link #stop()} sends SIGTERM and waits for the orderly shutdown.
 */
public final class GatewayProcess implements AutoCloseable {
    /** The admin password the child is started with (user {@code admin}). */
    public static final String ADMIN_PASSWORD = "Gateway-Process-Admin-1";

    private final Path dir;
    private final String heap;
    private final List<String> extra;
    private final int trafficPort;
    private final int adminPort;
    private final int brokerPort;
    private final Path log;
    private Process process;
    private final Thread reaper = new Thread(this::destroyQuietly, "gateway-process-reaper");

    private GatewayProcess(Path dir, String heap, List<String> extra) {
        this.dir = dir;
        this.heap = heap;
        this.extra = List.copyOf(extra);
        this.trafficPort = freePort();
        this.adminPort = freePort();
        this.brokerPort = freePort();
        this.log = dir.resolve("gateway.log");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts a gateway on {@code dir} (H2 file database, broker journal, secret key, empty route
     * and mediator folders, all under it) with heap {@code heap} (e.g. "256m") and {@code extra}
     * arguments after the defaults (a later {@code --name=value} wins). Does not wait: see
     * {@link #awaitReady(Duration)}.
     */
    public static GatewayProcess start(Path dir, String heap, String... extra) {
        GatewayProcess gateway = new GatewayProcess(dir, heap, List.of(extra));
        gateway.launch();
        return gateway;
    }

    /** Starts it and waits until its readiness answers UP (fails with the log's tail after {@code timeout}). */
    public static GatewayProcess startReady(Path dir, String heap, Duration timeout, String... extra) {
        GatewayProcess gateway = start(dir, heap, extra);
        try {
            gateway.awaitReady(timeout);
        } catch (RuntimeException | Error e) {
            gateway.destroyQuietly();
            throw e;
        }
        return gateway;
    }

    private void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xms" + heap,
                "-cp", shippedClassPath(),
                "dev.caravan.CaravanApplication",
                "--server.address=127.0.0.1",
                "--server.port=" + adminPort,
                "--caravan.traffic.host=127.0.0.1",
                "--caravan.traffic.port=" + trafficPort,
                "--caravan.broker.tcp.port=" + brokerPort,
                "--caravan.admin.password=" + ADMIN_PASSWORD,
                "--caravan.broker.data-dir=" + dir.resolve("data").resolve("artemis"),
                "--caravan.secrets.key-file=" + dir.resolve("secret.key"),
                "--caravan.secrets.generate-key-file=true",
                "--caravan.mediation.routes-dir=" + dir.resolve("no-routes"),
                "--caravan.mediation.mediators-dir=" + dir.resolve("no-mediators")));
        command.addAll(extra);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code /actuator/health/readiness} on the management port answers 200; fails,
     * with the log's tail, when the process ends first or after {@code timeout}.
     */
    public GatewayProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway ended with status " + process.exitValue()
                        + " before it was ready; log tail:\n" + logTail());
            }
            if (readinessStatus() == 200) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway is not ready after " + timeout + "; log tail:\n" + logTail());
            }
            pause(100);
        }
    }

    /** The HTTP status of the readiness probe, or -1 when nothing answers. */
    public int readinessStatus() {
        try {
            HttpResponse<Void> response = PROBE.send(HttpRequest.newBuilder(
                            URI.create(adminUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL, and waits until the process is gone; its exit status must be 137 (killed by signal 9). */
    public int kill9() {
        process.destroyForcibly();
        int status = waitForEnd(Duration.ofSeconds(30));
        if (status != 137) {
            throw new AssertionError("expected exit status 137 (SIGKILL), got " + status);
        }
        return status;
    }

    /** SIGTERM (an orderly shutdown), waiting up to a minute; then SIGKILL if it is still there. Returns the exit status. */
    public int stop() {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return waitForEnd(Duration.ofSeconds(30));
    }

    /** Starts the gateway again with the same data directory, ports and arguments (the previous run must have ended). */
    public GatewayProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("the gateway is still running");
        }
        launch();
        return this;
    }

    /** Waits until the process ends by itself, returning its exit status; fails after {@code timeout}. */
    public int waitForEnd(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the gateway still runs after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public int trafficPort() {
        return trafficPort;
    }

    public int adminPort() {
        return adminPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public String trafficUrl() {
        return "http://127.0.0.1:" + trafficPort;
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public Path dir() {
        return dir;
    }

    /** The {@code Authorization} header of the admin user. */
    public String adminAuthorization() {
        return Http.basic("admin", ADMIN_PASSWORD);
    }

    /** All the gateway's output so far (every start). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 60 lines of {@link #log()}. */
    public String logTail() {
        String[] lines = log().split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    /** Ends the process (SIGKILL) if it still runs. */
    @Override
    public void close() {
        destroyQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void destroyQuietly() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroyForcibly();
            try {
                running.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The test class path without the test classes: the child runs the gateway as shipped, not
     * with the test-wide overrides of {@code src/test/resources} (a journal-less broker, a fixed
     * secrets key, loopback backends allowed).
     */
    static String shippedClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !Path.of(entry).normalize().endsWith(Path.of("target", "test-classes")))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** A port free on the loopback address when asked. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
}
