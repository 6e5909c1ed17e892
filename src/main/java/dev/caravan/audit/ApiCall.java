package dev.caravan.audit;

import java.time.Instant;

/**
 * One API call as the gateway's last step saw it: the fields of an API_CALL event, taken on the
 * event loop without building the event. {@link ApiCallBatcher}'s thread turns calls into events
 * (or folds them into aggregated ones), so the id, the checks and the detail maps of
 * {@link AuditEvent} are paid off the hot path, once per aggregate rather than once per call.
 *
 * @param epochMillis  when the call was answered
 * @param organization the application's organization, or null when the caller was not identified
 * @param clientId     the application's consumer key, or null
 * @param username     the end user, or null
 * @param apiContext   the API's context, or null when no API matched
 * @param apiVersion   the API's version, or null
 * @param method       the HTTP method, or null
 * @param status       the answer's status code, or {@link #NO_STATUS}
 * @param latencyMs    time from the request's arrival to the answer
 */
public record ApiCall(long epochMillis, String organization, String clientId, String username, String apiContext,
                      String apiVersion, String method, int status, long latencyMs) {
    /** The status of a call whose answer had no status code yet. */
    public static final int NO_STATUS = -1;

    /** The call's own event (no aggregation); checked as every event is. */
    AuditEvent toEvent() {
        return shape().event(epochMillis, latencyMs, null);
    }

    /** What calls are folded by: everything but time and latency. */
    Shape shape() {
        return new Shape(organization, clientId, username, apiContext, apiVersion, method, status);
    }

    /** The fields aggregated API_CALL events are keyed by. */
    record Shape(String organization, String clientId, String username, String apiContext, String apiVersion,
                 String method, int status) {

        /**
         * An API_CALL event of this shape; with {@code count}, an aggregate standing for that many
         * calls whose mean latency is {@code latencyMs}. Throws IllegalArgumentException for a
         * value no event may hold.
         */
        AuditEvent event(long epochMillis, long latencyMs, Long count) {
            AuditEvent.Builder event = AuditEvent.builder(AuditEventType.API_CALL)
                    .time(Instant.ofEpochMilli(epochMillis))
                    .organization(organization).clientId(clientId).username(username)
                    .detail(AuditDetail.API_CONTEXT, apiContext).detail(AuditDetail.API_VERSION, apiVersion)
                    .detail(AuditDetail.METHOD, method);
            if (status != NO_STATUS) {
                event.detail(AuditDetail.STATUS, status);
            }
            if (count != null) {
                event.detail(AuditDetail.COUNT, count);
            }
            return event.detail(AuditDetail.LATENCY_MS, latencyMs).build();
        }
    }
}
