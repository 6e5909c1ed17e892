package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * JMS properties of an incoming message pass the same case-insensitive allow-list as HTTP
 * headers, on the gateway's {@code jms} component that every route (its own and users') uses. A
 * route relaying a queue to another queue, as a user route would, receives a message whose
 * properties carry Camel's own header names in several spellings: were they taken in, the first
 * would redirect the relay's send to the queue it names. None of them reaches the route, and the
 * message goes where the route says.
 */
class SmuggledJmsPropertiesTest extends AuditTestBase {
    @Autowired
    CamelContext camel;

    @Test
    void camelHeaderNamesAsJmsPropertiesNeitherReachTheRouteNorRedirectItsSend() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "caravan.test.relay-in." + suffix;
        String out = "caravan.test.relay-out." + suffix;
        String hijack = "caravan.test.hijack." + suffix;
        CompletableFuture<Map<String, Object>> seen = new CompletableFuture<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:" + in + "?mapJmsMessage=false").routeId("relay-" + suffix)
                        .process("jmsEntryGuard")
                        .process(exchange -> seen.complete(new java.util.HashMap<>(exchange.getIn().getHeaders())))
                        .to("jms:queue:" + out);
            }
        });
        try (Session session = session()) {
            MessageConsumer relayed = session.createConsumer(session.createQueue(out));
            MessageConsumer hijacked = session.createConsumer(session.createQueue(hijack));
            TextMessage message = session.createTextMessage("order 42");
            message.setStringProperty("CamelJmsDestinationName", hijack);
            message.setStringProperty("camelJMSDestinationName", hijack);
            message.setStringProperty("CAMELJMSDESTINATIONNAME", hijack);
            message.setStringProperty("caravanApi", "forged");
            session.createProducer(session.createQueue(in)).send(message);

            Map<String, Object> headers = seen.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // (Camel sets CamelMessageTimestamp itself, from JMSTimestamp)
            assertThat(headers.keySet()).noneMatch(name -> name.equalsIgnoreCase("CamelJmsDestinationName")
                    || name.equalsIgnoreCase("caravanApi"));
            Message arrived = relayed.receive(WAIT.toMillis());
            assertThat(arrived).as("relayed where the route says").isNotNull();
            assertThat(arrived.getBody(String.class)).isEqualTo("order 42");
            assertThat(hijacked.receive(500)).as("nothing reaches the queue the properties named").isNull();
        } finally {
            camel.getRouteController().stopRoute("relay-" + suffix);
            camel.removeRoute("relay-" + suffix);
        }
    }
}
