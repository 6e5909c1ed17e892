package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testsupport.TestCertificates;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caravan as a TLS client of the broker (an agent connecting to the gateway's acceptor with
 * {@code sslEnabled=true}): the broker's certificate must name the address in the URL, an IP
 * address included, even when the client trusts the certificate; only an explicit
 * {@code verifyHost=false} in the URL turns that off. Real embedded brokers with a TLS acceptor.
 */
class BrokerTlsHostCheckTest {
    private static final String PASSWORD = "broker-tls-host-Secret-3";
    private final List<EmbeddedBroker> brokers = new ArrayList<>();

    @AfterEach
    void stop() {
        brokers.forEach(EmbeddedBroker::stop);
    }

    /** A broker whose agents' acceptor speaks TLS with {@code certificate}; answers its port. */
    private int brokerWith(File certificate) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path data = Files.createTempDirectory("caravan-broker-tls");
        BrokerProperties properties = new BrokerProperties(true, "vm://" + (1000 + port), "caravan", PASSWORD,
                data.toString(), false, new BrokerProperties.Tcp(true, "127.0.0.1", port, certificate.getPath(),
                TestCertificates.PASSWORD, "PKCS12", false), null, null);
        EmbeddedBroker broker = new EmbeddedBroker(properties, new BrokerCredentials(properties));
        broker.start();
        brokers.add(broker);
        return port;
    }

    /** Caravan's own connection factory for a TLS URL trusting exactly {@code certificate}. */
    private static ActiveMQConnectionFactory clientTrusting(File certificate, int port, String extra) {
        return MessagingConfiguration.artemisConnectionFactory("tcp://127.0.0.1:" + port
                + "?sslEnabled=true&trustStorePath=" + certificate.getPath() + "&trustStorePassword="
                + TestCertificates.PASSWORD + "&trustStoreType=PKCS12&initialConnectAttempts=1&connectTimeoutMillis=3000" + extra, "caravan", PASSWORD);
    }

    @Test
    void aBrokerAtAnIpAddressWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
        File anotherHost = TestCertificates.forAnotherHost();
        int port = brokerWith(anotherHost);

        assertThatThrownBy(() -> {
            try (Connection connection = clientTrusting(anotherHost, port, "").createConnection()) {
                connection.start();
            }
        }).isInstanceOf(JMSException.class);

        // the same certificate is accepted once the operator turns the host check off explicitly:
        // the refusal above was the host check, not trust or credentials
        try (Connection connection = clientTrusting(anotherHost, port, "&verifyHost=false").createConnection()) {
            connection.start();
        }
    }

    @Test
    void aBrokerAtAnIpAddressNamedInItsCertificatesIpAlternativeNameIsAccepted() throws Exception {
        File ipOnly = TestCertificates.selfSigned("CN=broker", "ip:127.0.0.1");
        int port = brokerWith(ipOnly);

        try (Connection connection = clientTrusting(ipOnly, port, "").createConnection()) {
            connection.start();
        }
    }

    @Test
    void tlsConnectorsVerifyTheHostUnlessTheUrlSaysOtherwise() {
        assertThat(MessagingConfiguration.artemisConnectionFactory("tcp://127.0.0.1:61616?sslEnabled=true", "u", "p")
                .getStaticConnectors()[0].getParams()).containsEntry("verifyHost", true);
        assertThat(MessagingConfiguration.artemisConnectionFactory(
                "(tcp://10.0.0.1:61616,tcp://10.0.0.2:61616)?sslEnabled=true", "u", "p").getStaticConnectors())
                .allSatisfy(connector -> assertThat(connector.getParams()).containsEntry("verifyHost", true));
        assertThat(MessagingConfiguration.artemisConnectionFactory(
                "tcp://127.0.0.1:61616?sslEnabled=true&verifyHost=false", "u", "p").getStaticConnectors()[0].getParams())
                .containsEntry("verifyHost", "false");
        assertThat(MessagingConfiguration.artemisConnectionFactory("tcp://127.0.0.1:61616", "u", "p")
                .getStaticConnectors()[0].getParams()).doesNotContainKey("verifyHost");
    }
}
