package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway that cannot start ends its process with a non-zero status, instead of leaving a JVM
 * that holds the broker's threads, ports and journal lock while serving nothing. The case: the
 * embedded broker's acceptor for agents cannot bind (its port is taken). Artemis logs that and
 * runs on without it, so before, the gateway started with no way in for agents; and a start
 * that failed after the broker started left the broker's threads running.
 */
class StartFailureTest {

    @Test
    void aBrokerThatCannotOpenItsPortEndsTheProcessWithStatusOne(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process gateway = start(dir, "--server.port=0", "--caravan.broker.tcp.enabled=true",
                    "--caravan.broker.tcp.port=" + taken.getLocalPort());
            try {
                boolean exited = gateway.waitFor(180, TimeUnit.SECONDS);

                assertThat(exited).as("the process ended by itself").isTrue();
                assertThat(gateway.exitValue()).isEqualTo(1);
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    /** The gateway's main class in its own JVM, on its own files, with {@code extra} arguments. */
    static Process start(Path dir, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.caravan.CaravanApplication",
                "--caravan.traffic.port=0",
                "--caravan.traffic.host=127.0.0.1",
                "--caravan.admin.password=start-failure-Admin-1",
                "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE",
                "--caravan.broker.data-dir=" + dir.resolve("artemis"),
                "--caravan.secrets.key-file=" + dir.resolve("secret.key"),
                "--caravan.mediation.routes-dir=" + dir.resolve("no-routes"),
                "--caravan.mediation.mediators-dir=" + dir.resolve("no-mediators")));
        command.addAll(List.of(extra));
        File log = dir.resolve("out.log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
