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
 * The queue is in the API's organization's namespace ({@code <organization>/<name>}): another
 * organization naming the same queue reaches its own, and no one names the broker's.
 */
class QueueBackendEndToEndTest extends PolicyTestBase {
    @Autowired
    private ConnectionFactory connectionFactory;
    @Autowired
    private dev.caravan.broker.BrokerProperties broker;
    @Autowired
    private dev.caravan.registry.ApiRepository apis;

    /** The organization of every test's world ("my_company"). */
    private static final String ORGANIZATION = "queues_" + UUID.randomUUID().toString().substring(0, 8);
    /** A system behind my_company's queue-backed APIs with its own broker user, allowed these queues. */
    private static final String CONSUMER = "orders-app";
    private static final String CONSUMER_PASSWORD = "orders-app-Secret-5";
    private static final String CONSUMER_QUEUE = "orders.scoped." + UUID.randomUUID().toString().substring(0, 8);
    /** A queue name my_company and another organization both use. */
    private static final String SHARED_NAME = "orders.rr";

    @org.springframework.test.context.DynamicPropertySource
    static void consumerUser(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("caravan.broker.consumers." + CONSUMER + ".password", () -> CONSUMER_PASSWORD);
        registry.add("caravan.broker.consumers." + CONSUMER + ".organization", () -> ORGANIZATION);
        registry.add("caravan.broker.consumers." + CONSUMER + ".queues[0]", () -> CONSUMER_QUEUE);
        registry.add("caravan.broker.consumers." + CONSUMER + ".queues[1]", () -> SHARED_NAME);
    }

    @Override
    protected String organization() {
        return ORGANIZATION;
    }

    private String queue() {
        return "orders.in." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The broker address of one of my_company's API queues. */
    private static String address(String queue) {
        return ORGANIZATION + "/" + queue;
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
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(address(queue)))) {
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
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jms.createConsumer(jms.createQueue(address(queue()))))
                    .as("another API's queue").isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
        }
        scoped.close();
    }

    private void requestReplyAnsweredBy(String queue, ConnectionFactory consumerSide) throws Exception {
        putApi("queue:" + queue, "{'queue': {'mode': 'request-reply', 'timeout': '5s'}}");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread responder = new Thread(() -> {
            try (JMSContext jms = consumerSide.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue(address(queue)))) {
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

    /**
     * my_company's system serves my_company's {@code queue:orders.rr}; an API of another
     * organization naming the same queue puts its calls in its own namespace, where that system
     * never sees them. The system here connects as the gateway's broker user (it may read
     * anything) and listens on both addresses the queue could have, the bare name and the
     * organization's address, so only the gateway's choice of address decides who is served.
     */
    @Test
    void anotherOrganizationsApiOnTheSameQueueNameNeverReachesThisOrganizationsConsumer() throws Exception {
        assertThat(putApi("queue:" + SHARED_NAME, "{'queue': {'mode': 'request-reply', 'timeout': '5s'}}").status())
                .isEqualTo(200);
        dev.caravan.testsupport.Fixtures.World acme = fixtures.world(backend.baseUrl() + "/svc");
        Http.Response acmeApi = putApiAs(publisher(acme), acme, "queue:" + SHARED_NAME, "{'queue': {'mode': 'request-reply', 'timeout': '1s'}}");
        assertThat(acmeApi.status()).as(acmeApi.body()).isEqualTo(200);
        java.util.List<String> served = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (JMSContext jms = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
             JMSConsumer bare = jms.createConsumer(jms.createQueue(SHARED_NAME));
             JMSConsumer namespaced = jms.createConsumer(jms.createQueue(address(SHARED_NAME)))) {
            jakarta.jms.MessageListener myCompanysSystem = request -> {
                try {
                    served.add(request.getStringProperty("GatewayApi"));
                    TextMessage reply = jms.createTextMessage("{\"servedBy\":\"my_company\"}");
                    reply.setJMSCorrelationID(request.getJMSCorrelationID() != null ? request.getJMSCorrelationID()
                            : request.getJMSMessageID());
                    jms.createProducer().send(request.getJMSReplyTo(), reply);
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            };
            bare.setMessageListener(myCompanysSystem);
            namespaced.setMessageListener(myCompanysSystem);

            Http.Response fromAcme = Http.request("POST", traffic(acme.apiPath() + "/orders"), "{\"n\":1}",
                    "Authorization", "Bearer " + passwordGrant(acme).path("access_token").asText(),
                    "Content-Type", "application/json");
            Http.Response own = call("POST", "/orders", "{\"n\":2}", "Authorization", "Bearer " + userToken,
                    "Content-Type", "application/json");

            assertThat(fromAcme.status()).as("nobody consumes in acme's namespace").isEqualTo(504);
            assertThat(fromAcme.body()).doesNotContain("my_company");
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.body()).isEqualTo("{\"servedBy\":\"my_company\"}");
            assertThat(served).containsExactly(world.apiPath());
        }
    }

    /** Tried by a publisher of another organization: refused, and the API stays as it was. */
    @Test
    void brokerInternalAndWildcardQueueNamesAreRefused() {
        dev.caravan.testsupport.Fixtures.World acme = fixtures.world(backend.baseUrl() + "/svc");
        for (String name : java.util.List.of("DLQ", "dlq", "ExpiryQueue", "caravan.audit.security", "Caravan.userstore.acme",
                "activemq.management", "$sys.mqtt", "orders.#", "orders.*", "#", "orders::orders",
                ORGANIZATION + "/" + SHARED_NAME, "../" + ORGANIZATION + "/orders")) {
            Http.Response refused = putApiAs(publisher(acme), acme, "queue:" + name, "{}");
            assertThat(refused.status()).as(name).isEqualTo(400);
            assertThat(refused.json().path("field").asText()).as(name).isEqualTo("backendUrl");
        }
        assertThat(apis.findById(acme.api().id()).orElseThrow().backendUrl()).isEqualTo(acme.api().backendUrl());
        assertThat(putApiAs(publisher(acme), acme, "queue:orders.dlq", "{}").status()).as("a name that only contains one")
                .isEqualTo(200);
    }

    /** The broker user of my_company's consumer reaches none of another organization's queues, nor broker-internal ones. */
    @Test
    void aConsumerUserOfOneOrganizationCannotConsumeAnothersQueue() throws Exception {
        dev.caravan.testsupport.Fixtures.World acme = fixtures.world(backend.baseUrl() + "/svc");
        assertThat(putApiAs(publisher(acme), acme, "queue:" + SHARED_NAME, "{}").status()).isEqualTo(200);
        var scoped = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.url(), CONSUMER,
                CONSUMER_PASSWORD);
        try (JMSContext jms = scoped.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            for (String address : java.util.List.of(acme.organization().name() + "/" + SHARED_NAME, SHARED_NAME,
                    "DLQ", "ExpiryQueue", ORGANIZATION + "/" + queue())) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> jms.createConsumer(jms.createQueue(address)))
                        .as(address).isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
            }
        } finally {
            scoped.close();
        }
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
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(address(queue)))) {
            assertThat(consumer.receive(300)).isNull();
        }
    }
}
