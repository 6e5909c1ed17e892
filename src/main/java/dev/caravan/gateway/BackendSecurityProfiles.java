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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The backend security profiles of {@code caravan.backend-security}, checked and built once at
 * start-up: a bad profile stops start-up with a message naming its key. Each is bound to the
 * organizations whose APIs may use it and the backend hosts its credentials may go to
 * ({@link #available}). Owns the Vert.x HTTP
 * clients the forwarder uses: one for plain backends and one per TLS profile (its own key store
 * and trust store, its own connection pools), each with a pool per event loop ({@link BackendClient}),
 * each new connection of each pool checked by the {@link BackendAddressPolicy}.
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

    /**
     * Who may use a profile: APIs of these organizations whose backend is one of these hosts
     * ({@code port} 0: any port of the host).
     */
    record Binding(Set<String> organizations, List<HostRule> hosts) {
        boolean allows(String organization, BackendEndpoints.Backend backend) {
            if (organization == null || !organizations.contains(organization) || backend == null || backend.isQueue()) {
                return false;
            }
            String host = backend.host().toLowerCase(Locale.ROOT);
            for (HostRule rule : hosts) {
                if (rule.host().equals(host) && (rule.port() == 0 || rule.port() == backend.port())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One entry of a profile's {@code hosts}: a host name or IP address (lower case, no brackets), and a port or 0. */
    record HostRule(String host, int port) {}

    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final BackendClient defaultClient;
    private final Map<String, Compiled> profiles = new HashMap<>();
    private final Map<String, Binding> bindings = new HashMap<>();
    private final List<Cidr> trustedProxies;

    public BackendSecurityProfiles(Vertx caravanVertx, CaravanProperties properties, BackendSecurityProperties settings,
                                   BackendAddressPolicy addresses) {
        CaravanProperties.Gateway gateway = properties.gateway();
        boolean batchFlushes = properties.traffic().batchFlushes();
        int eventLoops = TrafficServerConfiguration.eventLoops(properties);
        this.defaultClient = client(caravanVertx, baseOptions(gateway), gateway, batchFlushes, eventLoops, addresses);
        settings.backendSecurity().forEach((name, profile) ->
                profiles.put(name, compile(caravanVertx, gateway, batchFlushes, eventLoops, addresses, name, profile)));
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
     * {@code batchFlushes}, requests flushed at the end of the event loop's I/O batch. Every new
     * connection is first checked against the backend address policy: one to an address the
     * gateway does not call is closed before anything is written on it.
     */
    private static BackendClient client(Vertx vertx, HttpClientOptions options, CaravanProperties.Gateway gateway,
                                        boolean batchFlushes, int eventLoops, BackendAddressPolicy addresses) {
        return new BackendClient(eventLoops, () -> vertx.httpClientBuilder().with(options)
                .with(new PoolOptions().setHttp1MaxSize(gateway.maxConnections()))
                .withConnectHandler(connection -> {
                    if (!addresses.admits(connection)) {
                        return;
                    }
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

    /**
     * The profile {@code name} if an API of {@code organization} whose backend is {@code backend}
     * may use it (the profile lists the organization, and the backend's host, with its port if the
     * entry has one); otherwise null, the same whether the profile does not exist or is another's.
     */
    public Compiled available(String name, String organization, BackendEndpoints.Backend backend) {
        Binding binding = name == null ? null : bindings.get(name);
        return binding != null && binding.allows(organization, backend) ? profiles.get(name) : null;
    }

    public List<Cidr> trustedProxies() {
        return trustedProxies;
    }

    private Compiled compile(Vertx vertx, CaravanProperties.Gateway gateway, boolean batchFlushes, int eventLoops,
                             BackendAddressPolicy addresses, String name, BackendSecurityProperties.Profile profile) {
        String key = "caravan.backend-security." + name;
        if (!Pattern.matches("[A-Za-z0-9._-]{1,100}", name)) {
            throw new IllegalStateException(key + ": a profile name is letters, digits, '.', '_' or '-'");
        }
        bindings.put(name, binding(key, profile));
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
            client = client(vertx, options, gateway, batchFlushes, eventLoops, addresses);
        }
        return new Compiled(name, authorization, headerName, headerValue, client);
    }

    /**
     * A profile's {@code organizations} and {@code hosts}: both required and non-empty, so that no
     * profile's credentials can be named by just any organization or sent to just any host.
     */
    static Binding binding(String key, BackendSecurityProperties.Profile profile) {
        if (profile.organizations() == null || profile.organizations().isEmpty()) {
            throw new IllegalStateException(key + ".organizations must list the organizations whose APIs may use this profile");
        }
        Set<String> organizations = new HashSet<>();
        for (String organization : profile.organizations()) {
            if (organization == null || !ORGANIZATION.matcher(organization).matches()) {
                throw new IllegalStateException(key + ".organizations: each must be an organization name ([A-Za-z0-9_.-]{1,64})");
            }
            organizations.add(organization);
        }
        if (profile.hosts() == null || profile.hosts().isEmpty()) {
            throw new IllegalStateException(key + ".hosts must list the backend hosts (host or host:port) this profile's"
                    + " credentials may be sent to");
        }
        List<HostRule> hosts = new ArrayList<>();
        for (String entry : profile.hosts()) {
            hosts.add(hostRule(key + ".hosts", entry));
        }
        return new Binding(Set.copyOf(organizations), List.copyOf(hosts));
    }

    /** {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}; no wildcards. */
    static HostRule hostRule(String key, String entry) {
        String rule = key + ": each must be host or host:port (an IPv6 address in brackets, [::1]:8443), without"
                + " scheme, path or wildcard";
        if (entry == null) {
            throw new IllegalStateException(rule);
        }
        String text = entry.trim().toLowerCase(Locale.ROOT);
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalStateException(rule);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalStateException(rule);
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
                throw new IllegalStateException(rule);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalStateException(rule); // a bare IPv6 address: its last group would read as a port
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (!HOST_NAME.matcher(host).matches()) {
                throw new IllegalStateException(rule);
            }
        }
        int number = 0;
        if (port != null) {
            if (!Pattern.matches("[0-9]{1,5}", port) || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalStateException(rule);
            }
            number = Integer.parseInt(port);
        }
        return new HostRule(host, number);
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
