package dev.caravan.audit;

/** What happened. Every type but {@link #API_CALL} is a security event: durable, sent at once. */
public enum AuditEventType {
    TOKEN_ISSUED,
    GRANT_REFUSED,
    TOKEN_REFRESHED,
    REFRESH_REUSE,
    TOKEN_REVOKED,
    ADMIN_CHANGE,
    API_CALL;

    public boolean isSecurityEvent() {
        return this != API_CALL;
    }
}
