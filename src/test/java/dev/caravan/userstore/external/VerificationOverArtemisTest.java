package dev.caravan.userstore.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.InMemoryExternalStore;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The token endpoint asks an organization's secondary store by request/reply over the embedded
 * Artemis broker; the verification route serving that organization answers.
 */
class VerificationOverArtemisTest extends CaravanTestBase {
    private static final String SECONDARY_PASSWORD = "secondary-Pa55word!";

    @Autowired
    ExternalSecondaryUserStores secondary;
    @Autowired
    ServedUserStores served;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    dev.caravan.broker.EmbeddedBroker broker;

    private Http.Response passwordGrant(Fixtures.World world, String username, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", username, "password", password));
    }

    private InMemoryExternalStore secondaryStore(Fixtures.World world, String user, Duration timeout) {
        String org = world.organization().name();
        InMemoryExternalStore store = new InMemoryExternalStore(org, user, SECONDARY_PASSWORD);
        served.serve(org, store, 2);
        secondary.bind(org, timeout, 4, 3, Duration.ofSeconds(30));
        return store;
    }

    @Test
    void passwordGrantWhenUserOnlyInSecondaryStoreThenTokenIssuedOverArtemis() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        InMemoryExternalStore store = secondaryStore(world, "sam", Duration.ofSeconds(3));

