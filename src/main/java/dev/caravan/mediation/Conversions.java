package dev.caravan.mediation;

import org.apache.camel.Exchange;

/** The failures of the body conversions, by flow. */
final class Conversions {
    private Conversions() {}

    /**
     * A body that cannot be converted: the caller's fault in a request flow (400
     * {@code invalid_request}, no Bearer challenge: the token is not in question), the
     * backend's in a response flow (502 {@code mediation_failed}). The message never quotes the body.
     */
    static MediationException refused(Exchange exchange, String reason) {
        if (MediationBodies.isResponseFlow(exchange)) {
            return new MediationException(502, "mediation_failed", "the backend's response could not be converted");
        }
        return new MediationException(400, "invalid_request", reason);
    }
}
