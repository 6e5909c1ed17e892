package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * With no broker to talk to (an external one that is down), the token path answers in bounded
 * time: it waits for the security event at most {@code caravan.audit.security-wait}, then answers
 * 503 rather than hand out a token the audit trail might never show; the event stays buffered
 * for the retrying sender.
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
    void tokenRequestWhenBrokerUnreachableThen503AfterTheBoundedWaitAndNoTokenHandedOut() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/none");
        double before = delayed();

        long start = System.nanoTime();
        Http.Response response = Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(),
                world.consumerSecret()), Http.params("grant_type", "client_credentials"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(response.header("Retry-After")).isNotNull();
        assertThat(response.body()).doesNotContain("access_token");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(delayed()).isEqualTo(before + 1);
    }

    @Test
    void aNodeWhoseBrokerIsGoneIsNotReadyButAlive() {
        Http.Response readiness = Http.get(management("/actuator/health/readiness"));
        Http.Response liveness = Http.get(management("/actuator/health/liveness"));

        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"DOWN\"");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"UP\"");
    }
}
