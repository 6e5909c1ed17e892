package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.util.ArrayList;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The guard on real Artemis client messages, made by a session of a real in-VM broker. */
class JmsEntryGuardTest {
    private static EmbeddedActiveMQ broker;
    private static Connection connection;
    private static Session session;
    private final JmsEntryGuard guard = new JmsEntryGuard(16);

    @BeforeAll
    static void startBroker() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://77");
        broker = new EmbeddedActiveMQ().setConfiguration(config).start();
        connection = new ActiveMQConnectionFactory("vm://77").createConnection();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        connection.close();
        broker.stop();
    }

    @Test
    void textMessageBecomesItsText() throws Exception {
        assertThat(guard.text(session.createTextMessage("{\"a\":1}"))).isEqualTo("{\"a\":1}");
    }

    @Test
    void bytesMessageBecomesUtf8Text() throws Exception {
        var message = session.createBytesMessage();
        message.writeBytes("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        message.reset();
        assertThat(guard.text(message)).isEqualTo("héllo");
    }

    @Test
    void objectMessageIsRefusedWithoutDeserializing() throws Exception {
        var message = session.createObjectMessage(new ArrayList<>());
        assertThatThrownBy(() -> guard.text(message))
                .isInstanceOf(JmsEntryGuard.RefusedMessageException.class)
                .hasMessageContaining("only text and bytes");
    }

    @Test
    void mapMessageIsRefused() throws Exception {
        assertThatThrownBy(() -> guard.text(session.createMapMessage()))
                .isInstanceOf(JmsEntryGuard.RefusedMessageException.class);
    }

    @Test
    void oversizeTextAndBytesAreRefused() throws Exception {
        assertThatThrownBy(() -> guard.text(session.createTextMessage("x".repeat(17))))
                .hasMessageContaining("larger than 16");
        var bytes = session.createBytesMessage();
        bytes.writeBytes(new byte[17]);
        bytes.reset();
        assertThatThrownBy(() -> guard.text(bytes)).hasMessageContaining("larger than 16");
    }
}
