package dev.caravan.audit;

import org.apache.camel.Exchange;

/** The audit step's package-private parts, for the benchmark in {@code dev.caravan.bench}. */
public final class ApiCallAuditingProbe {
    private ApiCallAuditingProbe() {}

    public static ApiCall call(Exchange exchange) {
        return ApiCallAuditing.call(exchange);
    }

    public static AuditEvent event(Exchange exchange) {
        return ApiCallAuditing.call(exchange).toEvent();
    }
}
