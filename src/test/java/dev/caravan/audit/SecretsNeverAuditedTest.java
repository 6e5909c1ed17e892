package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A full flow (logins, refresh, reuse, API call, revocation, a refused login, an admin change
 * carrying a password) and then the raw text of the audit table, the JSON-lines file and the
 * topic's messages: every event type is there, and no password, token, refresh token or client
 * secret is.
 */
class SecretsNeverAuditedTest extends AuditTestBase {
    @Autowired
    JdbcClient jdbc;

    @Test
    void fullFlowThenAuditTableFileAndTopicHoldNoSecret() throws Exception {
        Fixtures.World world = fixtures.world(backend.baseUrl());
        String org = world.organization().name();
        String basic = Http.basic(world.consumerKey(), world.consumerSecret());
        List<String> secrets = new ArrayList<>(List.of(Fixtures.END_USER_PASSWORD, world.consumerSecret(),
                ADMIN_PASSWORD));

        try (Session session = session()) {
            MessageConsumer topic = session.createConsumer(session.createTopic("caravan.audit.events"));

            JsonNode login = passwordGrant(world);
            secrets.add(login.path("access_token").asText());
            secrets.add(login.path("refresh_token").asText());
            JsonNode refreshed = Http.postForm(traffic("/oauth2/token"), basic, Http.params("grant_type",
                    "refresh_token", "refresh_token", login.path("refresh_token").asText())).json();
            secrets.add(refreshed.path("access_token").asText());
            secrets.add(refreshed.path("refresh_token").asText());
            JsonNode third = Http.postForm(traffic("/oauth2/token"), basic, Http.params("grant_type",
                    "refresh_token", "refresh_token", refreshed.path("refresh_token").asText())).json();
            secrets.add(third.path("access_token").asText());
            secrets.add(third.path("refresh_token").asText());
            // the first token again, its successor used since: a reuse
            Http.postForm(traffic("/oauth2/token"), basic, Http.params("grant_type", "refresh_token",
                    "refresh_token", login.path("refresh_token").asText()));
            String wrongPassword = "wrong-but-secret-Pa55";
            secrets.add(wrongPassword);
            Http.postForm(traffic("/oauth2/token"), basic, Http.params("grant_type", "password",
                    "username", world.endUserName(), "password", wrongPassword));
            String appToken = clientCredentials(world).path("access_token").asText();
            secrets.add(appToken);
            assertThat(Http.get(traffic(world.apiPath() + "/places?near=here"),
                    "Authorization", "Bearer " + appToken).status()).isEqualTo(200);
            Http.postForm(traffic("/oauth2/revoke"), basic,
                    Http.params("token", refreshed.path("refresh_token").asText()));
            String newUserPassword = "new-user-Pa55word!";
            secrets.add(newUserPassword);
            assertThat(Http.request("POST", management("/api/v1/organizations/" + org + "/users"),
                    "{\"username\":\"audited\",\"password\":\"" + newUserPassword + "\"}",
                    "Authorization", Http.basic(ADMIN_USER, ADMIN_PASSWORD), "Content-Type", "application/json")
                    .status()).isEqualTo(201);

            Set<AuditEventType> expected = EnumSet.allOf(AuditEventType.class);
            List<AuditEvent> stored = Poll.until(WAIT,
                    () -> repository.find(new AuditRepository.Query(org, null, null, null, null, 1000)),
                    events -> events.stream().map(AuditEvent::type).collect(Collectors.toSet()).containsAll(expected));

            String table = String.join("\n", jdbc.sql("select * from audit_event where organization = ?").param(org)
                    .query((rs, n) -> {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            row.append(rs.getString(i)).append('|');
                        }
                        return row.toString();
                    }).list());
            Path file = Path.of(auditProperties.file());
            Set<String> ids = stored.stream().map(AuditEvent::id).collect(Collectors.toSet());
            String lines = Poll.until(WAIT, () -> read(file), text -> ids.stream().allMatch(text::contains));
            StringBuilder published = new StringBuilder();
            Set<String> seen = new java.util.HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!seen.containsAll(ids) && System.nanoTime() < deadline) {
                Message message = topic.receive(500);
                if (message instanceof TextMessage text) {
                    published.append(text.getText()).append('\n');
                    AuditJson.read(text.getText()).forEach(e -> seen.add(e.id())); // API calls come in batches
                }
            }
            assertThat(seen).as("every stored event was published on the topic").containsAll(ids);

            assertThat(table).contains(world.consumerKey()).contains(world.endUser().username());
            for (String secret : secrets) {
                assertThat(secret).isNotBlank();
                assertThat(table).as("audit table").doesNotContain(secret);
                assertThat(lines).as("audit file").doesNotContain(secret);
                assertThat(published.toString()).as("audit topic").doesNotContain(secret);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
