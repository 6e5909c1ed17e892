package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.config.CaravanProperties;
import dev.caravan.gateway.BackendAddressPolicy.Refusal;
import dev.caravan.http.Cidr;
import dev.caravan.testsupport.MediatorRig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BackendAddressPolicy}: the built-in denied networks at their edges, the IPv6 forms that
 * embed an IPv4 address, what {@code allowed} and {@code denied} change, and the gateway's own
 * ports, refused on its own addresses whatever is allowed.
 */
class BackendAddressPolicyTest {
    private static final int OWN = 9443;

    private static BackendAddressPolicy policy(List<String> denied, List<String> allowed) {
        return new BackendAddressPolicy(new CaravanProperties.BackendNetworks(denied, allowed), OWN);
    }

    private static final BackendAddressPolicy DEFAULTS = policy(List.of(), List.of());

    private static InetAddress address(String literal) {
        byte[] bytes = Cidr.address(literal);
        assertThat(bytes).as(literal).isNotNull();
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Refusal refusal(BackendAddressPolicy policy, String literal, int port) {
        return policy.refusal(address(literal), port);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // loopback, "this network" and unspecified
            "127.0.0.1", "127.0.0.0", "127.255.255.255", "0.0.0.0", "0.1.2.3", "0.255.255.255",
            // link-local: where cloud metadata answers
            "169.254.169.254", "169.254.0.0", "169.254.255.255", "169.254.170.2",
            // multicast, reserved, broadcast
            "224.0.0.0", "224.0.0.1", "239.255.255.255", "240.0.0.0", "255.255.255.255",
            // cloud metadata outside link-local
            "100.100.100.200", "fd00:ec2::254",
            // IPv6 unspecified, loopback, link-local, multicast
            "::", "::1", "fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff00::", "ff02::1",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            // IPv4 in IPv6: mapped, translated, compatible, NAT64, 6to4
            "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::ffff:7f00:1", "::ffff:0:127.0.0.1",
            "::ffff:0:169.254.169.254", "::127.0.0.1", "::169.254.169.254", "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a9fe:a9fe::1",
            // IPv4-compatible 0.0.0.2 ("this network"); :: and ::1 are themselves, not compatible forms
            "::2"})
    void theDefaultsRefuse(String literal) {
        assertThat(refusal(DEFAULTS, literal, 80)).as(literal).isEqualTo(Refusal.DENIED_NETWORK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // private networks: where backends live
            "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "fc00::1", "fd12:3456::1",
            // one step outside each denied network
            "1.0.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "223.255.255.255",
            "100.100.100.199", "100.100.100.201", "fe7f:ffff::1", "fec0::1", "feff::1", "fd00:ec2::253", "::2:0:0:1",
            // public
            "8.8.8.8", "2001:db8::1", "2606:4700::1111",
            // embedded IPv4 addresses that are not refused
            "::ffff:10.1.2.3", "::ffff:0:10.1.2.3", "::10.1.2.3", "64:ff9b::8.8.8.8", "2002:a00:1::1"})
    void theDefaultsCall(String literal) {
        assertThat(refusal(DEFAULTS, literal, 80)).as(literal).isNull();
    }

    @Test
    void anAllowedNetworkOpensADeniedOneForThoseAddressesOnly() {
        BackendAddressPolicy loopback = policy(List.of(), List.of("127.0.0.0/8"));
        assertThat(refusal(loopback, "127.0.0.1", 8281)).isNull();
        assertThat(refusal(loopback, "::ffff:127.0.0.1", 8281)).isNull();
        assertThat(refusal(loopback, "64:ff9b::127.0.0.1", 8281)).isNull();
        // the IPv6 loopback is another network
        assertThat(refusal(loopback, "::1", 8281)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(loopback, "169.254.169.254", 80)).isEqualTo(Refusal.DENIED_NETWORK);

        BackendAddressPolicy ipv6Loopback = policy(List.of(), List.of("::1/128"));
        assertThat(refusal(ipv6Loopback, "::1", 8281)).isNull();
        assertThat(refusal(ipv6Loopback, "127.0.0.1", 8281)).isEqualTo(Refusal.DENIED_NETWORK);

        BackendAddressPolicy oneMetadataHost = policy(List.of(), List.of("169.254.169.254/32"));
        assertThat(refusal(oneMetadataHost, "169.254.169.254", 80)).isNull();
        assertThat(refusal(oneMetadataHost, "169.254.169.253", 80)).isEqualTo(Refusal.DENIED_NETWORK);
    }

