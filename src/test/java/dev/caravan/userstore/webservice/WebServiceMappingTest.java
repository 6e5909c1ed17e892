package dev.caravan.userstore.webservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.StoreDefinitions;
import dev.caravan.userstore.ldap.LdapKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web-service store's claims and roles come from the accepting answer by JSON pointers, its
 * connection test checks the probe user's answer against the success value, and each failure
 * names its stage and the service.
 */
class WebServiceMappingTest {
    private static final StoreDefinitions DEFINITIONS =
            new StoreDefinitions(List.of(new LdapKind(), new WebServiceKind()));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JANE_PASSWORD = "jane-Pa55-secret";
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A real HTTP service at /auth answering jane's right password with {@code accepted}, anything else with status false. */
    private String service(Function<JsonNode, String> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/auth", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                byte[] bytes = answer.apply(body).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth";
    }

    private String directoryLikeService(String accepted) throws IOException {
        return service(body -> "jane".equals(body.at("/credentials/username").asText())
                && JANE_PASSWORD.equals(body.at("/credentials/password").asText())
                ? accepted : "{\"response\":{\"status\":false}}");
    }

    private static WebServiceSettings settings(String url, Map<String, String> claims, String rolesPointer) {
        return new WebServiceSettings(url, null, null, null, null, null, Duration.ofSeconds(2), null, null)
                .withMapping(claims, rolesPointer);
    }

    private static AuthenticatedUser accepted(Verification verdict) {
        assertThat(verdict).isInstanceOf(Verification.Accepted.class);
        return ((Verification.Accepted) verdict).user();
    }

    @Test
    void claimsAndAnArrayOfRolesComeFromTheAnswer() throws Exception {
        String url = directoryLikeService("{\"response\":{\"status\":true,\"mail\":\"jane@example.com\","
                + "\"name\":{\"given\":\"Jane\"},\"groups\":[\"travel, europe\",\"admins\"]}}");
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(url,
                Map.of("email", "/response/mail", "givenname", "/response/name/given", "phone", "/response/phone"),
                "/response/groups"));

        AuthenticatedUser jane = accepted(store.verify("acme", "jane", JANE_PASSWORD.toCharArray()));

        assertThat(jane.attributes()).isEqualTo(Map.of("email", "jane@example.com", "givenname", "Jane"));
        assertThat(jane.roles()).isEqualTo(Set.of("travel, europe", "admins"));
        assertThat(store.verify("acme", "jane", "wrong".toCharArray())).isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void aSingleStringOfRolesIsOneRole() throws Exception {
        String url = directoryLikeService("{\"response\":{\"status\":true,\"group\":\"ops, night\"}}");
        WebServiceUserStore store = new WebServiceUserStore("acme", settings(url, Map.of(), "/response/group"));

        assertThat(accepted(store.verify("acme", "jane", JANE_PASSWORD.toCharArray())).roles())
                .isEqualTo(Set.of("ops, night"));
    }

    @Test
    void anAnswerThatDoesNotFitTheMappingMakesTheLoginUnavailableNamingTheStore() throws Exception {
        String url = directoryLikeService("{\"response\":{\"status\":true,\"groups\":{\"a\":1},\"mail\":[\"x\"]}}");
        WebServiceUserStore roles = new WebServiceUserStore("acme", settings(url, Map.of(), "/response/groups"));
        WebServiceUserStore mail = new WebServiceUserStore("acme", settings(url, Map.of("email", "/response/mail"), null));

        for (WebServiceUserStore store : List.of(roles, mail)) {
            Verification verdict = store.verify("acme", "jane", JANE_PASSWORD.toCharArray());
            assertThat(verdict).isInstanceOf(Verification.Unavailable.class);
            assertThat(((Verification.Unavailable) verdict).reason()).contains("organization 'acme'");
            assertThat(store.testConnection("jane", JANE_PASSWORD.toCharArray()).stage())
                    .isEqualTo(ConnectionCheck.Stage.BAD_RESPONSE);
        }
    }

    @Test
    void theConnectionTestChecksTheProbeUsersAnswerAgainstTheSuccessValue() throws Exception {
        String url = directoryLikeService("{\"response\":{\"status\":true,\"groups\":[\"admins\"]}}");
        WebServiceSettings right = settings(url, Map.of(), "/response/groups");
        ConnectionCheck ok = new WebServiceUserStore("acme", right).testConnection("jane", JANE_PASSWORD.toCharArray());
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.message()).contains("1 role").doesNotContain(JANE_PASSWORD);

