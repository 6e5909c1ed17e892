package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.audit.AuditDetail;
import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditRepository;
import dev.caravan.testsupport.Http;
import dev.caravan.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code GET /api/v1/audit-events} and {@code /organizations/{org}/audit-events}, over the management port. */
class AuditEventAdminApiTest extends AdminApiTestBase {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Autowired
    AuditRepository repository;

    String org;
    String otherOrg;

    @BeforeEach
    void seed() {
        org = newOrganization();
        otherOrg = newOrganization();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(AuditEvent.builder(i % 2 == 0 ? AuditEventType.TOKEN_ISSUED : AuditEventType.GRANT_REFUSED)
                    .organization(org).username(i < 3 ? "jane" : "john").clientId("key")
                    .time(T0.plusSeconds(60L * i)).detail(AuditDetail.GRANT_TYPE, "password").build());
        }
        events.add(AuditEvent.builder(AuditEventType.TOKEN_ISSUED).organization(otherOrg).username("jane")
                .time(T0).build());
        repository.insertNew(events);
    }

    private List<String> times(Http.Response response) {
        List<String> times = new ArrayList<>();
        expect(response, 200).json().forEach(event -> times.add(event.path("time").asText()));
        return times;
    }

    @Test
    void adminQueryByOrganizationThenNewestFirst() {
        assertThat(times(get("/audit-events?organization=" + org)))
                .containsExactly("2026-01-01T10:04:00Z", "2026-01-01T10:03:00Z", "2026-01-01T10:02:00Z",
                        "2026-01-01T10:01:00Z", "2026-01-01T10:00:00Z");
    }

    @Test
    void adminQueryThenEventsCarryTheirFields() {
        JsonNode event = expect(get("/audit-events?organization=" + otherOrg), 200).json().get(0);
        assertThat(event.path("id").asText()).hasSize(36);
        assertThat(event.path("type").asText()).isEqualTo("TOKEN_ISSUED");
        assertThat(event.path("organization").asText()).isEqualTo(otherOrg);
        assertThat(event.path("username").asText()).isEqualTo("jane");
        assertThat(event.path("time").asText()).isEqualTo("2026-01-01T10:00:00Z");
    }

    @Test
    void adminQueryFiltersByUsernameTypeAndTime() {
        assertThat(times(get("/audit-events?organization=" + org + "&username=john")))
                .containsExactly("2026-01-01T10:04:00Z", "2026-01-01T10:03:00Z");
        assertThat(times(get("/audit-events?organization=" + org + "&type=grant_refused")))
                .containsExactly("2026-01-01T10:03:00Z", "2026-01-01T10:01:00Z");
        assertThat(times(get("/audit-events?organization=" + org
                + "&from=2026-01-01T10:01:00Z&to=2026-01-01T10:03:00Z")))
                .containsExactly("2026-01-01T10:02:00Z", "2026-01-01T10:01:00Z");
        assertThat(times(get("/audit-events?organization=" + org + "&limit=2")))
                .containsExactly("2026-01-01T10:04:00Z", "2026-01-01T10:03:00Z");
    }

    @Test
    void badQueryParametersThen400NamingTheParameter() {
        expectInvalid(get("/audit-events?type=TOKEN_STOLEN"), "type");
        expectInvalid(get("/audit-events?from=yesterday"), "from");
        expectInvalid(get("/audit-events?to=2026-13-01T00:00:00Z"), "to");
        expectInvalid(get("/audit-events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), "to");
        expectInvalid(get("/audit-events?limit=0"), "limit");
        expectInvalid(get("/audit-events?limit=1001"), "limit");
        expectInvalid(get("/audit-events?limit=ten"), "limit");
        expect(get("/audit-events?limit=1000"), 200);
    }

    @Test
    void publisherReadsOnlyTheirOwnOrganizationsEvents() {
        String publisher = newPublisher(org);

        assertThat(times(call("GET", "/organizations/" + org + "/audit-events?username=jane", null, publisher)))
                .containsExactly("2026-01-01T10:02:00Z", "2026-01-01T10:01:00Z", "2026-01-01T10:00:00Z");
        expect(call("GET", "/organizations/" + otherOrg + "/audit-events", null, publisher), 403);
        expect(call("GET", "/audit-events?organization=" + org, null, publisher), 403);
        expect(call("GET", "/audit-events", null, null), 401);
    }

    @Test
    void adminChangeThenAdminChangeEventWithPathTemplateAndNoBody() {
        newUser(org, "audited_user", PASSWORD, List.of());

        AuditEvent change = Poll.until(Duration.ofSeconds(15),
                () -> repository.find(new AuditRepository.Query(org, null, AuditEventType.ADMIN_CHANGE, null, null,
                        100)),
                events -> events.stream().anyMatch(e -> e.detail(AuditDetail.PATH).endsWith("/users"))).stream()
                .filter(e -> e.detail(AuditDetail.PATH).endsWith("/users")).findFirst().orElseThrow();
        assertThat(change.username()).isEqualTo(ADMIN_USER);
        assertThat(change.detail(AuditDetail.METHOD)).isEqualTo("POST");
        assertThat(change.detail(AuditDetail.PATH)).isEqualTo("/api/v1/organizations/{org}/users");
        assertThat(change.detail(AuditDetail.STATUS)).isEqualTo("201");
        assertThat(change.toString()).doesNotContain(PASSWORD);
    }
}
