package dev.caravan.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiCallAggregationTest {

    private static AuditEvent call(String user, String status, long latency) {
        return AuditEvent.builder(AuditEventType.API_CALL).organization("acme").clientId("app").username(user)
                .detail(AuditDetail.API_CONTEXT, "/weather").detail(AuditDetail.API_VERSION, "1.0.0")
                .detail(AuditDetail.METHOD, "GET").detail(AuditDetail.STATUS, status)
                .detail(AuditDetail.LATENCY_MS, latency).build();
    }

    @Test
    void callsOfTheSameShapeFoldIntoOneEventWithCountAndMeanLatency() {
        List<AuditEvent> calls = List.of(call("ana", "200", 2), call("ana", "200", 4), call("bob", "200", 10),
                call("ana", "401", 1), call("ana", "200", 6));

        List<AuditEvent> folded = ApiCallBatcher.aggregate(calls);

        assertThat(folded).hasSize(3);
        AuditEvent ana200 = folded.get(0);
        assertThat(ana200.username()).isEqualTo("ana");
        assertThat(ana200.detail(AuditDetail.STATUS)).isEqualTo("200");
        assertThat(ana200.detail(AuditDetail.COUNT)).isEqualTo("3");
        assertThat(ana200.detail(AuditDetail.LATENCY_MS)).isEqualTo("4");
        assertThat(ana200.time()).isEqualTo(calls.get(0).time());
        assertThat(folded.get(1).username()).isEqualTo("bob");
        assertThat(folded.get(2).detail(AuditDetail.STATUS)).isEqualTo("401");
    }

    @Test
    void foldingAgainKeepsTheCounts() {
        List<AuditEvent> first = ApiCallBatcher.aggregate(List.of(call("ana", "200", 2), call("ana", "200", 4)));
        List<AuditEvent> more = new ArrayList<>(first);
        more.add(call("ana", "200", 9));

        List<AuditEvent> folded = ApiCallBatcher.aggregate(more);

        assertThat(folded).hasSize(1);
        assertThat(folded.get(0).detail(AuditDetail.COUNT)).isEqualTo("3");
        assertThat(folded.get(0).detail(AuditDetail.LATENCY_MS)).isEqualTo("5");
    }
}
