package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.caravan.testsupport.Poll;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The security-event sender's buffer on its own: the route it sends to stands in for the broker
 * and fails while {@code brokerDown} is set, the way a send to an unreachable broker fails.
 * Events that cannot be kept are counted as dropped, never lost silently.
 */
class SecurityEventSenderTest {
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CamelContext camel;

    @BeforeEach
    void broker() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(SecurityEventSender.ROUTE).process(exchange -> {
                    if (brokerDown.get()) {
                        throw new IllegalStateException("AMQ219016: connection failure");
                    }
                    delivered.add(exchange.getIn().getBody(String.class));
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private static AuditEvent event(int n) {
        return AuditEvent.builder(AuditEventType.TOKEN_ISSUED).organization("acme").username("user" + n)
                .clientId("app").detail(AuditDetail.GRANT_TYPE, "password").build();
    }

    private double dropped() {
        return meters.counter("caravan.audit.dropped", "kind", "security").count();
    }

    @Test
    void eventsTheBrokerTakesAreAcknowledged() {
        SecurityEventSender sender = new SecurityEventSender(camel.createProducerTemplate(), Duration.ofSeconds(5), 4, meters);
        AuditEvent event = event(1);

        assertThat(sender.send(event)).isTrue();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)).contains(event.id());
        assertThat(dropped()).isZero();
        sender.close(Duration.ofSeconds(1));
    }

    @Test
    void whileTheBrokerIsDownAFullBufferDropsAndCountsInsteadOfBlocking() {
        brokerDown.set(true);
        SecurityEventSender sender = new SecurityEventSender(camel.createProducerTemplate(), Duration.ofMillis(50), 2, meters);

        // the first is taken by the sender thread, which retries it; the next two fill the buffer
        assertThat(sender.send(event(0))).as("not acknowledged while the broker is down").isFalse();
        Poll.until(Duration.ofSeconds(5), () -> failures(), count -> count > 0);
        assertThat(sender.send(event(1))).isFalse();
        assertThat(sender.send(event(2))).isFalse();
        assertThat(dropped()).isZero();
        assertThat(meters.counter("caravan.audit.delayed", "kind", "security").count()).isEqualTo(3);

        assertThat(sender.send(event(3))).isFalse();
        assertThat(sender.send(event(4))).isFalse();
        assertThat(dropped()).isEqualTo(2);

        brokerDown.set(false);
        Poll.until(Duration.ofSeconds(15), () -> String.join("", delivered),
                all -> all.contains("user0") && all.contains("user1") && all.contains("user2"));
        sender.close(Duration.ofSeconds(5));
        assertThat(String.join("", delivered)).doesNotContain("user3").doesNotContain("user4");
        assertThat(dropped()).isEqualTo(2);
    }

    @Test
    void whatIsStillBufferedWhenTheGatewayStopsIsCountedAsDroppedOnce() throws InterruptedException {
        brokerDown.set(true);
        SecurityEventSender sender = new SecurityEventSender(camel.createProducerTemplate(), Duration.ofMillis(20), 8, meters);
        for (int n = 0; n < 5; n++) {
            sender.send(event(n));
        }

        // three failed attempts: the sender now waits 400 ms before the next, longer than the grace
        Poll.until(Duration.ofSeconds(5), this::failures, count -> count >= 3);
        sender.close(Duration.ofMillis(50));

        // the batch in the sender's hands (interrupted, its last attempt fails) and what was still queued
        Poll.until(Duration.ofSeconds(10), this::dropped, count -> count >= 5);
        Thread.sleep(500);
        assertThat(dropped()).as("each counted once").isEqualTo(5);
        assertThat(delivered).isEmpty();
        assertThat(sender.send(event(9))).as("closed: refused at once").isFalse();
        assertThat(dropped()).isEqualTo(6);
    }

    private double failures() {
        return meters.counter("caravan.audit.send.failures", "kind", "security").count();
    }
}
