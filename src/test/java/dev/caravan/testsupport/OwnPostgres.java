package dev.caravan.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own (initdb into a temporary folder, its own port, trust
 * authentication, user {@code postgres}), to be stopped and started at will. Uses the
 * installation under {@code /usr/lib/postgresql/<version>/bin} (or {@code CARAVAN_TEST_PG_BIN}).
 * PostgreSQL refuses to run as root: run as root, the server runs as the {@code postgres} user
 * ({@code runuser}), which owns the folder.
 */
public final class OwnPostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean root;

    private OwnPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.root = "root".equals(System.getProperty("user.name"));
    }

    /** Makes a new cluster in a fresh temporary folder and starts it. */
    public static OwnPostgres start() {
        try {
            Path dir = Files.createTempDirectory("caravan-pg-");
            OwnPostgres pg = new OwnPostgres(binDir(), dir, GatewayProcess.freePort());
            if (pg.root) {
                pg.exec(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
                pg.exec(List.of("chmod", "755", dir.toString()), false);
            }
            pg.exec(List.of(pg.bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-A", "trust",
                    "-U", "postgres", "--no-sync", "-E", "UTF8"), true);
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path binDir() throws IOException {
        String configured = System.getenv("CARAVAN_TEST_PG_BIN");
        if (configured != null) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql"));
        }
    }

    /** Starts the server and waits until it accepts connections (pg_ctl -w). */
    public void startServer() {
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"), true);
    }

    /** Stops the server (fast: open connections are ended) and waits until it is gone. */
    public void stopServer() {
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                true);
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            exec(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
        } catch (IllegalStateException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    private void exec(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