    @Test
    void deniedAddsToTheBuiltInNetworksAndAllowedWinsOverIt() {
        BackendAddressPolicy policy = policy(List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.1.0.0/16"));
        assertThat(refusal(policy, "10.2.0.1", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "::ffff:10.2.0.1", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "64:ff9b::10.2.0.1", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "2002:a02:1::", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "2001:db8::1", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "10.1.2.3", 80)).isNull();
        assertThat(refusal(policy, "11.0.0.1", 80)).isNull();
        // setting denied never drops the built-in networks
        assertThat(refusal(policy, "127.0.0.1", 80)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "169.254.169.254", 80)).isEqualTo(Refusal.DENIED_NETWORK);
    }

    @Test
    void theGatewaysOwnPortsOnItsOwnAddressesAreRefusedWhateverIsAllowed() throws Exception {
        BackendAddressPolicy everything = policy(List.of(), List.of("0.0.0.0/0", "::/0"));
        for (String own : List.of("127.0.0.1", "127.0.0.2", "0.0.0.0", "::1", "::", "::ffff:127.0.0.1",
                "64:ff9b::127.0.0.1")) {
            assertThat(refusal(everything, own, OWN)).as(own).isEqualTo(Refusal.OWN_PORT);
            assertThat(refusal(everything, own, OWN + 1)).as(own).isNull();
        }
        // an address of one of this host's interfaces
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress local : Collections.list(network.getInetAddresses())) {
                assertThat(everything.refusal(local, OWN)).as(local.toString()).isEqualTo(Refusal.OWN_PORT);
            }
        }
        // another host's port of the same number (TEST-NET-1: no interface here has it)
        assertThat(refusal(everything, "192.0.2.1", OWN)).isNull();
        assertThat(refusal(everything, "2001:db8::1", OWN)).isNull();

        // a port learned later (a server that listens on a random port)
        assertThat(refusal(everything, "127.0.0.1", 61616)).isNull();
        everything.ownPort(61616);
        assertThat(refusal(everything, "127.0.0.1", 61616)).isEqualTo(Refusal.OWN_PORT);
    }

    @Test
    void theGatewaysOwnPortIsRefusedOnTheDefaultsToo() {
        assertThat(refusal(DEFAULTS, "127.0.0.1", OWN)).isEqualTo(Refusal.OWN_PORT);
        assertThat(refusal(DEFAULTS, "10.0.0.1", OWN)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "::ffff:7f00:1, 127.0.0.1",
            "::ffff:0:a9fe:a9fe, 169.254.169.254",
            "::a00:1, 10.0.0.1",
            "64:ff9b::a00:1, 10.0.0.1",
            "2002:a00:1:2::3, 10.0.0.1"})
    void theIpv4AddressAnIpv6AddressEmbeds(String ipv6, String ipv4) {
        byte[] bytes = new byte[16];
        // built by hand: InetAddress turns a mapped address into an IPv4 one
        java.nio.ByteBuffer.wrap(bytes).put(ipv6bytes(ipv6));
        assertThat(BackendAddressPolicy.embeddedIpv4(bytes)).isEqualTo(Cidr.address(ipv4));
    }

    private static byte[] ipv6bytes(String literal) {
        try {
            byte[] parsed = InetAddress.getByName(literal).getAddress();
            if (parsed.length == 16) {
                return parsed;
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(parsed, 0, mapped, 12, 4);
            return mapped;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "2001:db8::1", "fe80::1", "::1:0:0:0", "64:ff9b:1::a00:1"})
    void noIpv4AddressIn(String ipv6) {
        assertThat(BackendAddressPolicy.embeddedIpv4(ipv6bytes(ipv6))).as(ipv6).isNull();
        assertThat(BackendAddressPolicy.embeddedIpv4(Cidr.address("10.0.0.1"))).isNull();
    }

    @Test
    void aBadNetworkStopsStartUpNamingItsKey() {
        assertThatThrownBy(() -> policy(List.of("10.0.0.0/8", "backend.internal"), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("caravan.gateway.backend-networks.denied[1]: backend.internal must be an IP address");
        assertThatThrownBy(() -> policy(List.of(), List.of("127.0.0.0/33")))
                .hasMessageStartingWith("caravan.gateway.backend-networks.allowed[0]: 127.0.0.0/33 has a prefix length");
    }

    @Test
    void theSettingsBindAsListsAndDefaultToNoneBeyondTheBuiltInNetworks() {
        CaravanProperties.BackendNetworks none = MediatorRig.properties(
                Map.of("caravan.gateway.backend-networks.allowed", "")).gateway().backendNetworks();
        assertThat(none.denied()).isEmpty();
        assertThat(none.allowed()).isEmpty();
        CaravanProperties.BackendNetworks set = MediatorRig.properties(Map.of(
                "caravan.gateway.backend-networks.denied[0]", "10.0.0.0/8",
                "caravan.gateway.backend-networks.allowed", "127.0.0.0/8,::1/128")).gateway().backendNetworks();
        assertThat(set.denied()).containsExactly("10.0.0.0/8");
        assertThat(set.allowed()).containsExactly("127.0.0.0/8", "::1/128");
    }

    @Test
    void theDemoProfileCallsItsEchoBackendOnLoopbackButNotTheGatewaysOwnPorts() throws Exception {
        List<org.springframework.core.env.PropertySource<?>> demo = new org.springframework.boot.env.YamlPropertySourceLoader()
                .load("demo", new org.springframework.core.io.FileSystemResource("config/application-demo.yaml"));
        CaravanProperties properties = new org.springframework.boot.context.properties.bind.Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(demo))
                .bind("caravan", CaravanProperties.class).get();
        // the default ports: management 9443, traffic 8280
        BackendAddressPolicy policy = new BackendAddressPolicy(properties.gateway().backendNetworks(), 9443, 8280);

        assertThat(refusal(policy, "127.0.0.1", 8281)).isNull();
        assertThat(policy.problem("http://127.0.0.1:8281/echo")).isNull();
        assertThat(refusal(policy, "127.0.0.1", 9443)).isEqualTo(Refusal.OWN_PORT);
        assertThat(refusal(policy, "169.254.169.254", 80)).isEqualTo(Refusal.DENIED_NETWORK);
    }

    @Test
    void readmesExampleIsBoundAndAppliedAsWritten() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("docs/mediation.md"));
        int section = readme.indexOf("## Backend addresses (`caravan.gateway.backend-networks`)");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        List<org.springframework.core.env.PropertySource<?>> sources = new org.springframework.boot.env.YamlPropertySourceLoader()
                .load("readme", new org.springframework.core.io.ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, Object> settings = new java.util.HashMap<>();
        settings.put("caravan.admin.password", "unit-test-password");
        CaravanProperties properties = new org.springframework.boot.context.properties.bind.Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(List.of(sources.get(0),
                        new org.springframework.core.env.MapPropertySource("password", settings))))
                .bind("caravan", CaravanProperties.class).get();
        BackendAddressPolicy policy = new BackendAddressPolicy(properties.gateway().backendNetworks(), OWN);

        assertThat(section).isPositive();
        assertThat(refusal(policy, "10.20.1.1", 5432)).isEqualTo(Refusal.DENIED_NETWORK);
        assertThat(refusal(policy, "10.20.5.7", 8080)).isNull();
        assertThat(refusal(policy, "10.21.0.1", 8080)).isNull();
        assertThat(refusal(policy, "127.0.0.1", 8080)).isEqualTo(Refusal.DENIED_NETWORK);
    }

    // ------------------------------------------------------------------ at save

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8281/svc, " + BackendAddressPolicy.REFUSED_ADDRESS,
            "https://[::1]/, " + BackendAddressPolicy.REFUSED_ADDRESS,
            "http://[::ffff:169.254.169.254]/latest/meta-data, " + BackendAddressPolicy.REFUSED_ADDRESS,
            "http://169.254.169.254/latest/meta-data, " + BackendAddressPolicy.REFUSED_ADDRESS,
            "http://0.0.0.0:9443/actuator, " + BackendAddressPolicy.REFUSED_ADDRESS,
            "http://2130706433:8281/, " + BackendAddressPolicy.REFUSED_HOST,
            "http://localhost:8281/, " + BackendAddressPolicy.REFUSED_HOST,
            "HTTP://LOCALHOST/, " + BackendAddressPolicy.REFUSED_HOST})
    void aBackendUrlOnARefusedAddressIsAProblem(String url, String problem) {
        assertThat(DEFAULTS.problem(url)).as(url).isEqualTo(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1:8080/svc", "https://[2001:db8::1]/", "queue:orders",
            "http://no-such-host.invalid/", "not a url", "ftp://127.0.0.1/"})
    void aBackendUrlElsewhereOrNotThisChecksIsNoProblem(String url) {
        assertThat(DEFAULTS.problem(url)).as(url).isNull();
    }

    @Test
    void atSaveTheOwnPortsAreAProblemWhenLoopbackIsAllowed() {
        BackendAddressPolicy loopback = policy(List.of(), List.of("127.0.0.0/8", "::1/128"));
        assertThat(loopback.problem("http://127.0.0.1:8281/svc")).isNull();
        assertThat(loopback.problem("http://localhost:8281/svc")).isNull();
        assertThat(loopback.problem("http://127.0.0.1:" + OWN + "/api/v1")).isEqualTo(BackendAddressPolicy.REFUSED_ADDRESS);
        assertThat(loopback.problem("http://localhost:" + OWN + "/actuator")).isEqualTo(BackendAddressPolicy.REFUSED_HOST);
        assertThat(loopback.problem("http://[::1]:" + OWN + "/")).isEqualTo(BackendAddressPolicy.REFUSED_ADDRESS);
    }
}
