package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event's shape rules and its JSON form, on plain values. */
class AuditEventTest {

    private static String json(String detail) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"2026-11-22T10:00:00Z\",\"type\":\"TOKEN_ISSUED\","
                + "\"organization\":\"o\",\"detail\":" + detail + "}";
    }

    @Test
    void eventWrittenAsJsonReadsBackEqual() {
        AuditEvent event = AuditEvent.builder(AuditEventType.GRANT_REFUSED).organization("o").username("u")
                .clientId("k").detail(AuditDetail.REASON, "invalid_grant").detail(AuditDetail.STATUS, 400).build();

        assertThat(AuditJson.read(AuditJson.write(event))).containsExactly(event);
        assertThat(AuditJson.write(event)).contains("\"time\":\"").contains("\"reason\":\"invalid_grant\"");
    }

    @Test
    void detailKeyOutsideTheFixedSetIsRefusedWhenBuiltAndWhenRead() {
        assertThatThrownBy(() -> new AuditEvent(UUID.randomUUID().toString(), Instant.now(),
                AuditEventType.TOKEN_ISSUED, null, null, null, Map.of("password", "hunter2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AuditJson.read(json("{\"client_secret\":\"s3cret\"}")))
                .isInstanceOf(AuditJson.MalformedAuditEventException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void malformedMessagesAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> AuditJson.read("not { json")).isInstanceOf(AuditJson.MalformedAuditEventException.class);
        assertThatThrownBy(() -> AuditJson.read("42")).isInstanceOf(AuditJson.MalformedAuditEventException.class);
        assertThatThrownBy(() -> AuditJson.read("{\"id\":\"not-a-uuid\",\"time\":\"2026-11-22T10:00:00Z\","
                + "\"type\":\"TOKEN_ISSUED\"}")).isInstanceOf(AuditJson.MalformedAuditEventException.class);
        assertThatThrownBy(() -> AuditJson.read(json("{}").replace("TOKEN_ISSUED", "TOKEN_STOLEN")))
                .isInstanceOf(AuditJson.MalformedAuditEventException.class);
        assertThatThrownBy(() -> AuditJson.read(json("{}").replace("\"detail\"", "\"secret\"")))
                .isInstanceOf(AuditJson.MalformedAuditEventException.class);
    }

    @Test
    void valuesWithControlCharactersOrTooLongAreRefused() {
        assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.API_CALL).username("a\nb").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.API_CALL).organization("x".repeat(257)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatedIdsAreVersionFourUuids() {
        UUID id = UUID.fromString(AuditEvent.builder(AuditEventType.API_CALL).build().id());
        assertThat(id.version()).isEqualTo(4);
        assertThat(id.variant()).isEqualTo(2);
    }
}
