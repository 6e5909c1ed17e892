package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Design §5: no secret in any log line or error body. Runs a whole flow (password grant,
 * refresh, a wrong password, failed client authentication, API calls, revocation, a refresh
 * replay, introspection) while capturing every logging event at the root logger (Caravan's own
 * loggers at TRACE, Camel's at DEBUG) and everything written to stdout/stderr; then looks for
 * every secret the flow handled. (Apache HttpClient's {@code org.apache.hc.client5.http.wire}
 * and {@code .headers} loggers print the backend JWT at DEBUG: never enable them in production.)
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLoggedTest extends TokenApiTestBase {
    private static final String WRONG_PASSWORD = "wrong-Pa55word-" + UUID.randomUUID();
    private static final String WRONG_CLIENT_SECRET = "wrong-client-secret-" + UUID.randomUUID();

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    /** Caravan's own loggers at TRACE; Camel at DEBUG, where its error handler logs every exception message. */
    private final Map<Logger, Level> raised = Map.of(
            (Logger) LoggerFactory.getLogger("dev.caravan"), Level.TRACE,
            (Logger) LoggerFactory.getLogger("org.apache.camel"), Level.DEBUG);
    private final Map<Logger, Level> previous = new LinkedHashMap<>();

    /** Every non-2xx answer of the flow, status line and headers included. */
    private final List<String> errorAnswers = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        events.start();
        root.addAppender(events);
        raised.forEach((logger, level) -> {
            previous.put(logger, logger.getLevel());
            logger.setLevel(level);
        });
    }

    @AfterEach
    void releaseLogs() {
        previous.forEach(Logger::setLevel);
        root.detachAppender(events);
        events.stop();
    }

    private Http.Response record(Http.Response response) {
        if (response.status() >= 300) {
            errorAnswers.add(response.status() + " " + response.headers().map() + " " + response.body());
        }
        return response;
    }

    private String capturedEvents() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(events.list)) {
            text.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append(' ')
                    .append(event.getMDCPropertyMap()).append(' ').append(event.getKeyValuePairs()).append('\n');
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    text.append(frame.getSTEAsString()).append('\n');
                }
            }
        }
        return text.toString();
    }

    @Test
    void fullTokenFlowThenNoSecretInAnyLogLineOrErrorBody(CapturedOutput output) {
        String canary = "log-capture-canary-" + UUID.randomUUID();
        LoggerFactory.getLogger(SecretsNeverLoggedTest.class).info(canary);

        // password grant, then a refresh
        JsonNode login = assertTokenIssued(record(passwordLogin(world.endUserName(), Fixtures.END_USER_PASSWORD)));
        String firstAccess = login.path("access_token").asText();
        String firstRefresh = login.path("refresh_token").asText();
        JsonNode refreshed = assertTokenIssued(record(refresh(worldBasic(), firstRefresh)));
        String secondAccess = refreshed.path("access_token").asText();
        String secondRefresh = refreshed.path("refresh_token").asText();

        // a failed login; failed client authentication by Basic and by form; a malformed request
        assertOAuthError(record(passwordLogin(world.endUserName(), WRONG_PASSWORD)), 400, "invalid_grant");
        assertInvalidClient(record(token(Http.basic(world.consumerKey(), WRONG_CLIENT_SECRET),
                Http.params("grant_type", "client_credentials"))));
        assertInvalidClient(record(token(null, Http.params("grant_type", "password", "client_id", "no_such_client",
                "client_secret", world.consumerSecret(), "username", world.endUserName(),
                "password", Fixtures.END_USER_PASSWORD))));
        assertOAuthError(record(rawToken(worldBasic(), "application/x-www-form-urlencoded",
                "grant_type=password&password=" + WRONG_PASSWORD + "&password=" + Fixtures.END_USER_PASSWORD)),
                400, "invalid_request");

        // API calls, introspection, revocation and what follows it
        backend.clear();
        assertApiAccepts(secondAccess);
        String backendJwt = backend.take().header("X-JWT-Assertion");
        assertThat(backendJwt).isNotBlank();
        assertThat(introspect(secondAccess).path("active").asBoolean()).isTrue();
        Http.Response revoked = record(revoke(worldBasic(), Http.params("token", secondAccess)));
        assertThat(revoked.status()).isEqualTo(200);
        record(callApi(secondAccess));
        assertApiRefusesAsInvalidToken(secondAccess);
        assertInvalidClient(record(revoke(Http.basic(world.consumerKey(), WRONG_CLIENT_SECRET),
                Http.params("token", firstAccess))));
        // a replayed refresh token (its successor used since) revokes the family
        JsonNode third = assertTokenIssued(record(refresh(worldBasic(), secondRefresh)));
        assertOAuthError(record(refresh(worldBasic(), firstRefresh)), 400, "invalid_grant");
        assertOAuthError(record(refresh(worldBasic(), third.path("refresh_token").asText())), 400, "invalid_grant");
        record(callApi(firstAccess));

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("end-user password", Fixtures.END_USER_PASSWORD);
        secrets.put("wrong password", WRONG_PASSWORD);
        secrets.put("consumer secret", world.consumerSecret());
        secrets.put("wrong consumer secret", WRONG_CLIENT_SECRET);
        secrets.put("first access token", firstAccess);
        secrets.put("first access token signature", firstAccess.substring(firstAccess.lastIndexOf('.') + 1));
        secrets.put("second access token", secondAccess);
        secrets.put("second access token signature", secondAccess.substring(secondAccess.lastIndexOf('.') + 1));
        secrets.put("first refresh token", firstRefresh);
        secrets.put("second refresh token", secondRefresh);
        secrets.put("third access token", third.path("access_token").asText());
        secrets.put("third refresh token", third.path("refresh_token").asText());
        secrets.put("backend JWT signature", backendJwt.substring(backendJwt.lastIndexOf('.') + 1));

        String logged = capturedEvents();
        String console = output.getAll();
        assertThat(logged).as("the log capture works").contains(canary);
        assertThat(console).as("the console capture works").contains(canary);
        assertThat(errorAnswers).as("the flow produced error answers").hasSizeGreaterThanOrEqualTo(8);
        secrets.forEach((name, secret) -> {
            assertThat(logged).as("%s in a logging event", name).doesNotContain(secret);
            assertThat(console).as("%s on stdout/stderr", name).doesNotContain(secret);
            errorAnswers.forEach(answer -> assertThat(answer).as("%s in an error answer", name).doesNotContain(secret));
        });
    }
}
