package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.CaravanApplication;
import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditRepository;
import dev.caravan.http.TrafficServer;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.registry.SubscriptionRepository;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.TestBackend;
import dev.caravan.userstore.PasswordHasher;
import dev.caravan.userstore.PrimaryUserRepository;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import dev.caravan.userstore.webservice.WebServiceSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stopping the gateway while calls are in flight (a rolling update): the API call and the
 * password grant already taken are answered, a request arriving meanwhile gets 503
 * {@code temporarily_unavailable}, a grant whose client left is still completed, no audit event
 * is dropped, and each grant's security event is stored exactly once (found after a restart on
 * the same database and broker journal).
 */
class GracefulShutdownTest {
    private static final String REMOTE_USER = "remote-user";
    private static final String LEAVING_USER = "leaving-user";

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(String database, String... more) {
        return new SpringApplicationBuilder(CaravanApplication.class).properties(more).run(
                "--caravan.traffic.port=0", "--caravan.traffic.host=127.0.0.1", "--server.port=0",
                "--caravan.admin.password=shutdown-Admin-1",
                "--spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
                "--caravan.broker.persistent=true", "--caravan.broker.data-dir=" + dir.resolve("artemis"),
                "--caravan.token.max-failures-per-address=1000000");
    }

    private static Fixtures fixtures(ConfigurableApplicationContext context) {
        return new Fixtures(context.getBean(OrganizationRepository.class), context.getBean(PrimaryUserRepository.class),
                context.getBean(ApplicationRepository.class), context.getBean(ApiRepository.class),
                context.getBean(SubscriptionRepository.class), context.getBean(PasswordHasher.class));
    }

    private static Http.Response passwordGrant(String tokenUrl, Fixtures.World world, String username, String password) {
        return Http.postForm(tokenUrl, Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", username + "@" + world.organization().name(),
                        "password", password));
    }

    /** Sends a password grant over a socket and closes it as soon as the request is out. */
    private static void abandonGrant(int port, Fixtures.World world, String username) throws Exception {
        String form = Http.form(Http.params("grant_type", "password",
                "username", username + "@" + world.organization().name(), "password", "leaving-Pa55word!"));
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: " + Http.basic(world.consumerKey(), world.consumerSecret()) + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\n\r\n" + form;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }
    }

    private static double dropped(MeterRegistry meters, String kind) {
        Counter counter = meters.find("caravan.audit.dropped").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void callsInFlightAreAnsweredAndAuditedWhileTheGatewayStops() throws Exception {
        String database = "shutdown_" + System.nanoTime();
        // long enough for the late call to arrive while the drain still waits, on a busy machine too
        Duration slow = Duration.ofMillis(3000);
        try (TestBackend backend = new TestBackend().respond(200, "{\"from\":\"backend\"}").delay(slow);
             TestBackend authService = new TestBackend().respond(200, "{\"response\":{\"status\":\"true\"}}")
                     .delay(slow)) {
            ConfigurableApplicationContext gateway = start(database);
            TrafficServer traffic = gateway.getBean(TrafficServer.class);
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            String base = "http://127.0.0.1:" + traffic.port();
            Fixtures.World world = fixtures(gateway).world(backend.baseUrl());
            String org = world.organization().name();
            // the organization's end users outside the primary store are checked by a slow web service
            gateway.getBean(SecondaryStoreRepository.class).save(world.organization().id(),
                    new SecondaryStoreDefinition(org, "webservice",
                            SecondaryStoreDefinition.Mode.LOCAL, new WebServiceSettings(authService.baseUrl() + "/auth", null, null, null, null, null,
                                    Duration.ofSeconds(10), null, null),
                            Duration.ofSeconds(10), 2, 8, 5, Duration.ofSeconds(1)));
            Http.Response token = passwordGrant(base + "/oauth2/token", world, world.endUser().username(),
                    Fixtures.END_USER_PASSWORD);
            assertThat(token.status()).as(token.body()).isEqualTo(200);
            String accessToken = token.json().path("access_token").asText();

            CompletableFuture<Http.Response> apiCall = CompletableFuture.supplyAsync(() -> Http.get(
                    base + world.apiPath() + "/items", "Authorization", "Bearer " + accessToken));
            CompletableFuture<Http.Response> grant = CompletableFuture.supplyAsync(() -> passwordGrant(
                    base + "/oauth2/token", world, REMOTE_USER, "remote-Pa55word!"));
            backend.take();
            authService.take();
            // a client that gives up while its grant is being checked: the token is still issued
            // (and recorded) after it left, and the stop waits for that too
            abandonGrant(traffic.port(), world, LEAVING_USER);
            authService.take();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);
            Poll.until(Duration.ofSeconds(10), traffic::draining, draining -> draining);
            Http.Response arrivingLate = Http.get(base + world.apiPath() + "/items",
                    "Authorization", "Bearer " + accessToken);
            assertThat(arrivingLate.status()).isEqualTo(503);
            assertThat(arrivingLate.json().path("error").asText()).isEqualTo("temporarily_unavailable");

            Http.Response answered = apiCall.get(20, TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            assertThat(answered.json().path("from").asText()).isEqualTo("backend");
            Http.Response granted = grant.get(20, TimeUnit.SECONDS);
            assertThat(granted.status()).as(granted.body()).isEqualTo(200);
            assertThat(granted.json().path("access_token").asText()).isNotBlank();
            stopping.get(60, TimeUnit.SECONDS);
            assertThat(dropped(meters, "security")).isZero();
            assertThat(dropped(meters, "api_call")).isZero();

            try (ConfigurableApplicationContext restarted = start(database)) {
                AuditRepository audit = restarted.getBean(AuditRepository.class);
                List<AuditEvent> issued = Poll.until(Duration.ofSeconds(20),
                        () -> audit.find(new AuditRepository.Query(org, REMOTE_USER, AuditEventType.TOKEN_ISSUED,
                                null, null, 100)),
                        events -> !events.isEmpty());
                // a moment more: a second copy would arrive with the first
                Thread.sleep(500);
                assertThat(audit.find(new AuditRepository.Query(org, REMOTE_USER, AuditEventType.TOKEN_ISSUED,
                        null, null, 100))).hasSize(1).isEqualTo(issued);
                assertThat(issued.get(0).detail()).doesNotContainValue("remote-Pa55word!");
                assertThat(audit.find(new AuditRepository.Query(org, LEAVING_USER, AuditEventType.TOKEN_ISSUED,
                        null, null, 100))).as("the grant whose client left").hasSize(1);
            }
        }
    }

    @Test
    void anIdleGatewayDoesNotWaitOutTheGrace() {
        ConfigurableApplicationContext gateway = start("shutdown_idle_" + System.nanoTime(),
                "caravan.traffic.shutdown-grace=120s");
        TrafficServer traffic = gateway.getBean(TrafficServer.class);
        long started = System.nanoTime();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("nothing in flight: no wait for the grace")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(traffic.isRunning()).isFalse();
        assertThat(traffic.draining()).isTrue();
    }
}
