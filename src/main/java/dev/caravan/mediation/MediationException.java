package dev.caravan.mediation;

/**
 * A mediator refused the call or could not do its work: the HTTP status, short error code and
 * message the caller gets (the gateway's error answer renders it like its own refusals). The
 * message never holds the request's data.
 */
public class MediationException extends RuntimeException {
    private final int status;
    private final String error;

    public MediationException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
