package dev.caravan.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.GatewayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 under grant load on the default database (the embedded H2 file, as shipped): after a
 * restart on the same files, nothing a client was handed is unknown, no lost answer is taken for
 * a stolen refresh token, and every delivered grant is audited once ({@link GrantLoad}).
 */
@Tag("fault")
class KillDuringGrantsOnH2Test {

    @Test
    void aGatewayKilledUnderGrantLoadKnowsEveryDeliveredTokenAfterARestart() throws Exception {
        Path dir = GrantLoad.runDir("h2-kill");
        // -Dcaravan.fault.seed=N: the same kill moment and grant mix as the run that printed N
        long seed = Long.getLong("caravan.fault.seed", System.nanoTime());
        try (GatewayProcess gateway = GatewayProcess.startReady(dir, "384m", Duration.ofSeconds(180))) {
            GrantLoad load = new GrantLoad(gateway);
            load.setUp(4);

            long killedAfter = load.runAndKill(new Random(seed), Duration.ofSeconds(3), Duration.ofSeconds(9));
            long restart = System.nanoTime();
            gateway.restart().awaitReady(Duration.ofSeconds(180));
            long readyAfter = (System.nanoTime() - restart) / 1_000_000;
            String figures = load.verifyAfterRestart();

            System.out.printf("[fault] H2 kill -9: seed %d, killed %d ms into the load, %d grants delivered,"
                    + " ready again %d ms after the restart%n%s", seed, killedAfter, load.delivered(), readyAfter, figures);
            assertThat(load.delivered()).as("grants delivered before the kill").isPositive();
        }
    }
}