        WebServiceSettings wrongSuccess = new WebServiceSettings(url, null, null, null, null, "ok", Duration.ofSeconds(2),
                null, null);
        ConnectionCheck mismatch = new WebServiceUserStore("acme", wrongSuccess)
                .testConnection("jane", JANE_PASSWORD.toCharArray());
        assertThat(mismatch.stage()).isEqualTo(ConnectionCheck.Stage.RESPONSE_MISMATCH);
        assertThat(mismatch.message()).contains("'true'").contains("'ok'").doesNotContain(JANE_PASSWORD);
        assertThat(mismatch.server()).isEqualTo(url);

        assertThat(new WebServiceUserStore("acme", right).testConnection("jane", "wrong".toCharArray()).stage())
                .isEqualTo(ConnectionCheck.Stage.RESPONSE_MISMATCH);
        assertThat(new WebServiceUserStore("acme", right).testConnection("jane", null).ok())
                .as("without a password only the shape is checked").isTrue();
    }

    @Test
    void aServiceThatAcceptsAndNeverAnswersIsATimeoutAndAClosedPortIsRefused() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/auth";
            WebServiceUserStore store = new WebServiceUserStore("acme", new WebServiceSettings(url, null, null, null,
                    null, null, Duration.ofMillis(500), null, null));

            ConnectionCheck check = store.testConnection("jane", JANE_PASSWORD.toCharArray());
            assertThat(check.stage()).isEqualTo(ConnectionCheck.Stage.TIMEOUT);
            assertThat(check.server()).isEqualTo(url);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed + "/auth";
        ConnectionCheck refused = new WebServiceUserStore("acme", settings(url, Map.of(), null)).testConnection(null, null);
        assertThat(refused.stage()).isEqualTo(ConnectionCheck.Stage.CONNECT_REFUSED);
        assertThat(refused.server()).isEqualTo(url);
    }

    private static SecondaryStoreDefinition parse(String webService) throws Exception {
        return DEFINITIONS.parse("acme", JSON.readTree("{\"kind\":\"webservice\",\"webService\":" + webService + "}"),
                Optional.empty());
    }

    @Test
    void pointersAreCheckedWhenTheStoreIsSavedAndAnInvalidOneNamesItsField() throws Exception {
        SecondaryStoreDefinition saved = parse("{\"url\":\"http://auth.example/check\","
                + "\"claims\":{\"http://wso2.org/claims/emailaddress\":\"/response/mail\"},"
                + "\"rolesPointer\":\"/response/groups\"}");
        assertThat(saved.settings(WebServiceSettings.class).claims()).containsEntry("http://wso2.org/claims/emailaddress", "/response/mail");
        assertThat(saved.settings(WebServiceSettings.class).rolesPointer()).isEqualTo("/response/groups");
        JsonNode written = DEFINITIONS.redacted(saved);
        assertThat(DEFINITIONS.parse("acme", written, Optional.empty()).settings(WebServiceSettings.class)).isEqualTo(saved.settings(WebServiceSettings.class));

        assertThatThrownBy(() -> parse("{\"url\":\"http://auth.example/check\",\"claims\":{\"email\":\"response/mail\"}}"))
                .isInstanceOf(InvalidStoreDefinitionException.class)
                .extracting(e -> ((InvalidStoreDefinitionException) e).field()).isEqualTo("webService.claims.email");
        assertThatThrownBy(() -> parse("{\"url\":\"http://auth.example/check\",\"rolesPointer\":\"groups\"}"))
                .extracting(e -> ((InvalidStoreDefinitionException) e).field()).isEqualTo("webService.rolesPointer");
        assertThatThrownBy(() -> parse("{\"url\":\"http://auth.example/check\",\"claims\":{\"email\":7}}"))
                .extracting(e -> ((InvalidStoreDefinitionException) e).field()).isEqualTo("webService.claims.email");
        assertThatThrownBy(() -> parse("{\"url\":\"http://auth.example/check\",\"responsePointer\":\"response/status\"}"))
                .extracting(e -> ((InvalidStoreDefinitionException) e).field()).isEqualTo("webService.responsePointer");
    }
}
