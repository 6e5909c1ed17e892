package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.testsupport.TlsTestBackend;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway's own credentials towards backends, from configuration profiles an API names:
 * basic auth, a static header, mutual TLS against a real HTTPS server that demands a client
 * certificate; and the caller allow-list behind a trusted proxy (this context trusts loopback
 * as a proxy, so X-Forwarded-For counts here).
 */
class BackendSecurityEndToEndTest extends PolicyTestBase {
    private static final String BACKEND_PASSWORD = "backend-Secret-4711";
    private static final String API_KEY = "static-api-key-0815";
    private static final File SERVER = TestCertificates.selfSigned("CN=backend");
    private static final File CLIENT = TestCertificates.selfSigned("CN=caravan-gateway");
    private static final File STRANGER = TestCertificates.selfSigned("CN=stranger");
    private static final File ANOTHER_HOST = TestCertificates.forAnotherHost();
    private static TlsTestBackend tlsBackend;
    private static TlsTestBackend anotherHostBackend;

    @DynamicPropertySource
    static void profiles(DynamicPropertyRegistry registry) {
        registry.add("caravan.backend-security.basic-profile.basic.username", () -> "gateway");
        registry.add("caravan.backend-security.basic-profile.basic.password", () -> BACKEND_PASSWORD);
        registry.add("caravan.backend-security.header-profile.header.name", () -> "X-Api-Key");
        registry.add("caravan.backend-security.header-profile.header.value", () -> API_KEY);
        registry.add("caravan.backend-security.mtls.tls.key-store", CLIENT::getPath);
        registry.add("caravan.backend-security.mtls.tls.key-store-password", () -> TestCertificates.PASSWORD);
        registry.add("caravan.backend-security.mtls.tls.trust-store", SERVER::getPath);
        registry.add("caravan.backend-security.mtls.tls.trust-store-password", () -> TestCertificates.PASSWORD);
        registry.add("caravan.backend-security.wrong-client.tls.key-store", STRANGER::getPath);
        registry.add("caravan.backend-security.wrong-client.tls.key-store-password", () -> TestCertificates.PASSWORD);
        registry.add("caravan.backend-security.wrong-client.tls.trust-store", SERVER::getPath);
        registry.add("caravan.backend-security.wrong-client.tls.trust-store-password", () -> TestCertificates.PASSWORD);
        // trusts the certificate of a backend that names another host; the second turns the host check off
        for (String name : new String[] {"another-host", "another-host-unchecked"}) {
            registry.add("caravan.backend-security." + name + ".tls.key-store", CLIENT::getPath);
            registry.add("caravan.backend-security." + name + ".tls.key-store-password", () -> TestCertificates.PASSWORD);
            registry.add("caravan.backend-security." + name + ".tls.trust-store", ANOTHER_HOST::getPath);
            registry.add("caravan.backend-security." + name + ".tls.trust-store-password", () -> TestCertificates.PASSWORD);
        }
        registry.add("caravan.backend-security.another-host-unchecked.tls.verify-host", () -> false);
        registry.add("caravan.trusted-proxies", () -> "127.0.0.1/32");
        // the profile README's complete policy names
        registry.add("caravan.backend-security.weather-backend.header.name", () -> "X-Weather-Key");
        registry.add("caravan.backend-security.weather-backend.header.value", () -> API_KEY);
    }

    @BeforeAll
    static void startTlsBackend() {
        tlsBackend = new TlsTestBackend(SERVER, CLIENT, TestCertificates.PASSWORD);
        anotherHostBackend = new TlsTestBackend(ANOTHER_HOST, CLIENT, TestCertificates.PASSWORD);
    }

    @AfterAll
    static void stopTlsBackend() {
        tlsBackend.close();
        anotherHostBackend.close();
    }

    @Test
    void readmesCompletePolicyIsAcceptedAsWritten() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int heading = readme.indexOf("A complete policy");
        int start = readme.indexOf("```json\n", heading) + "```json\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        assertThat(heading).isPositive();
        assertThat(example).contains("\"backendSecurity\": \"weather-backend\"").contains("\"fault\"");

