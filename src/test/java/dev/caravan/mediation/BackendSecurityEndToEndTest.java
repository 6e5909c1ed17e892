package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPolicies;
import dev.caravan.registry.ApiRepository;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.TestBackend;
import dev.caravan.testsupport.TestCertificates;
import dev.caravan.testsupport.TlsTestBackend;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway's own credentials towards backends, from configuration profiles an API names:
 * basic auth, a static header, mutual TLS against a real HTTPS server that demands a client
 * certificate; each profile only for its organization's APIs on its hosts, whatever another
 * organization's publisher tries or old data says; and the caller allow-list behind a trusted proxy (this context trusts loopback
 * as a proxy, so X-Forwarded-For counts here).
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class BackendSecurityEndToEndTest extends PolicyTestBase {
    private static final String BACKEND_PASSWORD = "backend-Secret-4711";
    private static final String API_KEY = "static-api-key-0815";
    private static final File SERVER = TestCertificates.selfSigned("CN=backend");
    private static final File CLIENT = TestCertificates.selfSigned("CN=caravan-gateway");
    private static final File STRANGER = TestCertificates.selfSigned("CN=stranger");
    private static final File ANOTHER_HOST = TestCertificates.forAnotherHost();
    private static TlsTestBackend tlsBackend;
    private static TlsTestBackend anotherHostBackend;

    /** The organization the profiles are for; every test's world is in it. */
    private static final String ORGANIZATION = "bsec_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    /** Another organization's publisher's own server, where no profile may send its credentials. */
    private static TestBackend carol;

    @Autowired
    private ApiRepository apis;
    @Autowired
    private dev.caravan.gateway.ApiRuntimes runtimes;

    @Override
    protected String organization() {
        return ORGANIZATION;
    }

    @DynamicPropertySource
    static void profiles(DynamicPropertyRegistry registry) {
        for (String profile : java.util.List.of("basic-profile", "header-profile", "mtls", "wrong-client", "weather-backend",
                "another-host", "another-host-unchecked")) {
            registry.add("caravan.backend-security." + profile + ".organizations[0]", () -> ORGANIZATION);
        }
        // pinned to the port of this organization's backend (started before the context), or any port of the host
        registry.add("caravan.backend-security.basic-profile.hosts[0]", () -> backend.baseUrl().substring("http://".length()));
        registry.add("caravan.backend-security.header-profile.hosts[0]", () -> "127.0.0.1");
        registry.add("caravan.backend-security.mtls.hosts[0]", () -> "127.0.0.1");
        registry.add("caravan.backend-security.wrong-client.hosts[0]", () -> "127.0.0.1");
        registry.add("caravan.backend-security.weather-backend.hosts[0]", () -> "127.0.0.1");
        registry.add("caravan.backend-security.another-host.hosts[0]", () -> "127.0.0.1");
        registry.add("caravan.backend-security.another-host-unchecked.hosts[0]", () -> "127.0.0.1");
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
        carol = new TestBackend();
        anotherHostBackend = new TlsTestBackend(ANOTHER_HOST, CLIENT, TestCertificates.PASSWORD);
    }

    @AfterAll
    static void stopTlsBackend() {
        tlsBackend.close();
        carol.close();
        anotherHostBackend.close();
    }

    private static String carolsServer() {
        return carol.baseUrl() + "/collect";
    }

    private static void assertNoProfileAvailable(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("error").asText()).isEqualTo("validation_failed");
        assertThat(response.json().path("field").asText()).isEqualTo("policy.backendSecurity");
        assertThat(response.json().path("message").asText())
                .isEqualTo("policy.backendSecurity names no backend security profile available to this API");
        assertThat(response.body()).doesNotContain(BACKEND_PASSWORD).doesNotContain(API_KEY).doesNotContain(ORGANIZATION);
    }

    /** Nothing of any profile in what carol's server received. */
    private static void assertCarolGotNoCredentials(Fixtures.World acme) {
        TestBackend.Received received = carol.take();
        String everything = received.headers().toString() + received.bodyText();
        assertThat(everything).doesNotContain(API_KEY).doesNotContain("gateway:")
                .doesNotContain(Base64.getEncoder().encodeToString(("gateway:" + BACKEND_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(received.header("Authorization")).isNull();
    }

    @Test
    void anotherOrganizationsPublisherCannotUseAProfileNorLearnThatItExists() {
        Fixtures.World acme = fixtures.world(carolsServer());
        carol.clear();

        for (String profile : java.util.List.of("basic-profile", "header-profile", "mtls", "no-such-profile")) {
            assertNoProfileAvailable(putApiAs(publisher(acme), acme, carolsServer(), "{'backendSecurity': '" + profile + "'}"));
            // even towards the very backend the profile is for
            assertNoProfileAvailable(putApiAs(publisher(acme), acme, backend.baseUrl() + "/svc",
                    "{'backendSecurity': '" + profile + "'}"));
        }
        Http.Response created = Http.request("POST", management("/api/v1/organizations/" + acme.organization().name() + "/apis"),
                "{\"name\":\"steal\",\"context\":\"/steal_" + acme.organization().name() + "\",\"version\":\"1\","
                        + "\"backendUrl\":\"" + carolsServer() + "\",\"tiers\":[\"Gold\"],"
                        + "\"policy\":{\"backendSecurity\":\"basic-profile\"}}",
                "Authorization", publisher(acme), "Content-Type", "application/json");
        assertNoProfileAvailable(created);

        assertThat(apis.findById(acme.api().id()).orElseThrow().policy().backendSecurity()).isNull();
        String acmeToken = passwordGrant(acme).path("access_token").asText();
        Http.Response call = Http.request("GET", traffic(acme.apiPath() + "/items"), null, "Authorization", "Bearer " + acmeToken);
        assertThat(call.status()).isEqualTo(200);
        assertCarolGotNoCredentials(acme);
    }

    @Test
    void aProfileIsRefusedForAHostItDoesNotListAlsoWhenOnlyTheBackendUrlChanges() {
        policy("{'backendSecurity': 'basic-profile'}");

        assertNoProfileAvailable(putApi(carolsServer(), "{'backendSecurity': 'basic-profile'}"));
        assertNoProfileAvailable(putApi("http://localhost:" + backend.baseUrl().substring(backend.baseUrl().lastIndexOf(':') + 1)
                + "/svc", "{'backendSecurity': 'basic-profile'}"));
        assertNoProfileAvailable(putApi(tlsBackend.baseUrl() + "/svc", "{'backendSecurity': 'basic-profile'}"));

        assertThat(apis.findById(world.api().id()).orElseThrow().backendUrl()).isEqualTo(world.api().backendUrl());
        call("GET", "/items", null, "Authorization", "Bearer " + userToken);
        assertThat(backend.take().header("Authorization")).startsWith("Basic ");
    }

    @Test
    void storedApisOutsideAProfilesBindingAreRefusedAtRunTimeAndNothingIsSent(CapturedOutput output) {
        // as data written before profiles were bound: the admin API's checks never saw it
        ApiDefinition elsewhere = world.api();
        apis.update(new ApiDefinition(elsewhere.id(), elsewhere.organizationId(), elsewhere.name(), elsewhere.context(),
                elsewhere.version(), carolsServer(), elsewhere.tiers(), elsewhere.createdAt(),
                ApiPolicies.fromStored("{\"backendSecurity\":\"basic-profile\"}")));
        Fixtures.World acme = fixtures.world(backend.baseUrl() + "/svc");
        ApiDefinition foreign = acme.api();
        apis.update(new ApiDefinition(foreign.id(), foreign.organizationId(), foreign.name(), foreign.context(),
                foreign.version(), foreign.backendUrl(), foreign.tiers(), foreign.createdAt(),
                ApiPolicies.fromStored("{\"backendSecurity\":\"header-profile\"}")));
        carol.clear();
        backend.clear();

        Http.Response toCarol = call("GET", "/items", null, "Authorization", "Bearer " + userToken);
        Http.Response forAcme = Http.request("GET", traffic(acme.apiPath() + "/items"), null,
                "Authorization", "Bearer " + passwordGrant(acme).path("access_token").asText());

        assertThat(toCarol.status()).isEqualTo(500);
        assertThat(forAcme.status()).isEqualTo(500);
        assertThat(toCarol.body() + forAcme.body()).doesNotContain(BACKEND_PASSWORD).doesNotContain(API_KEY);
        assertThat(carol.receivedNothing(Duration.ofMillis(300))).isTrue();
        assertThat(backend.receivedNothing(Duration.ofMillis(100))).isTrue();
        assertThat(runtimes.reportUnservableApis()).isGreaterThanOrEqualTo(2);
        assertThat(output.getOut()).contains("API " + elsewhere.context() + " " + elsewhere.version() + " of organization "
                + ORGANIZATION + " names backend security profile basic-profile")
                .contains("API " + foreign.context() + " " + foreign.version() + " of organization "
                + acme.organization().name() + " names backend security profile header-profile")
                .doesNotContain(BACKEND_PASSWORD).doesNotContain(API_KEY);
    }

    @Test
    void readmesCompletePolicyIsAcceptedAsWritten() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("docs/mediation.md"));
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
