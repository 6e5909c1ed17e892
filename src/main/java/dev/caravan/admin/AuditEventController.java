package dev.caravan.admin;

import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditRepository;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading the audit store, newest first. The admin reads every organization's events
 * ({@code /audit-events}, optionally filtered by {@code organization}); a publisher reads their
 * own organization's under {@code /organizations/{org}/audit-events}. Query parameters are
 * checked here, each bad one a 400 that names it.
 */
@RestController
class AuditEventController {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditRepository repository;

    AuditEventController(AuditRepository repository) {
        this.repository = repository;
    }

    @AdminOnly
    @GetMapping(AdminWebConfiguration.BASE + "/audit-events")
    List<AuditEvent> all(@RequestParam(required = false) String organization,
                         @RequestParam(required = false) String username,
                         @RequestParam(required = false) String type,
                         @RequestParam(required = false) String from,
                         @RequestParam(required = false) String to,
                         @RequestParam(required = false) String limit) {
        return repository.find(query(name("organization", organization), username, type, from, to, limit));
    }

    @GetMapping(AdminWebConfiguration.BASE + "/organizations/{org}/audit-events")
    List<AuditEvent> ofOrganization(@PathVariable String org,
                                    @RequestParam(required = false) String username,
                                    @RequestParam(required = false) String type,
                                    @RequestParam(required = false) String from,
                                    @RequestParam(required = false) String to,
                                    @RequestParam(required = false) String limit) {
        return repository.find(query(org, username, type, from, to, limit));
    }

    private static AuditRepository.Query query(String organization, String username, String type, String from,
                                               String to, String limit) {
        Instant fromTime = instant("from", from);
        Instant toTime = instant("to", to);
        if (fromTime != null && toTime != null && !toTime.isAfter(fromTime)) {
            throw AdminError.invalid("to", "must be later than from");
        }
        return new AuditRepository.Query(organization, name("username", username), type(type), fromTime, toTime,
                limit(limit));
    }

    private static String name(String field, String value) {
        return value == null ? null : Checks.text(field, value, 256);
    }

    private static AuditEventType type(String value) {
        if (value == null) {
            return null;
        }
        try {
            return AuditEventType.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminError.invalid("type", "must be one of " + List.of(AuditEventType.values()));
        }
    }

    private static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw AdminError.invalid(field, "must be an ISO-8601 instant such as 2026-11-22T10:15:30Z");
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw AdminError.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