        Http.Response saved = putPolicy(example);

        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    @Test
    void basicProfileAuthenticatesTheGatewayAndReplacesWhatTheCallerSent() {
        policy("{'backendSecurity': 'basic-profile'}");

        call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        String expected = "Basic " + Base64.getEncoder().encodeToString(("gateway:" + BACKEND_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(backend.take().header("Authorization")).isEqualTo(expected);
    }

    @Test
    void basicProfileWinsOverASwappedUserToken() {
        policy("{'backendSecurity': 'basic-profile', 'mediation': {'request': ['swap-authorization-headers']}}");

        call("GET", "/items", null, "Authorization", "Bearer " + userToken, "X-Authorization", "Bearer user-token");

        assertThat(backend.take().header("Authorization")).startsWith("Basic ");
    }

    @Test
    void headerProfileSendsItsHeaderAndTheCallerCannotForgeIt() {
        policy("{'backendSecurity': 'header-profile'}");

        call("GET", "/items", null, "Authorization", "Bearer " + userToken, "X-Api-Key", "caller-chosen");

        assertThat(backend.take().headers().get("X-Api-Key")).containsExactly(API_KEY);
    }

    @Test
    void profilesNeverShowTheirSecretsThroughTheAdminApi() {
        Http.Response saved = putPolicy("{'backendSecurity': 'basic-profile'}");

        assertThat(saved.body()).contains("basic-profile").doesNotContain(BACKEND_PASSWORD);
    }

    @Test
    void mutualTlsProfilePresentsTheGatewaysClientCertificate() throws Exception {
        Http.Response saved = putApi(tlsBackend.baseUrl() + "/secure", "{'backendSecurity': 'mtls'}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);

        Http.Response response = call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("secure");
        assertThat(tlsBackend.nextClientSubject()).isEqualTo("CN=caravan-gateway");
    }

    @Test
    void withoutTheRightClientCertificateTheTlsBackendIsUnreachable() {
        putApi(tlsBackend.baseUrl() + "/secure", "{'backendSecurity': 'wrong-client'}");
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(502);

        putApi(tlsBackend.baseUrl() + "/secure", "{}");
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(502);
    }

    @Test
    void aTlsBackendAtAnIpAddressWhoseCertificateNamesAnotherHostIsRefusedThoughTrusted() {
        putApi(anotherHostBackend.baseUrl() + "/secure", "{'backendSecurity': 'another-host'}");

        Http.Response refused = call("GET", "/items", null, "Authorization", "Bearer " + userToken);

        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.body()).contains("backend_unavailable");

        // the operator's explicit verify-host: false on the profile is the only way past it
        putApi(anotherHostBackend.baseUrl() + "/secure", "{'backendSecurity': 'another-host-unchecked'}");
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken).status()).isEqualTo(200);
        // a certificate naming 127.0.0.1 as an IP address entry is accepted with the check on:
        // mutualTlsProfilePresentsTheGatewaysClientCertificate
    }

    @Test
    void behindATrustedProxyTheForwardedCallerIsChecked() {
        policy("{'allowedCallers': ['203.0.113.0/24']}");

        Http.Response allowed = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "198.51.100.9, 203.0.113.7");
        Http.Response spoofedLeft = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "203.0.113.7, 198.51.100.9");
        Http.Response none = call("GET", "/items", null, "Authorization", "Bearer " + userToken);
        Http.Response garbage = call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "not-an-address");

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(spoofedLeft.status()).isEqualTo(403);
        assertThat(none.status()).isEqualTo(403);
        assertThat(garbage.status()).isEqualTo(403);
        backend.take();
        assertThat(backend.receivedNothing(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void ipv6CallersMatchIpv6Networks() {
        policy("{'allowedCallers': ['2001:db8::/32']}");

        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "2001:db8:0:1::42").status()).isEqualTo(200);
        assertThat(call("GET", "/items", null, "Authorization", "Bearer " + userToken,
                "X-Forwarded-For", "2001:db9::1").status()).isEqualTo(403);
    }
}
