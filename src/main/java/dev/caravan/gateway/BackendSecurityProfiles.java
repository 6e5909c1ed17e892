package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import dev.caravan.http.Cidr;
import dev.caravan.http.FlushBatching;
import dev.caravan.http.HeaderValueBytes;
import dev.caravan.http.PooledWriteBuffers;
import dev.caravan.http.HttpText;
import dev.caravan.http.TrafficHeaderFilterStrategy;
import dev.caravan.http.TrafficServerConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The backend security profiles of {@code caravan.backend-security}, checked and built once at
 * start-up: a bad profile stops start-up with a message naming its key. Owns the Vert.x HTTP
 * clients the forwarder uses: one for plain backends and one per TLS profile (its own key store
 * and trust store, its own connection pools), each with a pool per event loop ({@link BackendClient}).
 */
@Component
@EnableConfigurationProperties(BackendSecurityProperties.class)
public class BackendSecurityProfiles {

    /** A profile ready for the hot path: header values computed, client built. */
    public record Compiled(String name, String authorization, String headerName, String headerValue, BackendClient backend) {
        /** The profile's client for the calling event loop. */
        public HttpClient client() {
            return backend.current();
        }
    }

    private final BackendClient defaultClient;
    private final Map<String, Compiled> profiles = new HashMap<>();
    private final List<Cidr> trustedProxies;

    public BackendSecurityProfiles(Vertx caravanVertx, CaravanProperties properties, BackendSecurityProperties settings) {
        CaravanProperties.Gateway gateway = properties.gateway();
        boolean batchFlushes = properties.traffic().batchFlushes();
        int eventLoops = TrafficServerConfiguration.eventLoops(properties);
        this.defaultClient = client(caravanVertx, baseOptions(gateway), gateway, batchFlushes, eventLoops);
        settings.backendSecurity().forEach((name, profile) ->
                profiles.put(name, compile(caravanVertx, gateway, batchFlushes, eventLoops, name, profile)));
        this.trustedProxies = settings.trustedProxies().stream().map(cidr -> {
            String problem = Cidr.problem(cidr);
            if (problem != null) {
                throw new IllegalStateException("caravan.trusted-proxies: " + cidr + " " + problem);
            }
            return Cidr.parse(cidr);
        }).toList();
    }

    static HttpClientOptions baseOptions(CaravanProperties.Gateway gateway) {
        return new HttpClientOptions()
                .setConnectTimeout((int) gateway.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setTryUseCompression(false)
                .setVerifyHost(true);
    }

    /**
     * Pooled backend clients, one per event loop: requests encoded into pooled direct buffers ({@link PooledWriteBuffers}),
     * long header values written as bytes ({@link HeaderValueBytes}); with
     * {@code batchFlushes}, requests flushed at the end of the event loop's I/O batch.
     */
    private static BackendClient client(Vertx vertx, HttpClientOptions options, CaravanProperties.Gateway gateway,
                                        boolean batchFlushes, int eventLoops) {
        return new BackendClient(eventLoops, () -> vertx.httpClientBuilder().with(options)
                .with(new PoolOptions().setHttp1MaxSize(gateway.maxConnections()))
                .withConnectHandler(connection -> {
                    PooledWriteBuffers.install(connection);
                    HeaderValueBytes.install(connection);
                    if (batchFlushes) {
                        FlushBatching.install(connection);
                    }
                })
                .build());
    }

    /** The client for plain backends of the calling event loop (off the event loops: a shared one). */
    public HttpClient defaultClient() {
        return defaultClient.current();
    }

    public boolean exists(String name) {
        return profiles.containsKey(name);
    }

    public Compiled profile(String name) {
        Compiled compiled = profiles.get(name);
        if (compiled == null) {
            throw new IllegalStateException("no backend security profile " + name);
        }
        return compiled;
    }

    public List<Cidr> trustedProxies() {
        return trustedProxies;
    }

    private Compiled compile(Vertx vertx, CaravanProperties.Gateway gateway, boolean batchFlushes, int eventLoops, String name,
                             BackendSecurityProperties.Profile profile) {
        String key = "caravan.backend-security." + name;
        if (!Pattern.matches("[A-Za-z0-9._-]{1,100}", name)) {
            throw new IllegalStateException(key + ": a profile name is letters, digits, '.', '_' or '-'");
        }
        if (profile.basic() == null && profile.header() == null && profile.tls() == null) {
            throw new IllegalStateException(key + ": set basic, header or tls");
        }
        if (profile.basic() != null && profile.header() != null
                && profile.header().name().equalsIgnoreCase("Authorization")) {
            throw new IllegalStateException(key + ": basic and an Authorization header cannot both be set");
        }
        String authorization = null;
        if (profile.basic() != null) {
            String user = profile.basic().username();
            String password = profile.basic().password();
            if (user.isEmpty() || user.indexOf(':') >= 0 || HttpText.hasControl(user) || password.isEmpty() || HttpText.hasControl(password)) {
                throw new IllegalStateException(key + ".basic: the username must be non-empty without ':' and the"
                        + " password non-empty, neither with control characters");
            }
            authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        String headerName = null;
        String headerValue = null;
        if (profile.header() != null) {
            headerName = profile.header().name();
            headerValue = profile.header().value();
            if (headerName.length() > 100 || !HttpText.isToken(headerName) || TrafficHeaderFilterStrategy.isInternalOrHopByHop(headerName)
                    || headerName.equalsIgnoreCase("Host") || headerName.equalsIgnoreCase("Content-Length")) {
                throw new IllegalStateException(key + ".header.name: not a header the gateway may set");
            }
            if (headerValue.isEmpty() || HttpText.hasControl(headerValue)) {
                throw new IllegalStateException(key + ".header.value: must be non-empty without control characters");
            }
        }
        BackendClient client = defaultClient;
        if (profile.tls() != null) {
            BackendSecurityProperties.Tls tls = profile.tls();
            HttpClientOptions options = baseOptions(gateway).setVerifyHost(tls.verifyHost());
            if (tls.keyStore() != null && !tls.keyStore().isBlank()) {
                check(key + ".tls.key-store", tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword());
                options.setKeyCertOptions(new KeyStoreOptions().setType(tls.keyStoreType()).setPath(tls.keyStore())
                        .setPassword(tls.keyStorePassword()));
            }
            if (tls.trustStore() != null && !tls.trustStore().isBlank()) {
                check(key + ".tls.trust-store", tls.trustStore(), tls.trustStoreType(), tls.trustStorePassword());
                options.setTrustOptions(new KeyStoreOptions().setType(tls.trustStoreType()).setPath(tls.trustStore())
                        .setPassword(tls.trustStorePassword()));
            }
            client = client(vertx, options, gateway, batchFlushes, eventLoops);
        }
        return new Compiled(name, authorization, headerName, headerValue, client);
    }

    /** Opens the store once so a wrong path, type or password stops start-up with the key's name. */
    private static void check(String key, String path, String type, String password) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore.getInstance(type).load(in, password == null ? null : password.toCharArray());
        } catch (Exception e) {
            throw new IllegalStateException(key + ": cannot be opened as a " + type + " store with the configured password ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

}