        Http.Response ok = passwordGrant(world, "sam@" + world.organization().name(), SECONDARY_PASSWORD);

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("access_token").asText()).isNotEmpty();
        assertThat(store.calls()).isEqualTo(1);
    }

    @Test
    void passwordGrantWhenSecondaryPasswordWrongThenInvalidGrant() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        secondaryStore(world, "sam", Duration.ofSeconds(3));

        Http.Response refused = passwordGrant(world, "sam@" + world.organization().name(), "not-the-password");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void passwordGrantWhenPasswordEmptyWhitespaceOrOversizeThenRefusedBeforeTheStore() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        InMemoryExternalStore store = secondaryStore(world, "sam", Duration.ofSeconds(3));
        String sam = "sam@" + world.organization().name();

        for (String password : new String[] {"", " ", "\t \t", "p".repeat(1025)}) {
            Http.Response refused = passwordGrant(world, sam, password);
            assertThat(refused.status()).as("password of length %d", password.length()).isEqualTo(400);
        }
        Http.Response longName = passwordGrant(world, "s".repeat(300) + "@" + world.organization().name(),
                SECONDARY_PASSWORD);
        assertThat(longName.status()).isEqualTo(400);
        assertThat(store.calls()).as("nothing reached the directory").isZero();
    }

    @Test
    void passwordGrantWhenPrimaryUserThenSecondaryStoreNotAsked() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        InMemoryExternalStore store = secondaryStore(world, "sam", Duration.ofSeconds(3));

        Http.Response ok = passwordGrant(world, world.endUserName(), Fixtures.END_USER_PASSWORD);

        assertThat(ok.status()).isEqualTo(200);
        assertThat(store.calls()).isZero();
    }

    @Test
    void passwordGrantWhenNobodyServesTheQueueThenTemporarilyUnavailableWithinTimeout() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        secondary.bind(org, Duration.ofMillis(800), 4, 3, Duration.ofSeconds(30));

        long start = System.nanoTime();
        Http.Response unavailable = passwordGrant(world, "sam@" + org, SECONDARY_PASSWORD);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.json().path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(millis).as("answered after the 800 ms timeout, not hanging").isLessThan(10_000);
    }

    @Test
    void userstoreQueuesRefuseWhenFullInsteadOfPagingPasswordsToDisk() {
        String queue = ServedUserStores.queue("any-organization");
        org.apache.activemq.artemis.core.settings.impl.AddressSettings userstore =
                dev.caravan.broker.EmbeddedBrokerAccess.settingsFor(broker, queue);
        org.apache.activemq.artemis.core.settings.impl.AddressSettings audit =
                dev.caravan.broker.EmbeddedBrokerAccess.settingsFor(broker, "caravan.audit.security");

        assertThat(userstore.getAddressFullMessagePolicy())
                .isEqualTo(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.FAIL);
        assertThat(userstore.getMaxSizeBytes()).isPositive();
        // inherited from the broker-wide settings: expired requests are dropped, not kept
        assertThat(String.valueOf(userstore.getExpiryAddress())).isEqualTo("caravan.expired");
        assertThat(audit.getAddressFullMessagePolicy())
                .isEqualTo(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.PAGE);
    }

    @Test
    void verificationRequestIsNonPersistentAndExpires() throws Exception {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        // bound but not served: the request stays on the queue where a browser can see it
        secondary.bind(org, Duration.ofSeconds(20), 4, 3, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Future<?> pending = pool.submit(() -> secondary.forOrganization(org).orElseThrow()
                    .verify(org, "sam", SECONDARY_PASSWORD.toCharArray()));
            Message seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                QueueBrowser browser;
                try {
                    browser = session.createBrowser(session.createQueue(ServedUserStores.queue(org)));
                } catch (InvalidDestinationException raced) {
                    // a browser creates a missing queue client-side (look up, then create): when the
                    // verification's send creates it in between, Artemis says it already exists
                    // (seen in CI). The queue is there now; look again
                    continue;
                }
                List<?> messages = Collections.list(browser.getEnumeration());
                browser.close();
                seen = messages.isEmpty() ? null : (Message) messages.get(0);
            }
            assertThat(seen).as("request on the organization's queue").isNotNull();
            assertThat(seen.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(seen.getJMSExpiration()).as("expires with the timeout").isPositive();
            assertThat(seen).isInstanceOf(TextMessage.class);
            pending.cancel(true);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verificationRouteWhenObjectMessageThenRefusedAndNeverDeserialized() throws Exception {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9");
        String org = world.organization().name();
        InMemoryExternalStore store = secondaryStore(world, "sam", Duration.ofSeconds(3));
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var replyTo = session.createTemporaryQueue();
            MessageProducer producer = session.createProducer(session.createQueue(ServedUserStores.queue(org)));
            ObjectMessage hostile = session.createObjectMessage(new java.util.ArrayList<>(List.of("payload")));
            hostile.setJMSReplyTo(replyTo);
            hostile.setStringProperty("CamelJmsDestinationName", "caravan.audit.security");
            producer.send(hostile);
            Message reply = session.createConsumer(replyTo).receive(10_000);
            assertThat(reply).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) reply).getText()).contains("\"outcome\":\"unavailable\"");
        }
        assertThat(store.calls()).isZero();
    }

    @Test
    void hangingDirectoryWhenOtherOrganizationsLogInThenTheyKeepNormalLatency() throws Exception {
        Fixtures.World hanging = fixtures.world("http://127.0.0.1:9");
        Fixtures.World healthy = fixtures.world("http://127.0.0.1:9");
        // the hanging store's timeout (5 s) is what a login that waited for it would take; a loaded
        // machine alone makes a pair of logins take 2-3 s
        InMemoryExternalStore stuck = secondaryStore(hanging, "sam", Duration.ofSeconds(5));
        secondaryStore(healthy, "kim", Duration.ofSeconds(2));
        stuck.hang();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> stuckLogins = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stuckLogins.add(pool.submit(() ->
                        passwordGrant(hanging, "sam@" + hanging.organization().name(), SECONDARY_PASSWORD)));
            }
            // while the hanging organization's logins wait, others log in at once
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                Http.Response other = passwordGrant(healthy, "kim@" + healthy.organization().name(), SECONDARY_PASSWORD);
                Http.Response primary = passwordGrant(healthy, healthy.endUserName(), Fixtures.END_USER_PASSWORD);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(other.status()).isEqualTo(200);
                assertThat(primary.status()).isEqualTo(200);
                assertThat(millis).as("two logins while another directory hangs").isLessThan(4_500);
            }
            for (Future<Http.Response> login : stuckLogins) {
                assertThat(login.get().status()).isEqualTo(503);
            }
            // three timeouts opened the hanging organization's circuit: it now fails at once
            assertThat(secondary.remote(hanging.organization().name()).orElseThrow().breaker().state())
                    .isEqualTo(CircuitBreaker.State.OPEN);
            long start = System.nanoTime();
            Http.Response fast = passwordGrant(hanging, "sam@" + hanging.organization().name(), SECONDARY_PASSWORD);
            assertThat(fast.status()).isEqualTo(503);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
        } finally {
            stuck.release();
            pool.shutdownNow();
        }
    }
}
