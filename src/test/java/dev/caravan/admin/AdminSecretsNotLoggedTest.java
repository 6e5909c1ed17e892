package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With Spring MVC's request/response logging at TRACE (which prints request and response
 * bodies via toString), no password or consumer secret reaches the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminSecretsNotLoggedTest extends AdminApiTestBase {
    private static final List<String> VERBOSE = List.of("org.springframework.web", "org.springframework.http",
            "dev.caravan");

    @Test
    void passwordsAndSecretsNeverAppearInLogsEvenAtTrace(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        VERBOSE.forEach(name -> logging.setLogLevel(name, LogLevel.TRACE));
        String userPassword = "Logged-never-" + unique("pw");
        String patchedPassword = "Patched-never-" + unique("pw");
        String wrongPassword = "Wrong-never-" + unique("pw");
        String createSecret;
        String regeneratedSecret;
        String org;
        try {
            org = newOrganization();
            expect(post("/organizations/" + org + "/users", json("username", "logan", "password", userPassword,
                    "roles", List.of("subscriber", "publisher"))), 201);
            expect(patch("/organizations/" + org + "/users/logan", json("password", patchedPassword)), 200);
            expectInvalid(post("/organizations/" + org + "/users", json("username", "short",
                    "password", "Tiny-pw")), "password");
            JsonNode app = expect(post("/organizations/" + org + "/applications",
                    json("name", "logged-app", "owner", "logan")), 201).json();
            createSecret = app.path("consumerSecret").asText();
            regeneratedSecret = expect(post("/organizations/" + org + "/applications/logged-app/secret", null), 200)
                    .json().path("consumerSecret").asText();
            expect(call("GET", "/organizations/" + org, null, basic("logan@" + org, wrongPassword)), 401);
            expect(call("GET", "/organizations/" + org, null, basic("logan@" + org, patchedPassword)), 200);
            expect(post("/organizations/" + org + "/users", "{\"username\":\"x\",\"password\":\"" + userPassword), 400);
        } finally {
            VERBOSE.forEach(name -> logging.setLogLevel(name, null));
        }

        assertThat(output.getAll())
                .as("the verbose log was really written")
                .contains("/api/v1/organizations/" + org + "/users")
                .doesNotContain(userPassword)
                .doesNotContain(patchedPassword)
                .doesNotContain(wrongPassword)
                .doesNotContain("Tiny-pw")
                .doesNotContain(createSecret)
                .doesNotContain(regeneratedSecret)
                .doesNotContain(base64("logan@" + org + ":" + wrongPassword))
                .doesNotContain(base64(ADMIN_USER + ":" + ADMIN_PASSWORD))
                .doesNotContain(ADMIN_PASSWORD);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
