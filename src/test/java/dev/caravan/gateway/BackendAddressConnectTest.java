package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testsupport.ByteCountingServer;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend clients check the address each new connection reached ({@link BackendAddressPolicy#admits}):
 * a connection to an address the gateway does not call is closed before anything is written on
 * it, and the call fails. Against a plain TCP server on 127.0.0.1 that counts every byte it
 * receives, through the plain backends' pool and a TLS profile's own pool.
 */
class BackendAddressConnectTest {
    private static final File CERTIFICATE = TestCertificates.selfSigned("CN=backend", "ip:127.0.0.1");

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int get(HttpClient client, int port, boolean tls) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                        .setSsl(tls).setURI("/latest/meta-data"))
                .compose(request -> request.send())
                .map(HttpClientResponse::statusCode)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Map<String, String> defaults() {
        return Map.of("caravan.gateway.backend-networks.allowed", "");
    }

    @Test
    void onTheDefaultsAConnectionToLoopbackIsClosedBeforeAnyByteIsSent() throws Exception {
        try (ByteCountingServer server = new ByteCountingServer()) {
            BackendSecurityProfiles profiles = MediatorRig.profiles(defaults());

            assertThatThrownBy(() -> get(profiles.defaultClient(), server.port(), false))
                    .isInstanceOf(ExecutionException.class);

            assertThat(server.nextConnection(Duration.ofSeconds(10))).as("bytes the backend received").isZero();
        }
    }

    @Test
    void aTlsProfilesPoolIsCheckedTooAndSendsNoRequest() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer https = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(CERTIFICATE.getPath())
                                .setPassword(TestCertificates.PASSWORD)))
                .requestHandler(request -> {
                    requests.incrementAndGet();
                    request.response().end("metadata");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<String, String> settings = new java.util.HashMap<>(defaults());
        settings.put("caravan.backend-security.mtls.organizations[0]", "acme");
        settings.put("caravan.backend-security.mtls.hosts[0]", "127.0.0.1");
        settings.put("caravan.backend-security.mtls.tls.trust-store", CERTIFICATE.getPath());
        settings.put("caravan.backend-security.mtls.tls.trust-store-password", TestCertificates.PASSWORD);
        BackendSecurityProfiles profiles = MediatorRig.profiles(settings);
        BackendEndpoints.Backend backend = new BackendEndpoints.Backend(true, "127.0.0.1", https.actualPort(), "");

        assertThatThrownBy(() -> get(profiles.available("mtls", "acme", backend).client(), https.actualPort(), true))
                .isInstanceOf(ExecutionException.class);
        assertThat(requests).hasValue(0);

        // the same pool with loopback allowed: the server answers (so the refusal above was the policy's)
        Map<String, String> allowed = new java.util.HashMap<>(settings);
        allowed.put("caravan.gateway.backend-networks.allowed", MediatorRig.LOOPBACK);
        BackendSecurityProfiles open = MediatorRig.profiles(allowed);
        assertThat(get(open.available("mtls", "acme", backend).client(), https.actualPort(), true)).isEqualTo(200);
        assertThat(requests).hasValue(1);
    }

    @Test
    void withLoopbackAllowedTheGatewaysOwnPortIsStillRefusedAndThePoolGoesOnServingOthers() throws Exception {
        HttpServer backend = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (ByteCountingServer own = new ByteCountingServer()) {
            BackendAddressPolicy policy = MediatorRig.addresses(Map.of());
            policy.ownPort(own.port());
            BackendSecurityProfiles profiles = MediatorRig.profiles(Map.of(), policy);
            HttpClient client = profiles.defaultClient();

            assertThatThrownBy(() -> get(client, own.port(), false)).isInstanceOf(ExecutionException.class);
            assertThat(own.nextConnection(Duration.ofSeconds(10))).as("bytes the own port received").isZero();

            assertThat(get(client, backend.actualPort(), false)).isEqualTo(200);
            assertThatThrownBy(() -> get(client, own.port(), false)).isInstanceOf(ExecutionException.class);
            assertThat(own.nextConnection(Duration.ofSeconds(10))).as("bytes the own port received").isZero();
        }
    }
}
