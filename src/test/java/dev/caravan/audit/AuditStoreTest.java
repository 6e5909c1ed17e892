package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The audit store: idempotent by event id, the JSON-lines file, the topic, API-call events from the gateway. */
class AuditStoreTest extends AuditTestBase {
    @org.springframework.beans.factory.annotation.Autowired
    org.apache.camel.ProducerTemplate camel;


    private static String org() {
        return "audit_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static AuditEvent event(String org, AuditEventType type) {
        return AuditEvent.builder(type).organization(org).username("jane").clientId("key_1")
                .time(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .detail(AuditDetail.GRANT_TYPE, "password").build();
    }

    @Test
    void securityEventPublishedTwiceIsStoredOnce() {
        String org = org();
        AuditEvent event = event(org, AuditEventType.TOKEN_ISSUED);
        double duplicatesBefore = counter("caravan.audit.duplicates");

        assertThat(publisher.security(event)).isTrue();
        assertThat(publisher.security(event)).isTrue();
        AuditEvent marker = event(org, AuditEventType.TOKEN_REVOKED);
        assertThat(publisher.security(marker)).isTrue();

        awaitOne(org, AuditEventType.TOKEN_REVOKED);
        List<AuditEvent> stored = repository.find(new AuditRepository.Query(org, null, null, null, null, 100));
        assertThat(stored).extracting(AuditEvent::id).containsExactlyInAnyOrder(event.id(), marker.id());
        // one consumer, in order: the copy reached the store before the marker, which skipped it
        assertThat(counter("caravan.audit.duplicates")).isEqualTo(duplicatesBefore + 1);
    }

    @Test
    void batchResentWithTheSameDuplicateIdIsDroppedByTheBroker() {
        String org = org();
        AuditEvent event = event(org, AuditEventType.TOKEN_ISSUED);
        String batch = AuditJson.writeAll(List.of(event));
        String batchId = java.util.UUID.randomUUID().toString();
        double duplicatesBefore = counter("caravan.audit.duplicates");

        // what the sender does when it retries a batch whose first send did reach the broker
        camel.sendBodyAndHeader(SecurityEventSender.ROUTE, batch, SecurityEventSender.DUPLICATE_ID, batchId);
        camel.sendBodyAndHeader(SecurityEventSender.ROUTE, batch, SecurityEventSender.DUPLICATE_ID, batchId);
        AuditEvent marker = event(org, AuditEventType.TOKEN_REVOKED);
        assertThat(publisher.security(marker)).isTrue();

        awaitOne(org, AuditEventType.TOKEN_REVOKED);
        assertThat(repository.find(new AuditRepository.Query(org, null, null, null, null, 100)))
                .extracting(AuditEvent::id).containsExactlyInAnyOrder(event.id(), marker.id());
        assertThat(counter("caravan.audit.duplicates"))
                .as("the resent batch was dropped by Artemis' duplicate detection (_AMQ_DUPL_ID)")
                .isEqualTo(duplicatesBefore);
    }

    @Test
    void redeliveredEventsAreInsertedOnlyOnce() {
        String org = org();
        AuditEvent a = event(org, AuditEventType.API_CALL);
        AuditEvent b = event(org, AuditEventType.API_CALL);
        AuditEvent c = event(org, AuditEventType.API_CALL);

        assertThat(repository.insertNew(List.of(a, b))).containsExactly(a, b);
        assertThat(repository.insertNew(List.of(a, b, c, c))).containsExactly(c);

        assertThat(repository.find(new AuditRepository.Query(org, null, null, null, null, 100))).hasSize(3);
    }

    @Test
    void storedEventReadsBackWithAllItsFields() {
        String org = org();
        AuditEvent event = event(org, AuditEventType.GRANT_REFUSED);
        repository.insertNew(List.of(event));

        assertThat(repository.find(new AuditRepository.Query(org, null, null, null, null, 1))).containsExactly(event);
    }

    @Test
    void storedEventIsAppendedToTheJsonLinesFileAsOneLine() {
        String org = org();
        AuditEvent event = event(org, AuditEventType.TOKEN_ISSUED);
        publisher.security(event);

        Path file = Path.of(auditProperties.file());
        String line = Poll.until(WAIT, () -> lines(file).stream().filter(l -> l.contains(event.id())).findFirst(),
                java.util.Optional::isPresent).get();
        assertThat(AuditJson.read(line)).containsExactly(event);
    }

    @Test
    void topicSubscriberReceivesEachStoredEventWithItsType() throws Exception {
        String org = org();
        AuditEvent event = event(org, AuditEventType.REFRESH_REUSE);
        try (Session session = session()) {
            MessageConsumer consumer = session.createConsumer(session.createTopic("caravan.audit.events"),
                    "auditType = 'REFRESH_REUSE'");
            publisher.security(event);

            AuditEvent received = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received == null && System.nanoTime() < deadline) {
                Message message = consumer.receive(500);
                if (message instanceof TextMessage text && text.getText().contains(event.id())) {
                    received = AuditJson.read(text.getText()).get(0);
                }
            }
            assertThat(received).isEqualTo(event);
        }
    }

    @Test
    void apiCallsThroughTheGatewayAreStoredWithApiStatusAndUser() {
        Fixtures.World world = fixtures.world(backend.baseUrl());
        String token = passwordGrant(world).path("access_token").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(Http.get(traffic(world.apiPath() + "/x"), "Authorization", "Bearer " + token).status())
                    .isEqualTo(200);
        }

        // aggregated by default: one event per call shape and flush interval, with the number of calls
        List<AuditEvent> calls = Poll.until(WAIT, () -> repository.find(new AuditRepository.Query(
                world.organization().name(), null, AuditEventType.API_CALL, null, null, 1000)),
                events -> events.stream().mapToLong(e -> Long.parseLong(e.detail(AuditDetail.COUNT))).sum() >= 3);
        assertThat(calls.stream().mapToLong(e -> Long.parseLong(e.detail(AuditDetail.COUNT))).sum()).isEqualTo(3);
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.username()).isEqualTo(world.endUser().username());
            assertThat(call.clientId()).isEqualTo(world.consumerKey());
            assertThat(call.detail(AuditDetail.API_CONTEXT)).isEqualTo(world.api().context());
            assertThat(call.detail(AuditDetail.API_VERSION)).isEqualTo("1.0.0");
            assertThat(call.detail(AuditDetail.METHOD)).isEqualTo("GET");
            assertThat(call.detail(AuditDetail.STATUS)).isEqualTo("200");
            assertThat(Long.parseLong(call.detail(AuditDetail.LATENCY_MS))).isNotNegative();
        });
    }

    @Test
    void refusedApiCallIsStoredWithItsErrorStatus() {
        Fixtures.World world = fixtures.world(backend.baseUrl());
        Instant start = Instant.now().minusSeconds(1);
        assertThat(Http.get(traffic(world.apiPath() + "/x")).status()).isEqualTo(401);

        AuditEvent call = Poll.until(WAIT, () -> since(start, AuditEventType.API_CALL).stream()
                        .filter(e -> world.api().context().equals(e.detail(AuditDetail.API_CONTEXT))).findFirst(),
                java.util.Optional::isPresent).get();
        assertThat(call.detail(AuditDetail.STATUS)).isEqualTo("401");
        assertThat(call.username()).isNull();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
