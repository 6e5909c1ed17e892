package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Admin API calls over the real management port, as the admin unless told otherwise. */
abstract class AdminApiTestBase extends CaravanTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = basic(ADMIN_USER, ADMIN_PASSWORD);
    static final String PASSWORD = "Str0ng-passw0rd!";

    /** RFC 7617 Basic, as curl -u sends it: nothing URL-encoded. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A JSON object from name/value pairs; values may be strings, lists, booleans or null. */
    static String json(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Http.Response call(String method, String path, String body, String authorization) {
        List<String> headers = new ArrayList<>();
        if (authorization != null) {
            headers.add("Authorization");
            headers.add(authorization);
        }
        if (body != null) {
            headers.add("Content-Type");
            headers.add("application/json");
        }
        return Http.request(method, management("/api/v1" + path), body, headers.toArray(String[]::new));
    }

    Http.Response post(String path, String body) {
        return call("POST", path, body, ADMIN);
    }

    Http.Response get(String path) {
        return call("GET", path, null, ADMIN);
    }

    Http.Response put(String path, String body) {
        return call("PUT", path, body, ADMIN);
    }

    Http.Response patch(String path, String body) {
        return call("PATCH", path, body, ADMIN);
    }

    Http.Response delete(String path) {
        return call("DELETE", path, null, ADMIN);
    }

    /** Asserts the status, showing the body when it differs. */
    static Http.Response expect(Http.Response response, int status) {
        assertThat(response.status()).as("status of a response with body %s", response.body()).isEqualTo(status);
        return response;
    }

    /** Asserts a 400 naming {@code field}, and returns the error body. */
    static JsonNode expectInvalid(Http.Response response, String field) {
        expect(response, 400);
        JsonNode error = response.json();
        assertThat(error.path("error").asText()).isEqualTo("validation_failed");
        assertThat(error.path("field").asText()).isEqualTo(field);
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    String newOrganization() {
        String name = unique("org");
        expect(post("/organizations", json("name", name, "displayName", "Org " + name)), 201);
        return name;
    }

    void newUser(String org, String username, String password, List<String> roles) {
        expect(post("/organizations/" + org + "/users",
                json("username", username, "password", password, "roles", roles)), 201);
    }

    /** A publisher of {@code org}; returns their Basic authorization header. */
    String newPublisher(String org) {
        String username = unique("pub");
        newUser(org, username, PASSWORD, List.of("publisher"));
        return basic(username + "@" + org, PASSWORD);
    }

    String newSubscriber(String org) {
        String username = unique("sub");
        newUser(org, username, PASSWORD, List.of("subscriber"));
        return username;
    }

    /** Creates an application and returns the create answer (which carries the secret). */
    JsonNode newApplication(String org, String owner) {
        return expect(post("/organizations/" + org + "/applications",
                json("name", unique("app"), "owner", owner)), 201).json();
    }

    JsonNode newApi(String org, String backendUrl, List<String> tiers) {
        String suffix = unique("ctx");
        return expect(post("/organizations/" + org + "/apis", json("name", "API " + suffix,
                "context", "/" + suffix, "version", "1.0.0", "backendUrl", backendUrl, "tiers", tiers)), 201).json();
    }

    /** The traffic port's token answer for a password grant. */
    Http.Response passwordToken(String consumerKey, String consumerSecret, String username, String password) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(consumerKey, consumerSecret),
                Http.params("grant_type", "password", "username", username, "password", password));
    }

    Http.Response clientCredentialsToken(String consumerKey, String consumerSecret) {
        return Http.postForm(traffic("/oauth2/token"), Http.basic(consumerKey, consumerSecret),
                Http.params("grant_type", "client_credentials"));
    }
}
