package dev.caravan.testsupport;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS backend on loopback that demands a client certificate signed by (or equal to) one in
 * its trust store: a real mutual-TLS server. Records the subject of each caller's certificate.
 */
public final class TlsTestBackend implements AutoCloseable {
    private final HttpsServer server;
    private final BlockingQueue<String> clientSubjects = new LinkedBlockingQueue<>();

    public TlsTestBackend(File keyStore, File trustStore, String password) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, password), password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(trustStore, password));
            ssl.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = ssl.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(true);
                    params.setSSLParameters(parameters);
                }
            });
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    X509Certificate client = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                            .getPeerCertificates()[0];
                    clientSubjects.add(client.getSubjectX500Principal().getName());
                    byte[] answer = "{\"secure\":true}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the TLS backend", e);
        }
    }

    private static KeyStore load(File file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** {@code https://127.0.0.1:<port>}: the certificate names 127.0.0.1, so host-name checks pass. */
    public String baseUrl() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next caller's certificate subject, waiting up to 5 s; null if none came. */
    public String nextClientSubject() throws InterruptedException {
        return clientSubjects.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
