package dev.caravan.gateway;

import dev.caravan.broker.BrokerProperties;
import dev.caravan.config.CaravanProperties;
import dev.caravan.http.Cidr;
import dev.caravan.http.TrafficServer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which addresses the gateway calls as a backend ({@code caravan.gateway.backend-networks}), so
 * that a publisher's {@code backendUrl} can never make the gateway call itself, its host's
 * loopback services or the cloud's metadata service on the publisher's behalf.
 *
 * <p>An address is refused when it is one of the gateway's own listening ports (traffic,
 * management, the embedded broker's acceptor) on one of the gateway's own addresses (loopback,
 * unspecified, an address of one of its network interfaces), whatever is allowed; or when it
 * lies in a {@link #BUILT_IN_DENIED built-in denied network} or in {@code denied} and in no
 * network of {@code allowed}. An IPv6 address that embeds an IPv4 address (IPv4-mapped
 * {@code ::ffff:0:0/96}, IPv4-translated {@code ::ffff:0:0:0/96}, IPv4-compatible {@code ::/96},
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is refused when either form is.
 *
 * <p>Checked twice: when an API is saved ({@link #problem}: an address literal directly, a host
 * name resolved and every address checked, a name that does not resolve left to the second
 * check) and on every new backend connection ({@link #admits}, from the backend clients'
 * connection handler: the address actually connected to, so a DNS answer that changed since the
 * save cannot get around it). Nothing is checked per call: a pooled connection was checked
 * when it was opened.
 */
@Component
public class BackendAddressPolicy implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(BackendAddressPolicy.class);

    /**
     * Networks the gateway never calls unless {@code caravan.gateway.backend-networks.allowed}
     * holds the address. They always apply: {@code denied} adds to them.
     */
    public static final List<String> BUILT_IN_DENIED = List.of(
            "0.0.0.0/8",          // "this network": 0.0.0.0 reaches the gateway's own host
            "127.0.0.0/8",        // loopback
            "169.254.0.0/16",     // link-local: cloud metadata (169.254.169.254), container credential endpoints
            "224.0.0.0/4",        // multicast
            "240.0.0.0/4",        // reserved, with the limited broadcast 255.255.255.255
            "100.100.100.200/32", // a cloud metadata service outside link-local (Alibaba Cloud)
            "::/128",             // unspecified
            "::1/128",            // loopback
            "fe80::/10",          // link-local
            "ff00::/8",           // multicast
            "fd00:ec2::254/128"); // a cloud metadata service over IPv6 (AWS)

    /** The admin API's message for an address literal; it says no more than that. */
    public static final String REFUSED_ADDRESS = "names an address the gateway does not call";
    /** The admin API's message for a host name one of whose addresses is refused. */
    public static final String REFUSED_HOST = "names a host with an address the gateway does not call";

    /** Why an address is refused: for the log, never for a publisher or a caller. */
    public enum Refusal {
        OWN_PORT("is one of the gateway's own listening ports"),
        DENIED_NETWORK("is in a network the gateway does not call (caravan.gateway.backend-networks)");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private static final List<Cidr> BUILT_IN = BUILT_IN_DENIED.stream().map(Cidr::parse).toList();
    /** How long a refusal to one address and port is not logged again (a stored API's every call would). */
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final List<Cidr> denied;
    private final List<Cidr> allowed;
    /** The gateway's own listening ports, replaced whole on a change (a few at start-up). */
    private volatile int[] ownPorts = new int[0];
    private final ObjectProvider<TrafficServer> trafficServer;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    /**
     * The policy of these settings, with the gateway's own ports known from the configuration
     * (the management port, the traffic port, the embedded broker's acceptor) and, once they
     * listen, from the servers themselves (random ports).
     */
    @Autowired
    public BackendAddressPolicy(CaravanProperties properties, Environment environment,
                                ObjectProvider<BrokerProperties> broker, ObjectProvider<TrafficServer> trafficServer) {
        this(properties.gateway().backendNetworks(), configuredPorts(properties, environment, broker.getIfAvailable()),
                trafficServer);
    }

    /** The policy of these settings with these own ports (more may be added: {@link #ownPort}). */
    public BackendAddressPolicy(CaravanProperties.BackendNetworks networks, int... ownPorts) {
        this(networks, ownPorts, null);
    }

    private BackendAddressPolicy(CaravanProperties.BackendNetworks networks, int[] ownPorts,
                                 ObjectProvider<TrafficServer> trafficServer) {
        this.denied = networks("caravan.gateway.backend-networks.denied", networks.denied());
        this.allowed = networks("caravan.gateway.backend-networks.allowed", networks.allowed());
        this.trafficServer = trafficServer;
        for (int port : ownPorts) {
            ownPort(port);
        }
    }

    private static List<Cidr> networks(String key, List<String> entries) {
        List<Cidr> parsed = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String problem = Cidr.problem(entries.get(i));
            if (problem != null) {
                throw new IllegalStateException(key + "[" + i + "]: " + entries.get(i) + " " + problem);
            }
            parsed.add(Cidr.parse(entries.get(i)));
        }
        return List.copyOf(parsed);
    }

    private static int[] configuredPorts(CaravanProperties properties, Environment environment, BrokerProperties broker) {
        List<Integer> ports = new ArrayList<>();
        ports.add(properties.traffic().port());
        ports.add(environment.getProperty("server.port", Integer.class, 8080));
        ports.add(environment.getProperty("management.server.port", Integer.class, 0));
        if (broker != null && broker.embedded() && broker.tcp().enabled()) {
            ports.add(broker.tcp().port());
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The traffic port as it listens (a random one when configured as 0). */
    @Override
    public void afterSingletonsInstantiated() {
        if (trafficServer != null) {
            trafficServer.ifAvailable(server -> ownPort(server.port()));
        }
    }

    /** The management port (and a separate actuator port) as it listens. */
    @EventListener
    public void webServerStarted(WebServerInitializedEvent event) {
        ownPort(event.getWebServer().getPort());
    }

    /** Adds a port the gateway listens on: never a backend on the gateway's own addresses. */
    public synchronized void ownPort(int port) {
        if (port <= 0 || port > 65535) {
            return;
        }
        int[] current = ownPorts;
        for (int known : current) {
            if (known == port) {
                return;
            }
        }
        int[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = port;
        ownPorts = next;
    }

    /** Why the gateway does not call {@code address} at {@code port}, or null when it does. */
    public Refusal refusal(InetAddress address, int port) {
        byte[] bytes = address.getAddress();
        if (isOwnPort(port) && isOwnAddress(address, bytes)) {
            return Refusal.OWN_PORT;
        }
        if (refused(bytes)) {
            return Refusal.DENIED_NETWORK;
        }
        byte[] embedded = embeddedIpv4(bytes);
        return embedded != null && refused(embedded) ? Refusal.DENIED_NETWORK : null;
    }

    private boolean refused(byte[] address) {
        return (Cidr.anyContains(BUILT_IN, address) || Cidr.anyContains(denied, address))
                && !Cidr.anyContains(allowed, address);
    }

    private boolean isOwnPort(int port) {
        for (int own : ownPorts) {
            if (own == port) {
                return true;
            }
        }
        return false;
    }

    /** Loopback, unspecified ({@code 0.0.0.0/8}, {@code ::}), or an address of this host's interfaces; also in embedded form. */
    private static boolean isOwnAddress(InetAddress address, byte[] bytes) {
        byte[] embedded = embeddedIpv4(bytes);
        InetAddress inner = null;
        if (embedded != null) {
            try {
                inner = InetAddress.getByAddress(embedded);
            } catch (UnknownHostException e) {
                inner = null; // four bytes are always an address
            }
        }
        if (isThisHost(address, bytes) || (inner != null && isThisHost(inner, embedded))) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null
                    || (inner != null && NetworkInterface.getByInetAddress(inner) != null);
        } catch (SocketException e) {
            return true; // the interfaces cannot be read: as careful as if it were ours
        }
    }

    private static boolean isThisHost(InetAddress address, byte[] bytes) {
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || (bytes.length == 4 && bytes[0] == 0);
    }

    /**
     * The IPv4 address an IPv6 address embeds, or null: IPv4-mapped {@code ::ffff:a.b.c.d},
     * IPv4-translated {@code ::ffff:0:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d} (not {@code ::}
     * or {@code ::1}), NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:aabb:ccdd::}.
     */
    static byte[] embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        if ((address[0] & 0xFF) == 0x20 && address[1] == 0x02) {
            return Arrays.copyOfRange(address, 2, 6);
        }
        boolean nat64 = address[0] == 0 && address[1] == 0x64 && (address[2] & 0xFF) == 0xFF && (address[3] & 0xFF) == 0x9B;
        for (int i = nat64 ? 4 : 0; i < 8; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        boolean ff8 = (address[8] & 0xFF) == 0xFF && (address[9] & 0xFF) == 0xFF;
        boolean zero8 = address[8] == 0 && address[9] == 0;
        boolean ff10 = (address[10] & 0xFF) == 0xFF && (address[11] & 0xFF) == 0xFF;
        boolean zero10 = address[10] == 0 && address[11] == 0;
        byte[] last = Arrays.copyOfRange(address, 12, 16);
        if (nat64) {
            return zero8 && zero10 ? last : null;
        }
        if ((zero8 && ff10) || (ff8 && zero10)) {
            return last; // mapped, translated
        }
        if (zero8 && zero10) {
            boolean unspecifiedOrLoopback = last[0] == 0 && last[1] == 0 && last[2] == 0 && (last[3] == 0 || last[3] == 1);
            return unspecifiedOrLoopback ? null : last; // compatible
        }
        return null;
    }

    /**
     * For the admin API: what is wrong with where an http(s) backend URL leads ({@link #REFUSED_ADDRESS},
     * {@link #REFUSED_HOST}), or null. An address literal is checked as it is; a host name is
     * resolved (this blocks: never on an event loop) and every address checked; a name that does
     * not resolve now is accepted and checked when the gateway connects. A queue backend, or a
     * URL that breaks the URL rules (reported on their own), is not this check's.
     */
    public String problem(String backendUrl) {
        if (backendUrl == null || backendUrl.startsWith(BackendEndpoints.QUEUE_SCHEME)) {
            return null;
        }
        BackendEndpoints.Backend backend;
        try {
            backend = BackendEndpoints.parse(backendUrl);
        } catch (RuntimeException e) {
            return null;
        }
        byte[] literal = Cidr.address(backend.host());
        InetAddress[] addresses;
        try {
            addresses = literal != null ? new InetAddress[] {InetAddress.getByAddress(literal)}
                    : InetAddress.getAllByName(backend.host());
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress address : addresses) {
            if (refusal(address, backend.port()) != null) {
                return literal != null ? REFUSED_ADDRESS : REFUSED_HOST;
            }
        }
        return null;
    }

    /**
     * For the backend clients' connection handler, once per new connection: true when the
     * gateway calls the address the connection reached; otherwise the connection is closed at
     * once, before any request is written on it (the call waiting for it fails: 502), the
     * refusal is logged (at most once a minute per address and port) and false is returned.
     */
    public boolean admits(HttpConnection connection) {
        InetSocketAddress remote = remoteAddress(connection);
        Refusal refusal = remote == null ? Refusal.DENIED_NETWORK : refusal(remote.getAddress(), remote.getPort());
        if (refusal == null) {
            return true;
        }
        if (connection instanceof ConnectionBase base) {
            base.channel().close();
        } else {
            connection.close();
        }
        logRefusal(remote, refusal);
        return false;
    }

    private static InetSocketAddress remoteAddress(HttpConnection connection) {
        if (connection instanceof ConnectionBase base && base.channel().remoteAddress() instanceof InetSocketAddress inet
                && inet.getAddress() != null) {
            return inet;
        }
        io.vertx.core.net.SocketAddress remote = connection.remoteAddress();
        byte[] literal = remote == null ? null : Cidr.address(remote.hostAddress());
        try {
            return literal == null ? null : new InetSocketAddress(InetAddress.getByAddress(literal), remote.port());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private void logRefusal(InetSocketAddress remote, Refusal refusal) {
        String where = remote == null ? "an unreadable address"
                : (remote.getAddress() instanceof java.net.Inet6Address ? "[" + remote.getAddress().getHostAddress() + "]"
                        : remote.getAddress().getHostAddress()) + ":" + remote.getPort();
        long now = System.nanoTime();
        Long last = lastLogged.get(where);
        if (last != null && now - last < LOG_EVERY_NANOS) {
            return;
        }
        if (lastLogged.size() > 1_000) {
            lastLogged.clear();
        }
        lastLogged.put(where, now);
        // getHostString: the name the connection was opened for, without a reverse lookup
        String name = remote == null ? "?" : remote.getHostString();
        log.warn("backend connection to {} (host {}) closed before any request: the address {}; the call is answered"
                + " 502 backend_unavailable", where, name, refusal.reason());
    }
}
