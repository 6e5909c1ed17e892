package dev.caravan.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.GatewayProcess;
import dev.caravan.testsupport.Http;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Grant load against a gateway in a child JVM, a kill -9 at a random moment under it, a restart
 * on the same data, and the checks of what the clients were told before the kill:
 * <ul>
 * <li>every access token a client received is known (introspection says active);</li>
 * <li>the last refresh token of every login a client holds refreshes (the token itself, or, when
 * the answer to its rotation was lost in the kill, the retry of the spent token is recognised);</li>
 * <li>no {@code REFRESH_REUSE} and no revocation came of it;</li>
 * <li>every grant a client received is audited once: per client, the audited grants from before
 * the checks are at least the delivered ones, and at most those plus the ones whose answer never
 * arrived (one in flight at the kill, and any answered 503 because the broker did not acknowledge
 * the event in time, whose event is sent later).</li>
 * </ul>
 * Each client is an application of its own organization, so the audit API's organization filter
 * separates them.
 */
final class GrantLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int REFRESHES_PER_LOGIN = 5;

    private final GatewayProcess gateway;
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean killing;

    GrantLoad(GatewayProcess gateway) {
        this.gateway = gateway;
    }

    /** What one client was told. */
    static final class Client {
        final String org;
        final String user;
        final String password = "Load-Password-1";
        String key;
        String secret;
        final List<String> accessTokens = new ArrayList<>();
        /** The last refresh token received for each login. */
        final List<String> lastRefreshTokens = new ArrayList<>();
        int delivered;
        int unavailable;
        int refreshes;
        int logins;
        int appTokens;
        boolean answerLost;
        /** Each delivered grant's type and when its answer arrived. */
        final List<String> history = new ArrayList<>();
        final List<String> unexpected = new ArrayList<>();

        Client(int i) {
            this.org = "load" + i;
            this.user = "user" + i;
        }

        String basic() {
            return Http.basic(key, secret);
        }
    }

    /** Creates the clients' organizations, users and applications through the admin API. */
    void setUp(int clientCount) {
        for (int i = 0; i < clientCount; i++) {
            Client client = new Client(i);
            admin("POST", "/api/v1/organizations", Map.of("name", client.org));
            admin("POST", "/api/v1/organizations/" + client.org + "/users",
                    Map.of("username", client.user, "password", client.password, "roles", List.of("subscriber")));
            JsonNode app = admin("POST", "/api/v1/organizations/" + client.org + "/applications",
                    Map.of("name", "app", "owner", client.user));
            client.key = app.path("consumerKey").asText();
            client.secret = app.path("consumerSecret").asText();
            clients.add(client);
        }
    }

    private JsonNode admin(String method, String path, Object body) {
        try {
            Http.Response response = Http.request(method, gateway.adminUrl() + path, JSON.writeValueAsString(body),
                    "Authorization", gateway.adminAuthorization(), "Content-Type", "application/json");
            assertThat(response.status()).as("%s %s: %s", method, path, response.body()).isEqualTo(201);
            return response.json();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Runs the clients, kills the gateway with SIGKILL after a random time in [minKill, maxKill),
     * and returns the milliseconds from the load's start to the kill.
     */
    long runAndKill(Random random, Duration minKill, Duration maxKill) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        for (Client client : clients) {
            long seed = random.nextLong();
            Thread thread = new Thread(() -> {
                try {
                    drive(client, new Random(seed));
                } catch (Throwable t) {
                    crashes.add(t);
                }
            }, "load-" + client.org);
            threads.add(thread);
            thread.start();
        }
        long killAt = minKill.toMillis() + (long) (random.nextDouble() * (maxKill.toMillis() - minKill.toMillis()));
        long deadline = start + Duration.ofMillis(killAt).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000)));
        }
        killing = true;
        gateway.kill9();
        long killedAfter = (System.nanoTime() - start) / 1_000_000;
        for (Thread thread : threads) {
            thread.join(60_000);
            assertThat(thread.isAlive()).as("client thread ended after the kill").isFalse();
        }
        assertThat(crashes).as("client threads failed").isEmpty();
        for (Client client : clients) {
            assertThat(client.unexpected).as("answers before the kill, client %s", client.org).isEmpty();
        }
        return killedAfter;
    }

    private void drive(Client client, Random random) {
        String refresh = null;
        int chain = 0;
        while (true) {
            String grant;
            Map<String, String> form;
            if (random.nextInt(8) == 0) {
                grant = "client_credentials";
                form = Http.params("grant_type", grant);
            } else if (refresh == null || chain >= REFRESHES_PER_LOGIN) {
                grant = "password";
                form = Http.params("grant_type", grant, "username", client.user + "@" + client.org,
                        "password", client.password);
            } else {
                grant = "refresh_token";
                form = Http.params("grant_type", grant, "refresh_token", refresh);
            }
            HttpResponse<String> answer;
            try {
                answer = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.trafficUrl() + "/oauth2/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", client.basic())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (killing) {
                    client.answerLost = true;
                    return;
                }
                client.unexpected.add(grant + ": " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (answer.statusCode() == 503) {
                client.unavailable++; // its event may still come: not delivered, retried with what the client holds
                continue;
            }
            if (answer.statusCode() != 200) {
                client.unexpected.add(grant + " " + answer.statusCode() + " " + answer.body());
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(answer.body());
            } catch (IOException e) {
                client.unexpected.add(grant + " not JSON: " + answer.body());
                return;
            }
            synchronized (client) {
                client.delivered++;
                client.history.add(grant + "@" + Instant.now());
                client.accessTokens.add(body.path("access_token").asText());
                switch (grant) {
                    case "client_credentials" -> client.appTokens++;
                    case "password" -> {
                        client.logins++;
                        client.lastRefreshTokens.add(body.path("refresh_token").asText());
                        refresh = body.path("refresh_token").asText();
                        chain = 0;
                    }
                    default -> {
                        client.refreshes++;
                        refresh = body.path("refresh_token").asText();
                        client.lastRefreshTokens.set(client.lastRefreshTokens.size() - 1, refresh);
                        chain++;
                    }
                }
            }
        }
    }

    /** Checks everything the clients were told, on the restarted gateway (see the class comment). */
    String verifyAfterRestart() {
        Instant checksStart = Instant.now();
        StringBuilder figures = new StringBuilder();
        int introspected = 0;
        int refreshed = 0;
        for (Client client : clients) {
            for (String token : client.accessTokens) {
                Http.Response answer = Http.postForm(gateway.trafficUrl() + "/oauth2/introspect", client.basic(),
                        Http.params("token", token));
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.json().path("active").asBoolean())
                        .as("a delivered access token of %s is known after the restart", client.org).isTrue();
                introspected++;
            }
            for (String token : client.lastRefreshTokens) {
                Http.Response answer = Http.postForm(gateway.trafficUrl() + "/oauth2/token", client.basic(),
                        Http.params("grant_type", "refresh_token", "refresh_token", token));
                assertThat(answer.status())
                        .as("the last refresh token of a login of %s refreshes after the restart: %s", client.org,
                                answer.body()).isEqualTo(200);
                refreshed++;
            }
        }
        for (Client client : clients) {
            // the events of grants from before the kill (queued ones are redelivered after the restart)
            int at = client.delivered;
            List<JsonNode> before = awaitAudit(client, checksStart, events -> grants(events) >= at,
                    Duration.ofSeconds(60));
            List<JsonNode> events = auditEvents(client.org, null);
            assertThat(events).filteredOn(e -> e.path("type").asText().equals("REFRESH_REUSE"))
                    .as("no reuse alarm for %s", client.org).isEmpty();
            assertThat(events).filteredOn(e -> e.path("type").asText().equals("TOKEN_REVOKED"))
                    .as("nothing revoked for %s", client.org).isEmpty();
            int audited = grants(before);
            int undelivered = (client.answerLost ? 1 : 0) + client.unavailable;
            assertThat(audited).as("grants of %s audited, delivered %d, answers lost %d",
                    client.org, client.delivered, undelivered)
                    .isBetween(client.delivered, client.delivered + undelivered);
            figures.append(String.format("%s: delivered %d (logins %d, refreshes %d, app tokens %d), audited %d,"
                            + " 503 %d, answer lost at the kill %s%n", client.org, client.delivered, client.logins,
                    client.refreshes, client.appTokens, audited, client.unavailable, client.answerLost));
        }
        figures.append("introspected ").append(introspected).append(" access tokens, refreshed ")
                .append(refreshed).append(" logins' last refresh tokens\n");
        return figures.toString();
    }

    /** A folder under target/fault-runs for one run's gateway files and log, kept for a look after a failure. */
    static java.nio.file.Path runDir(String name) {
        return java.nio.file.Path.of("target", "fault-runs", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    }

    int delivered() {
        return clients.stream().mapToInt(c -> c.delivered).sum();
    }

    private static int grants(List<JsonNode> events) {
        return (int) events.stream().map(e -> e.path("type").asText())
                .filter(t -> t.equals("TOKEN_ISSUED") || t.equals("TOKEN_REFRESHED")).count();
    }

    private List<JsonNode> awaitAudit(Client client, Instant to, Predicate<List<JsonNode>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> events = auditEvents(client.org, to);
        while (!done.test(events)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("audit of " + client.org + ": " + grants(events) + " grants recorded, "
                        + client.delivered + " delivered (logins " + client.logins + ", refreshes "
                        + client.refreshes + ", app tokens " + client.appTokens + ", 503 " + client.unavailable
                        + ", answer lost " + client.answerLost + ") after " + timeout + "; recorded: "
                        + events.stream().map(e -> e.path("type").asText() + "/" + e.path("detail").path("grant_type")
                                .asText() + "@" + e.path("time").asText()).toList() + "; delivered: " + client.history);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            events = auditEvents(client.org, to);
        }
        return events;
    }

    /** All audit events of {@code org} (before {@code to} when given), paging through the newest-first listing. */
    List<JsonNode> auditEvents(String org, Instant to) {
        Map<String, JsonNode> byId = new java.util.LinkedHashMap<>();
        Instant page = to;
        while (true) {
            String url = gateway.adminUrl() + "/api/v1/audit-events?limit=1000&organization=" + org
                    + (page == null ? "" : "&to=" + page);
            Http.Response answer = Http.get(url, "Authorization", gateway.adminAuthorization());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            int before = byId.size();
            Instant oldest = null;
            for (JsonNode event : answer.json()) {
                byId.putIfAbsent(event.path("id").asText(), event);
                Instant time = Instant.parse(event.path("time").asText());
                oldest = oldest == null || time.isBefore(oldest) ? time : oldest;
            }
            if (answer.json().size() < 1000 || byId.size() == before) {
                return new ArrayList<>(byId.values());
            }
            Instant next = oldest.plusMillis(1);
            page = to != null && next.isAfter(to) ? to : next;
        }
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
