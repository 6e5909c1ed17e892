package dev.caravan.audit;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole gateway with auditing to a JSON-lines file and a short API-call flush interval, on
 * the test's own embedded broker and database. Events are awaited by polling the audit table.
 */
@TestPropertySource(properties = {
        "caravan.audit.file=target/audit-test/events-${random.uuid}.jsonl",
        "caravan.audit.api-calls.flush-interval=200ms"})
abstract class AuditTestBase extends CaravanTestBase {
    static final Duration WAIT = Duration.ofSeconds(15);
    static TestBackend backend;

    @Autowired
    AuditRepository repository;
    @Autowired
    AuditProperties auditProperties;
    @Autowired
    AuditPublisher publisher;
    @Autowired
    ConnectionFactory jmsConnectionFactory;
    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    /** Waits until at least {@code count} events of the organization (and type, if given) are stored. */
    List<AuditEvent> awaitEvents(String organization, AuditEventType type, int count) {
        return Poll.until(WAIT, () -> repository.find(new AuditRepository.Query(organization, null, type, null, null,
                1000)), events -> events.size() >= count);
    }

    AuditEvent awaitOne(String organization, AuditEventType type) {
        List<AuditEvent> events = awaitEvents(organization, type, 1);
        return events.get(0);
    }

    List<AuditEvent> since(Instant from, AuditEventType type) {
        return repository.find(new AuditRepository.Query(null, null, type, from, null, 1000));
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private final List<Connection> connections = new ArrayList<>();

    /**
     * A session of a new, started connection to the test's broker, closed after the test. The
     * connection comes from the factory behind the gateway's caching one: a cached consumer
     * would outlive its test and take the next test's messages.
     */
    Session session() throws JMSException {
        Connection connection = rawConnectionFactory(jmsConnectionFactory).createConnection();
        connections.add(connection);
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    static ConnectionFactory rawConnectionFactory(ConnectionFactory factory) {
        return factory instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : factory;
    }

    @AfterEach
    void closeConnections() throws JMSException {
        for (Connection connection : connections) {
            connection.close();
        }
        connections.clear();
    }
}
