package dev.caravan.audit;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The only keys an audit event's details may have. A fixed set, so that no caller can put a
 * password, token, refresh token or client secret into an event by naming it: none of these
 * keys ever holds one (reasons are error categories, paths are admin path templates, API calls
 * name the API and never the request path or query).
 */
public enum AuditDetail {
    /** {@code password}, {@code client_credentials} or {@code refresh_token}. */
    GRANT_TYPE("grant_type"),
    /** An error category ({@code invalid_grant}, {@code throttled}...), never a description. */
    REASON("reason"),
    /** {@code access_token}, {@code refresh_token} or {@code none} (revocation). */
    TOKEN_TYPE("token_type"),
    API_CONTEXT("api_context"),
    API_VERSION("api_version"),
    METHOD("method"),
    /** The admin API's path template ({@code /api/v1/organizations/{org}/users}), never a body. */
    PATH("path"),
    STATUS("status"),
    LATENCY_MS("latency_ms"),
    /** Calls an aggregated API_CALL event stands for (its {@code latency_ms} is then their mean). */
    COUNT("count");

    private static final Map<String, AuditDetail> BY_KEY = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(AuditDetail::key, Function.identity()));

    private final String key;

    AuditDetail(String key) {
        this.key = key;
    }

    /** The key in the event's JSON {@code detail} object. */
    public String key() {
        return key;
    }

    static boolean isKey(String key) {
        return BY_KEY.containsKey(key);
    }
}
