package dev.caravan.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire and file form of audit events: one JSON object per event ({@code time} as an
 * ISO-8601 instant), a JSON array for a batch. Reading is strict: unknown fields, unknown types
 * and detail keys outside {@link AuditDetail} are refused as {@link MalformedAuditEventException}.
 */
public final class AuditJson {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() { };

    private AuditJson() {}

    public static String write(AuditEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event could not be written", e);
        }
    }

    public static String writeAll(List<AuditEvent> events) {
        try {
            return JSON.writeValueAsString(events);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit events could not be written", e);
        }
    }

    static String writeDetail(Map<String, String> detail) {
        try {
            return JSON.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit detail could not be written", e);
        }
    }

    static Map<String, String> readDetail(String text) {
        try {
            return text == null ? Map.of() : JSON.readValue(text, DETAIL);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored audit detail is not JSON");
        }
    }

    /** One event (a JSON object) or a batch (a JSON array of them). */
    public static List<AuditEvent> read(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedAuditEventException("the message is not JSON");
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            throw new MalformedAuditEventException("the message is neither an event nor an array of events");
        }
        List<AuditEvent> events = new ArrayList<>();
        if (root.isObject()) {
            events.add(event(root));
        } else {
            for (JsonNode node : root) {
                events.add(event(node));
            }
        }
        return events;
    }

    private static AuditEvent event(JsonNode node) {
        if (!node.isObject()) {
            throw new MalformedAuditEventException("an array element is not an event");
        }
        AuditEvent event;
        try {
            event = JSON.treeToValue(node, AuditEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // Jackson's message quotes the input: not passed on
            throw new MalformedAuditEventException("the message is not a valid audit event");
        }
        if (event == null) {
            throw new MalformedAuditEventException("the message is not a valid audit event");
        }
        return event;
    }

    /** A message on an audit queue that is not an audit event; safe to log. */
    public static class MalformedAuditEventException extends RuntimeException {
        public MalformedAuditEventException(String message) {
            super(message, null, false, false);
        }
    }
}
