package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * With no broker to talk to (an external one that is down), the token path still answers: it
 * waits for the security event at most {@code caravan.audit.security-wait}, then goes on, and
 * the event stays buffered for the retrying sender.
 */
@DirtiesContext
@TestPropertySource(properties = {
        "caravan.broker.embedded=false",
        "caravan.broker.url=tcp://127.0.0.1:1",
        "caravan.audit.security-wait=300ms"})
class AuditWithoutBrokerTest extends CaravanTestBase {
    @Autowired
    MeterRegistry meters;

    private double delayed() {
        var counter = meters.find("caravan.audit.delayed").tag("kind", "security").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void tokenRequestWhenBrokerUnreachableThenAnsweredAfterTheBoundedWaitAndTheDelayCounted() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/none");
        double before = delayed();

        long start = System.nanoTime();
        String token = clientCredentials(world).path("access_token").asText();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(token).isNotBlank();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(delayed()).isEqualTo(before + 1);
    }
}
