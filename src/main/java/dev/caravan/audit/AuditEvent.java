package dev.caravan.audit;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One audit event. Built only through {@link #builder(AuditEventType)}, whose detail setter
 * takes an {@link AuditDetail} key, and checked again in the constructor (a message read back
 * from the broker goes through it too): a detail key outside {@link AuditDetail} or an
 * oversized or control-character value is refused, so an event cannot carry a secret by name.
 *
 * @param id           UUID string; the broker's duplicate-detection id and the table's key
 * @param time         when it happened
 * @param type         what happened
 * @param organization the organization concerned, or null when unknown (a client that failed to authenticate)
 * @param username     the end user or the admin principal, or null
 * @param clientId     the application's consumer key, or null
 * @param detail       keys from {@link AuditDetail}
 */
public record AuditEvent(String id, Instant time, AuditEventType type, String organization, String username,
                         String clientId, Map<String, String> detail) {
    static final int MAX_VALUE_LENGTH = 256;

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        UUID.fromString(id);
        check("organization", organization);
        check("username", username);
        check("clientId", clientId);
        Map<String, String> copy = new LinkedHashMap<>();
        if (detail != null) {
            for (Map.Entry<String, String> entry : detail.entrySet()) {
                if (!AuditDetail.isKey(entry.getKey())) {
                    throw new IllegalArgumentException("detail key is not an audit detail: " + safe(entry.getKey()));
                }
                check(entry.getKey(), entry.getValue());
                if (entry.getValue() != null) {
                    copy.put(entry.getKey(), entry.getValue());
                }
            }
        }
        detail = java.util.Collections.unmodifiableMap(copy);
    }

    private static void check(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_VALUE_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(field + " contains a control character");
            }
        }
    }

    private static String safe(String key) {
        return key != null && key.length() <= 40 && key.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                ? key : "(unprintable)";
    }

    public String detail(AuditDetail key) {
        return detail.get(key.key());
    }

    public static Builder builder(AuditEventType type) {
        return new Builder(type);
    }

    /**
     * A random (version 4 format) UUID from {@link ThreadLocalRandom}: event ids must be unique,
     * not unguessable, and the API-call path must not contend on a shared SecureRandom.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    /** Collects an event's fields; details only under {@link AuditDetail} keys. */
    public static final class Builder {
        private final AuditEventType type;
        private final EnumMap<AuditDetail, String> detail = new EnumMap<>(AuditDetail.class);
        private String id;
        private Instant time;
        private String organization;
        private String username;
        private String clientId;

        private Builder(AuditEventType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public Builder organization(String organization) {
            this.organization = organization;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder detail(AuditDetail key, String value) {
            if (value != null) {
                detail.put(key, value);
            }
            return this;
        }

        public Builder detail(AuditDetail key, long value) {
            detail.put(key, Long.toString(value));
            return this;
        }

        public AuditEvent build() {
            Map<String, String> details = new LinkedHashMap<>();
            detail.forEach((key, value) -> details.put(key.key(), value));
            return new AuditEvent(id == null ? newId() : id, time == null ? Instant.now() : time, type,
                    organization, username, clientId, details);
        }
    }
}
