package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Poll;
import dev.caravan.testsupport.StandaloneArtemis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Caravan on a standalone Artemis broker (its own process, started by {@code .ci/artemis.sh}).
 * The broker is killed with SIGKILL while security events stream in, then restarted: every event
 * the broker acknowledged before the kill is stored exactly once afterwards.
 */
@Tag("artemis")
class StandaloneBrokerKillTest extends CaravanTestBase {

    @Autowired
    AuditPublisher publisher;
    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void standaloneBroker(DynamicPropertyRegistry registry) {
        registry.add("caravan.broker.embedded", () -> false);
        registry.add("caravan.broker.url", () -> StandaloneArtemis.URL);
        registry.add("caravan.broker.user", () -> StandaloneArtemis.USER);
        registry.add("caravan.broker.password", () -> StandaloneArtemis.PASSWORD);
        registry.add("caravan.audit.security-wait", () -> "1s");
        registry.add("caravan.audit.file", AUDIT_FILE::toString);
    }

    /** Every event the audit route stores as new is appended here: a redelivered one that passed the de-duplication would show twice. */
    private static final java.nio.file.Path AUDIT_FILE =
            java.nio.file.Path.of("target", "audit-kill-test", "events-" + java.util.UUID.randomUUID() + ".jsonl");

    private AuditEvent event(String organization, int n) {
        return AuditEvent.builder(AuditEventType.TOKEN_ISSUED).organization(organization).username("user" + n)
                .clientId("kill-test").detail(AuditDetail.GRANT_TYPE, "password").build();
    }

    private long stored(List<String> ids) {
        long total = 0;
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
            total += jdbc.sql("select count(*) from audit_event where id in (:ids)").param("ids", chunk)
                    .query(Long.class).single();
        }
        return total;
    }

    @Test
    void securityEventsAcknowledgedBeforeSigkillAreStoredExactlyOnceAfterRestart() throws Exception {
        String organization = "kill_" + System.nanoTime();
        List<String> acknowledgedBeforeKill = new CopyOnWriteArrayList<>();
        List<String> sentAfter = new CopyOnWriteArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread stream = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                AuditEvent e = event(organization, n++);
                boolean wasKilled = killed.get();
                boolean acknowledged = publisher.security(e);
                if (!wasKilled && acknowledged && !killed.get()) {
                    acknowledgedBeforeKill.add(e.id());
                } else {
                    sentAfter.add(e.id());
                }
            }
        });
        stream.start();
        Poll.until(Duration.ofSeconds(30), acknowledgedBeforeKill::size, size -> size >= 200);

        killed.set(true);
        StandaloneArtemis.kill();
        StandaloneArtemis.start();
        Poll.until(Duration.ofSeconds(60), sentAfter::size, size -> size >= 50);
        stop.set(true);
        stream.join(30_000);

        List<String> before = new ArrayList<>(acknowledgedBeforeKill);
        assertThat(before).hasSizeGreaterThanOrEqualTo(200);
        Poll.until(Duration.ofSeconds(90), () -> stored(before), count -> count == before.size());
        assertThat(stored(before)).as("each acknowledged event present").isEqualTo(before.size());
        // the table cannot hold an id twice (primary key); what shows a redelivery processed twice
        // is the JSON-lines file the audit route appends each newly stored event to
        java.util.Map<String, Long> appended = appendedIds();
        for (String id : before) {
            assertThat(appended.get(id)).as("times event %s was stored as new", id).isEqualTo(1L);
        }
    }

    private static java.util.Map<String, Long> appendedIds() throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        for (String line : java.nio.file.Files.readAllLines(AUDIT_FILE)) {
            if (!line.isBlank()) {
                counts.merge(json.readTree(line).path("id").asText(), 1L, Long::sum);
            }
        }
        return counts;
    }
}
