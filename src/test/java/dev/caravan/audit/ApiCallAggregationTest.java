package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiCallAggregationTest {
    private static final long T0 = 1_790_000_000_000L;

    private static ApiCall call(long at, String user, int status, long latency) {
        return new ApiCall(at, "acme", "app", user, "/weather", "1.0.0", "GET", status, latency);
    }

    @Test
    void callsOfTheSameShapeFoldIntoOneEventWithCountAndMeanLatency() {
        List<ApiCall> calls = List.of(call(T0, "ana", 200, 2), call(T0 + 5, "ana", 200, 4), call(T0 + 6, "bob", 200, 10),
                call(T0 + 7, "ana", 401, 1), call(T0 + 9, "ana", 200, 6));

        List<AuditEvent> folded = ApiCallBatcher.aggregate(calls);

        assertThat(folded).hasSize(3);
        AuditEvent ana200 = folded.get(0);
        assertThat(ana200.type()).isEqualTo(AuditEventType.API_CALL);
        assertThat(ana200.organization()).isEqualTo("acme");
        assertThat(ana200.clientId()).isEqualTo("app");
        assertThat(ana200.username()).isEqualTo("ana");
        assertThat(ana200.detail(AuditDetail.API_CONTEXT)).isEqualTo("/weather");
        assertThat(ana200.detail(AuditDetail.API_VERSION)).isEqualTo("1.0.0");
        assertThat(ana200.detail(AuditDetail.METHOD)).isEqualTo("GET");
        assertThat(ana200.detail(AuditDetail.STATUS)).isEqualTo("200");
        assertThat(ana200.detail(AuditDetail.COUNT)).isEqualTo("3");
        assertThat(ana200.detail(AuditDetail.LATENCY_MS)).isEqualTo("4");
        assertThat(ana200.time()).as("the first call's time").isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(folded.get(1).username()).isEqualTo("bob");
        assertThat(folded.get(1).detail(AuditDetail.COUNT)).isEqualTo("1");
        assertThat(folded.get(2).detail(AuditDetail.STATUS)).isEqualTo("401");
        assertThat(folded).extracting(AuditEvent::id).doesNotHaveDuplicates();
    }

    @Test
    void aCallRefusedBeforeAnApiOrAnAnswerMatchedKeepsOnlyWhatIsKnown() {
        ApiCall unknown = new ApiCall(T0, null, null, null, null, null, "GET", ApiCall.NO_STATUS, 3);

        AuditEvent event = unknown.toEvent();

        assertThat(event.organization()).isNull();
        assertThat(event.username()).isNull();
        assertThat(event.detail()).containsOnlyKeys("method", "latency_ms");
        assertThat(event.time()).isEqualTo(Instant.ofEpochMilli(T0));
    }

    @Test
    void oneEventPerCallCarriesItsOwnLatencyAndNoCount() {
        AuditEvent event = call(T0, "ana", 200, 7).toEvent();

        assertThat(event.detail(AuditDetail.LATENCY_MS)).isEqualTo("7");
        assertThat(event.detail(AuditDetail.STATUS)).isEqualTo("200");
        assertThat(event.detail(AuditDetail.COUNT)).isNull();
    }

    @Test
    void aCallWhoseValueNoEventMayHoldIsLeftOutOfTheBatchNotTheOthers() {
        List<AuditEvent> folded = ApiCallBatcher.aggregate(List.of(call(T0, "ana", 200, 1),
                call(T0, "eve\nforged", 200, 1), call(T0, "ana", 200, 3)));

        assertThat(folded).singleElement().satisfies(event -> {
            assertThat(event.username()).isEqualTo("ana");
            assertThat(event.detail(AuditDetail.COUNT)).isEqualTo("2");
        });
    }
}
