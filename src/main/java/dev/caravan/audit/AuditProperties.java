package dev.caravan.audit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Audit events ({@code caravan.audit.*}).
 *
 * @param enabled                whether events are published at all (the audit routes still consume)
 * @param file                   JSON-lines file every stored event is appended to; empty: none
 * @param securityWait           how long the token path waits for the broker to accept a security
 *                               event before going on (the event stays buffered and is retried)
 * @param securityBufferCapacity security events waiting for the broker; beyond it they are dropped and counted
 * @param apiCalls               API-call events
 */
@Validated
@ConfigurationProperties("caravan.audit")
public record AuditProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String file,
        @DefaultValue("2s") @NotNull Duration securityWait,
        @DefaultValue("10000") @Min(1) int securityBufferCapacity,
        @Valid @NotNull @DefaultValue ApiCalls apiCalls) {

    /**
     * @param enabled       whether API calls are audited
     * @param queueCapacity events waiting in memory; when full, new ones are dropped and counted
     * @param batchSize     most events per broker message
     * @param flushInterval longest time an event waits for its batch to fill
     * @param aggregate     one event per (organization, application, user, API, method, status) and
     *                      flush interval, with {@code count} and mean {@code latency_ms}, instead of
     *                      one per call: what keeps auditing from costing the gateway half its
     *                      throughput on a small machine
     */
    public record ApiCalls(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("100000") @Min(1) int queueCapacity,
            @DefaultValue("500") @Min(1) @Max(10000) int batchSize,
            @DefaultValue("1s") @NotNull Duration flushInterval,
            @DefaultValue("true") boolean aggregate) {}

    public boolean hasFile() {
        return file != null && !file.isBlank();
    }
}
