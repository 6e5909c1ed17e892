package dev.caravan.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.GatewayProcess;
import dev.caravan.testsupport.PostgresSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 under grant load on PostgreSQL (the machine's, 127.0.0.1:5432, a schema of its own):
 * after a restart, nothing a client was handed is unknown, no lost answer is taken for a stolen
 * refresh token, and every delivered grant is audited once ({@link GrantLoad}).
 */
@Tag("fault")
class KillDuringGrantsOnPostgresTest {

    @Test
    void aGatewayKilledUnderGrantLoadOnPostgresKnowsEveryDeliveredTokenAfterARestart() throws Exception {
        // -Dcaravan.fault.seed=N: the same kill moment and grant mix as the run that printed N
        long seed = Long.getLong("caravan.fault.seed", System.nanoTime());
        Path dir = GrantLoad.runDir("postgres-kill");
        try (GatewayProcess gateway = GatewayProcess.startReady(dir, "384m", Duration.ofSeconds(180),
                "--spring.config.additional-location=file:" + Path.of("config").toAbsolutePath() + "/",
                "--spring.profiles.active=postgres",
                "--spring.datasource.url=" + PostgresSchemas.freshSchemaUrl(),
                "--spring.datasource.username=" + PostgresSchemas.USER)) {
            GrantLoad load = new GrantLoad(gateway);
            load.setUp(4);

            long killedAfter = load.runAndKill(new Random(seed), Duration.ofSeconds(3), Duration.ofSeconds(9));
            long restart = System.nanoTime();
            gateway.restart().awaitReady(Duration.ofSeconds(180));
            long readyAfter = (System.nanoTime() - restart) / 1_000_000;
            String figures = load.verifyAfterRestart();

            System.out.printf("[fault] PostgreSQL kill -9: seed %d, killed %d ms into the load, %d grants delivered,"
                    + " ready again %d ms after the restart%n%s", seed, killedAfter, load.delivered(), readyAfter, figures);
            assertThat(load.delivered()).as("grants delivered before the kill").isPositive();
        }
    }
}
