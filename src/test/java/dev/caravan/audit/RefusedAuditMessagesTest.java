package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Poll;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What is not an audit event (an ObjectMessage, text that is not JSON, an event with a detail
 * key outside the fixed set) is counted, sent once to {@code caravan.audit.dead-letter} and
 * never stored; the route goes on with the next message.
 */
class RefusedAuditMessagesTest extends AuditTestBase {
    static final String DEAD_LETTER = "caravan.audit.dead-letter";

    private static String eventJson(String id, String org, String detail) {
        return "{\"id\":\"" + id + "\",\"time\":\"" + Instant.now() + "\",\"type\":\"TOKEN_ISSUED\","
                + "\"organization\":\"" + org + "\",\"detail\":" + detail + "}";
    }

    /**
     * Sends {@code message} to the security queue, then a valid event of the same organization;
     * waits for the refused one on the dead-letter queue and for the valid one in the table.
     */
    private Message refuse(java.util.function.Function<Session, Message> message) throws Exception {
        String org = "refused_" + UUID.randomUUID().toString().substring(0, 8);
        double rejectedBefore = counter("caravan.audit.rejected");
        try (Session session = session()) {
            MessageConsumer deadLetters = session.createConsumer(session.createQueue(DEAD_LETTER));
            MessageProducer producer = session.createProducer(session.createQueue("caravan.audit.security"));
            Message refused = message.apply(session);
            refused.setStringProperty("organization", org);
            producer.send(refused);
            producer.send(session.createTextMessage(eventJson(UUID.randomUUID().toString(), org, "{}")));

            Message dead = Poll.until(WAIT, () -> receive(deadLetters), m -> m != null);
            assertThat(counter("caravan.audit.rejected")).isEqualTo(rejectedBefore + 1);
            awaitOne(org, AuditEventType.TOKEN_ISSUED);
            assertThat(repository.find(new AuditRepository.Query(org, null, null, null, null, 10)))
                    .as("only the valid event that followed").hasSize(1);
            return dead;
        }
    }

    private static Message receive(MessageConsumer consumer) {
        try {
            return consumer.receive(200);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void objectMessageIsRefusedUnreadAndDeadLettered() throws Exception {
        String id = UUID.randomUUID().toString();
        Message dead = refuse(session -> {
            try {
                return session.createObjectMessage(eventJson(id, "x", "{}"));
            } catch (jakarta.jms.JMSException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(dead.getStringProperty("auditRejectReason")).contains("ObjectMessage");
        assertThat(dead.getBody(String.class)).doesNotContain(id);
    }

    @Test
    void textThatIsNotJsonIsDeadLetteredAsItCame() throws Exception {
        Message dead = refuse(session -> text(session, "this is not { json"));

        assertThat(dead.getStringProperty("auditRejectReason")).isEqualTo("the message is not JSON");
        assertThat(dead.getBody(String.class)).isEqualTo("this is not { json");
    }

    @Test
    void eventWithADetailKeyOutsideTheFixedSetIsRefused() throws Exception {
        String id = UUID.randomUUID().toString();
        Message dead = refuse(session -> text(session, eventJson(id, "x", "{\"password\":\"hunter2-secret\"}")));

        assertThat(dead.getStringProperty("auditRejectReason")).isEqualTo("the message is not a valid audit event");
        assertThat(repository.find(new AuditRepository.Query("x", null, null, null, null, 1000)))
                .extracting(AuditEvent::id).doesNotContain(id);
    }

    private static Message text(Session session, String body) {
        try {
            return session.createTextMessage(body);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
