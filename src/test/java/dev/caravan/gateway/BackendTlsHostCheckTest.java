package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend clients' TLS checks the host for IP addresses too: the options every backend pool
 * starts from (the default pools of plain {@code https://} backends use them as they are, with the
 * JVM's trust) and a backend security profile's own pool, against a real Vert.x HTTPS server at
 * 127.0.0.1 whose certificate the client trusts.
 */
class BackendTlsHostCheckTest {
    private static final File ANOTHER_HOST = TestCertificates.forAnotherHost();
    private static final File IP_ONLY = TestCertificates.selfSigned("CN=backend", "ip:127.0.0.1");
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static KeyStoreOptions store(File file) {
        return new KeyStoreOptions().setType("PKCS12").setPath(file.getPath()).setPassword(TestCertificates.PASSWORD);
    }

    /** An HTTPS server on 127.0.0.1 presenting {@code certificate}; answers its port. */
    private int serverWith(File certificate) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(store(certificate)))
                .requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private static int get(HttpClient client, int port) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                        .setSsl(true).setURI("/"))
                .compose(request -> request.send())
                .map(HttpClientResponse::statusCode)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpClient defaultOptionsTrusting(File certificate) {
        return vertx.createHttpClient(BackendSecurityProfiles.baseOptions(MediatorRig.properties(Map.of()).gateway())
                .setTrustOptions(store(certificate)));
    }

    @Test
    void theDefaultBackendOptionsRefuseACertificateForAnotherHostAtAnIpAddress() throws Exception {
        int port = serverWith(ANOTHER_HOST);
        HttpClient client = defaultOptionsTrusting(ANOTHER_HOST);

        assertThatThrownBy(() -> get(client, port)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .hasStackTraceContaining("127.0.0.1");
    }

    @Test
    void theDefaultBackendOptionsAcceptTheAddressAsIpAlternativeName() throws Exception {
        assertThat(get(defaultOptionsTrusting(IP_ONLY), serverWith(IP_ONLY))).isEqualTo(200);
    }

    @Test
    void aTlsProfilesOwnPoolChecksTheHostUnlessTheProfileTurnsItOff() throws Exception {
        int port = serverWith(ANOTHER_HOST);
        BackendSecurityProfiles profiles = MediatorRig.profiles(Map.of(
                "caravan.backend-security.checked.organizations[0]", "acme",
                "caravan.backend-security.checked.hosts[0]", "127.0.0.1",
                "caravan.backend-security.unchecked.organizations[0]", "acme",
                "caravan.backend-security.unchecked.hosts[0]", "127.0.0.1",
                "caravan.backend-security.checked.tls.trust-store", ANOTHER_HOST.getPath(),
                "caravan.backend-security.checked.tls.trust-store-password", TestCertificates.PASSWORD,
                "caravan.backend-security.unchecked.tls.trust-store", ANOTHER_HOST.getPath(),
                "caravan.backend-security.unchecked.tls.trust-store-password", TestCertificates.PASSWORD,
                "caravan.backend-security.unchecked.tls.verify-host", "false"));

        BackendEndpoints.Backend backend = new BackendEndpoints.Backend(true, "127.0.0.1", port, "");
        assertThatThrownBy(() -> get(profiles.available("checked", "acme", backend).client(), port))
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(get(profiles.available("unchecked", "acme", backend).client(), port)).isEqualTo(200);
    }
}
