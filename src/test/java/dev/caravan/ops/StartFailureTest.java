package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.GatewayProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
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
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                GatewayProcess gateway = GatewayProcess.start(dir, "256m", "--caravan.broker.tcp.enabled=true",
                        "--caravan.broker.tcp.port=" + taken.getLocalPort())) {
            int status = gateway.waitForEnd(Duration.ofSeconds(180));

            assertThat(status).as("exit status; log:\n%s", gateway.logTail()).isEqualTo(1);
        }
    }

    @Test
    void aGatewayKilledWithSignalNineStartsAgainOnTheSameData(@TempDir Path dir) {
        try (GatewayProcess gateway = GatewayProcess.startReady(dir, "256m", Duration.ofSeconds(180))) {
            assertThat(gateway.kill9()).isEqualTo(137);

            gateway.restart().awaitReady(Duration.ofSeconds(180));

            assertThat(gateway.readinessStatus()).isEqualTo(200);
            assertThat(gateway.stop()).as("an orderly stop after SIGTERM").isIn(0, 143);
        }
    }
}
