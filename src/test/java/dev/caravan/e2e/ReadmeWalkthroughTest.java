package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.caravan.demo.DemoAuthService;
import dev.caravan.demo.DemoData;
import dev.caravan.testsupport.Http;
import java.time.Instant;
import dev.caravan.http.TrafficServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The README's curl walk-through, step by step, against the demo profile on real ports: the
 * password grant as jane@my_company, a call to the demo API, and the backend JWT the echo
 * backend received, verified with Nimbus JOSE (not the library that signed it) against the
 * gateway's published JWKS.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:readme_walkthrough;DB_CLOSE_DELAY=-1")
class ReadmeWalkthroughTest {

    @Autowired
    TrafficServer trafficServer;

    @Autowired
    dev.caravan.demo.EchoBackend echoBackend;

    @org.springframework.boot.test.web.server.LocalServerPort
    int managementPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("caravan.traffic.port", () -> 0);
        registry.add("caravan.traffic.host", () -> "127.0.0.1");
        registry.add("caravan.demo.echo-port", () -> 0);
        registry.add("caravan.demo.ldap-port", () -> 0);
        registry.add("caravan.demo.auth-port", () -> 0);
    }

    private String traffic(String path) {
        return "http://127.0.0.1:" + trafficServer.port() + path;
    }

    /** The echo backend's header names are as the JDK server normalised them: compare ignoring case. */
    private static String header(JsonNode headers, String name) {
        for (var it = headers.fields(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue().path(0).asText();
            }
        }
        return null;
    }

    @Test
    void passwordGrantThenApiCallDeliversVerifiableBackendJwtForJane() throws Exception {
        Http.Response token = Http.postForm(traffic("/oauth2/token"),
                Http.basic(DemoData.CONSUMER_KEY, DemoData.CONSUMER_SECRET),
                Http.params("grant_type", "password", "username", "jane@my_company",
                        "password", DemoData.END_USER_PASSWORD));
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.header("Cache-Control")).isEqualTo("no-store");
        JsonNode tokenBody = token.json();
        assertThat(tokenBody.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokenBody.path("refresh_token").asText()).isNotBlank();
        String accessToken = tokenBody.path("access_token").asText();

        Http.Response call = Http.get(traffic("/placeFinder/1.0.0/places?near=Colombo"),
                "Authorization", "Bearer " + accessToken);
        assertThat(call.status()).isEqualTo(200);
        JsonNode echo = call.json();
        assertThat(echo.path("path").asText()).isEqualTo("/echo/places");
        assertThat(echo.path("query").asText()).isEqualTo("near=Colombo");
        JsonNode headers = echo.path("headers");
        assertThat(header(headers, "Authorization")).as("the application's token is not forwarded").isNull();
        String assertion = header(headers, "X-JWT-Assertion");
        assertThat(assertion).isNotBlank();

        JWKSet jwks = JWKSet.parse(Http.get(traffic("/oauth2/jwks")).body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
        JWTClaimsSet claims = processor.process(assertion, null);

        String dialect = "http://wso2.org/claims/";
        assertThat(claims.getStringClaim(dialect + "enduser")).isEqualTo("jane@my_company");
        assertThat(claims.getStringClaim(dialect + "subscriber")).isEqualTo("alice@my_company");
        assertThat(claims.getStringClaim(dialect + "applicationname")).isEqualTo("app2");
        assertThat(claims.getStringClaim(dialect + "apicontext")).isEqualTo("/placeFinder");
        assertThat(claims.getStringClaim(dialect + "version")).isEqualTo("1.0.0");
        assertThat(claims.getStringClaim(dialect + "tier")).isEqualTo("Silver");
        assertThat(claims.getStringClaim(dialect + "keytype")).isEqualTo("PRODUCTION");
        assertThat(claims.getStringClaim(dialect + "enduserTenantId")).isEqualTo("my_company");
        // jane lives in the demo LDAP directory: her mail attribute and group arrive as claims
        assertThat(claims.getStringClaim(dialect + "email")).isEqualTo("jane@my-company.example");
        assertThat(claims.getStringListClaim(dialect + "role")).containsExactly("travellers");
        assertThat(claims.getStringClaim(dialect + "applicationid")).isNotBlank();
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:8280");
        assertThat(claims.getJWTID()).isNotBlank();
        // exp is in seconds: within the next hour, not milliseconds in the far future
        long exp = claims.getExpirationTime().toInstant().getEpochSecond();
        long now = Instant.now().getEpochSecond();
        assertThat(exp).isBetween(now, now + 3600);
        assertThat(com.nimbusds.jose.JWSObject.parse(assertion).getHeader().getKeyID()).isNotBlank();
    }

    @Test
    void bobOfAcmeLogsInThroughTheDemoWebServiceStoreAndCallsWeather() throws Exception {
        Http.Response token = Http.postForm(traffic("/oauth2/token"),
                Http.basic(DemoData.SECOND_CONSUMER_KEY, DemoData.SECOND_CONSUMER_SECRET),
                Http.params("grant_type", "password", "username", DemoAuthService.USER + "@" + DemoData.SECOND_ORGANIZATION,
                        "password", DemoAuthService.USER_PASSWORD));
        assertThat(token.status()).as(token.body()).isEqualTo(200);

        Http.Response call = Http.get(traffic("/weather/1.0.0/today"),
                "Authorization", "Bearer " + token.json().path("access_token").asText());
        assertThat(call.status()).isEqualTo(200);
        JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(header(call.json().path("headers"), "X-JWT-Assertion"))
                .getJWTClaimsSet();
        assertThat(claims.getStringClaim("http://wso2.org/claims/enduser")).isEqualTo("bob@acme");
        assertThat(claims.getStringClaim("http://wso2.org/claims/tier")).isEqualTo("Gold");

        Http.Response wrong = Http.postForm(traffic("/oauth2/token"),
                Http.basic(DemoData.SECOND_CONSUMER_KEY, DemoData.SECOND_CONSUMER_SECRET),
                Http.params("grant_type", "password", "username", "bob@acme", "password", "not-bobs-password"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("error").asText()).isEqualTo("invalid_grant");
    }

    /**
     * The README's walk-through as a user pastes it: every {@code sh} block of the section, in
     * order, in one bash, with only the ports changed to this test's. Any curl answered with an
     * error status fails the script ({@code --fail-with-body}), except the one that prints its
     * own status code; so a step that uses a variable no earlier step set, or a token an earlier
     * step revoked, fails here.
     */
    @Test
    void theReadmeWalkthroughRunsAsWrittenWhenPastedInOrder() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int start = readme.indexOf("## Walk-through");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has a walk-through").isNotNegative();
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        StringBuilder script = new StringBuilder("set -eo pipefail\n"
                + "curl() { case \" $* \" in *\" -w \"*) command curl --max-time 30 \"$@\";;"
                + " *) command curl --max-time 30 --fail-with-body \"$@\";; esac; }\n");
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```sh\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(section);
        int count = 0;
        while (blocks.find()) {
            script.append(blocks.group(1)).append('\n');
            count++;
        }
        assertThat(count).as("sh blocks in the walk-through").isGreaterThanOrEqualTo(5);
        String text = script.toString()
                .replace("http://localhost:8280", "http://127.0.0.1:" + trafficServer.port())
                .replace("http://localhost:9443", "http://127.0.0.1:" + managementPort)
                .replace("http://127.0.0.1:8281", "http://127.0.0.1:" + echoBackend.port());
        java.nio.file.Path file = java.nio.file.Files.createTempFile("walkthrough", ".sh");
        java.nio.file.Files.writeString(file, text);
        Process bash = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bash.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.nio.file.Files.deleteIfExists(file);

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output).contains("\"refresh_token\"").contains("\"active\":true").contains("/weather/today");
        assertThat(output.strip()).as("the revoked token is refused").endsWith("401");
    }
}
