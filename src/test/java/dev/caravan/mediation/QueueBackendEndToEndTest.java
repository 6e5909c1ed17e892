package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * APIs whose backend is an Artemis queue of the embedded broker: a POST through the gateway
 * lands on the queue as a bytes message that a plain JMS consumer reads (fire-and-forget, 202
 * with the message id), or waits for a JMS reply (request-reply, 504 when none comes in time).
 */
class QueueBackendEndToEndTest extends PolicyTestBase {
    @Autowired
    private ConnectionFactory connectionFactory;
    @Autowired
    private dev.caravan.broker.BrokerProperties broker;

    /** A system behind a queue-backed API with its own broker user, allowed this one queue. */
    private static final String CONSUMER = "orders-app";
    private static final String CONSUMER_PASSWORD = "orders-app-Secret-5";
    private static final String CONSUMER_QUEUE = "orders.scoped." + UUID.randomUUID().toString().substring(0, 8);

    @org.springframework.test.context.DynamicPropertySource
    static void consumerUser(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("caravan.broker.consumers." + CONSUMER + ".password", () -> CONSUMER_PASSWORD);
        registry.add("caravan.broker.consumers." + CONSUMER + ".queues[0]", () -> CONSUMER_QUEUE);
    }

    private String queue() {
        return "orders.in." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void fireAndForgetPutsTheBodyOnTheQueueWithTheCallersIdentityAndAnswers202() throws Exception {
        String queue = queue();
        assertThat(putApi("queue:" + queue, "{'queue': {'mode': 'fire-and-forget'}}").status()).isEqualTo(200);

        Http.Response response = call("POST", "/orders", "{\"item\":\"tea\"}", "Authorization", "Bearer " + userToken,
                "Content-Type", "application/json", "X-Custom", "never-a-jms-property");

        assertThat(response.status()).isEqualTo(202);
        String messageId = response.json().path("messageId").asText();
        assertThat(messageId).startsWith("ID:");
        try (JMSContext jms = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(queue))) {
            Message message = consumer.receive(5000);
            assertThat(message).isInstanceOf(BytesMessage.class);
            assertThat(message.getJMSMessageID()).isEqualTo(messageId);
            assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(new String(message.getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo("{\"item\":\"tea\"}");
            assertThat(message.getStringProperty("ContentType")).isEqualTo("application/json");
            assertThat(message.getStringProperty("GatewayEndUser")).isEqualTo(world.endUserName());
            assertThat(message.getStringProperty("GatewayApi")).isEqualTo(world.apiPath());
            assertThat(message.getStringProperty("GatewayPath")).isEqualTo(world.apiPath() + "/orders");
            assertThat(message.getStringProperty("GatewayJwtAssertion")).isNotBlank();
            java.util.List<String> names = java.util.Collections.list(message.getPropertyNames()).stream()
                    .map(Object::toString).toList();
            assertThat(names).noneMatch(name -> name.toLowerCase().contains("custom") || name.toLowerCase().startsWith("camel"));
        }
    }

    @Test
    void requestReplyAnswersWithTheConsumersReply() throws Exception {
        requestReplyAnsweredBy(queue(), connectionFactory);
    }

    /**
     * The consumer connects with its own broker user, which may read only its queue and answer on
     * the gateway's temporary reply queue: that is enough to serve the API, and not enough to read
     * the gateway's own queues.
     */
    @Test
    void aConsumerWithItsOwnBrokerUserServesItsQueueAndReadsNothingElse() throws Exception {
        var scoped = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.url(), CONSUMER,
                CONSUMER_PASSWORD);
        requestReplyAnsweredBy(CONSUMER_QUEUE, scoped);

        try (JMSContext jms = scoped.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jms.createConsumer(jms.createQueue("caravan.audit.security")))
                    .isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jms.createConsumer(jms.createQueue(queue())))
                    .as("another API's queue").isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
        }
        scoped.close();
    }

    private void requestReplyAnsweredBy(String queue, ConnectionFactory consumerSide) throws Exception {
        putApi("queue:" + queue, "{'queue': {'mode': 'request-reply', 'timeout': '5s'}}");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread responder = new Thread(() -> {
            try (JMSContext jms = consumerSide.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue(queue))) {
                Message request = consumer.receive(10_000);
                String body = new String(request.getBody(byte[].class), StandardCharsets.UTF_8);
                TextMessage reply = jms.createTextMessage("{\"accepted\":" + body + "}");
                reply.setJMSCorrelationID(request.getJMSCorrelationID() != null ? request.getJMSCorrelationID()
                        : request.getJMSMessageID());
                reply.setStringProperty("ContentType", "application/json");
                jms.createProducer().send(request.getJMSReplyTo(), reply);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        responder.start();

        Http.Response response = call("POST", "/orders", "{\"n\":1}", "Authorization", "Bearer " + userToken,
                "Content-Type", "application/json");

        responder.join(10_000);
        assertThat(failure.get()).isNull();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).isEqualTo("{\"accepted\":{\"n\":1}}");
    }

    @Test
    void requestReplyWithoutAReplyInTimeIs504() {
        putApi("queue:" + queue(), "{'queue': {'mode': 'request-reply', 'timeout': '300ms'}}");

        Http.Response response = call("POST", "/orders", "{}", "Authorization", "Bearer " + userToken,
                "Content-Type", "application/json");

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.json().path("error").asText()).isEqualTo("backend_timeout");
    }

    @Test
    void queueBackendStillRequiresAValidToken() {
        String queue = queue();
        putApi("queue:" + queue, "{}");

        assertThat(call("POST", "/orders", "{}").status()).isEqualTo(401);
        try (JMSContext jms = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(queue))) {
            assertThat(consumer.receive(300)).isNull();
        }
    }
}
