package dev.caravan.audit;

import dev.caravan.broker.JmsEntryGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of {@code routes/audit.yaml} after the entry guard: store the events (table, then
 * the JSON-lines file), turn each into a topic message, and refuse what is not an audit event.
 */
@Configuration(proxyBeanMethods = false)
public class AuditRouteProcessors {
    /** JMS property on topic messages, so subscribers can select by event type. */
    public static final String TYPE_PROPERTY = "auditType";
    private static final Logger LOG = LoggerFactory.getLogger(AuditRouteProcessors.class);

    /**
     * Body: the guard's JSON text (one event or an array). Stores those not stored before and
     * leaves them as the body (a list) for publishing; a redelivered message publishes nothing new.
     */
    @Bean
    public Processor auditStore(AuditRepository repository, AuditFile file, MeterRegistry meters) {
        Counter stored = meters.counter("caravan.audit.stored");
        Counter duplicates = meters.counter("caravan.audit.duplicates");
        return exchange -> {
            List<AuditEvent> events = AuditJson.read(exchange.getIn().getBody(String.class));
            List<AuditEvent> fresh = repository.insertNew(events);
            file.append(fresh);
            stored.increment(fresh.size());
            duplicates.increment(events.size() - fresh.size());
            exchange.getIn().removeHeaders("*");
            exchange.getIn().setBody(fresh);
        };
    }

    /** One event (a split element) as the topic's text message, with its type as a property. */
    @Bean
    public Processor auditTopicMessage() {
        return exchange -> {
            AuditEvent event = exchange.getIn().getBody(AuditEvent.class);
            exchange.getIn().removeHeaders("*");
            exchange.getIn().setHeader(TYPE_PROPERTY, event.type().name());
            exchange.getIn().setBody(AuditJson.write(event));
        };
    }

    /**
     * API-call events go to the topic as one message per stored batch (a JSON array, property
     * {@code auditType=API_CALL}): at gateway rates one topic message per call would cost more
     * than the calls themselves. An empty batch (all seen before) sends nothing.
     */
    @Bean
    public Processor auditTopicBatch() {
        return exchange -> {
            @SuppressWarnings("unchecked")
            List<AuditEvent> events = exchange.getIn().getBody(List.class);
            exchange.getIn().removeHeaders("*");
            if (events == null || events.isEmpty()) {
                exchange.setRouteStop(true);
                return;
            }
            exchange.getIn().setHeader(TYPE_PROPERTY, AuditEventType.API_CALL.name());
            exchange.getIn().setBody(AuditJson.writeAll(events));
        };
    }

    /**
     * A message that is not an audit event (not text or bytes, not JSON, wrong shape): counted in
     * {@code caravan.audit.rejected}, then sent on to the dead-letter queue as a text saying why,
     * with the original text when it was one. Never retried.
     */
    @Bean
    public Processor auditRejected(MeterRegistry meters) {
        Counter rejected = meters.counter("caravan.audit.rejected");
        return exchange -> {
            rejected.increment();
            Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            String reason = failure instanceof JmsEntryGuard.RefusedMessageException
                    || failure instanceof AuditJson.MalformedAuditEventException
                    ? failure.getMessage() : "not an audit event";
            LOG.warn("audit message refused: {}", reason);
            Object body = exchange.getIn().getBody();
            exchange.getIn().removeHeaders("*");
            exchange.getIn().setHeader("auditRejectReason", reason);
            exchange.getIn().setBody(body instanceof String text ? text : reason);
        };
    }
}
