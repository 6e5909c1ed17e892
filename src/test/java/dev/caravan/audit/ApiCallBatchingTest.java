package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.jms.MessageConsumer;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * API-call events: the batcher sends them as JSON arrays, several events per message, to a
 * real broker queue (a queue of the test's own, so no route consumes them first); and, in a
 * context of its own with a tiny queue (20), what does not fit is dropped without waiting and
 * counted in {@code caravan.audit.dropped{kind=api_call}}.
 */
@DirtiesContext
@TestPropertySource(properties = {
        "caravan.audit.api-calls.queue-capacity=20",
        "caravan.audit.api-calls.batch-size=10",
        "caravan.audit.api-calls.flush-interval=300ms"})
class ApiCallBatchingTest extends CaravanTestBase {
    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    AuditPublisher publisher;
    @Autowired
    AuditRepository repository;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ConnectionFactory jmsConnectionFactory;
    @Autowired
    ProducerTemplate producer;

    private static ApiCall call(String org) {
        return call(org, null);
    }

    private static ApiCall call(String org, String username) {
        return new ApiCall(System.currentTimeMillis(), org, null, username, "/batched", null, "GET", 200, 1);
    }

    private double dropped() {
        var counter = meters.find("caravan.audit.dropped").tag("kind", "api_call").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void apiCallEventsTravelSeveralToAMessageAsJsonArraysAndAPartialBatchAfterTheFlushInterval() throws Exception {
        String org = "batch_" + UUID.randomUUID().toString().substring(0, 8);
        String queue = "test.api-calls." + UUID.randomUUID();
        SimpleMeterRegistry batcherMeters = new SimpleMeterRegistry();
        ApiCallBatcher batcher = new ApiCallBatcher(producer, "jms:queue:" + queue + "?deliveryPersistent=false",
                100, 10, Duration.ofMillis(300), batcherMeters);
        batcher.start();
        try (Connection connection = AuditTestBase.rawConnectionFactory(jmsConnectionFactory).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (int i = 0; i < 25; i++) {
                assertThat(batcher.offer(call(org))).isTrue();
            }
            // a value no audit event may hold: that call is counted as dropped, the others still go
            assertThat(batcher.offer(call(org, "eve\r\nforged"))).isTrue();

            List<List<AuditEvent>> batches = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (batches.stream().mapToInt(List::size).sum() < 25 && System.nanoTime() < deadline) {
                Message message = consumer.receive(200);
                if (message != null) {
                    String text = ((TextMessage) message).getText();
                    assertThat(text).startsWith("[");
                    batches.add(AuditJson.read(text));
                }
            }

            assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(25);
            assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10)
                    .allSatisfy(event -> assertThat(event.organization()).isEqualTo(org)));
            assertThat(batches.size()).as("messages for 25 events in batches of at most 10").isBetween(3, 12);
            Poll.until(WAIT, () -> batcherMeters.find("caravan.audit.dropped").tag("kind", "api_call").counter().count(),
                    count -> count == 1.0);
        } finally {
            batcher.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void offersBeyondTheQueueCapacityAreDroppedAndCounted() {
        String org = "overflow_" + UUID.randomUUID().toString().substring(0, 8);
        double before = dropped();

        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            refused += publisher.apiCall(call(org)) ? 0 : 1;
        }

        assertThat(refused).as("a queue of 20 cannot take 2000 events offered at once").isPositive();
        assertThat(dropped() - before).isEqualTo(refused);
        int accepted = 2000 - refused;
        Poll.until(WAIT, () -> repository.find(new AuditRepository.Query(org, null, null, null, null, 1000)),
                // aggregated (the default): the stored events stand for exactly the accepted calls
                events -> events.stream().mapToLong(e -> Long.parseLong(e.detail(AuditDetail.COUNT))).sum() == accepted);
    }
}
