package dev.caravan.gateway;

/**
 * An API call refused or failed at the gateway, with its HTTP status, a short error code and
 * a message for the caller. For 401s, {@code bearerError} fills the RFC 6750
 * {@code WWW-Authenticate} challenge (null when the request carried no credentials).
 */
public class GatewayException extends RuntimeException {
    private final int status;
    private final String error;
    private final String bearerError;

    public GatewayException(int status, String error, String message, String bearerError) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.bearerError = bearerError;
    }

    public static GatewayException noCredentials() {
        return new GatewayException(401, "unauthorized", "an access token is required", null);
    }

    public static GatewayException invalidToken(String message) {
        return new GatewayException(401, "invalid_token", message, "invalid_token");
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, "invalid_request", message, "invalid_request");
    }

    public static GatewayException forbidden(String error, String message) {
        return new GatewayException(403, error, message, null);
    }

    public static GatewayException notFound() {
        return new GatewayException(404, "not_found", "no API matches this path", null);
    }

    /** A method the API does not serve: 405, with the methods it does in {@code Allow}. */
    public static final class MethodNotAllowed extends GatewayException {
        private final String allow;

        MethodNotAllowed(String allow) {
            super(405, "method_not_allowed", "this API does not serve this method", null);
            this.allow = allow;
        }

        public String allow() {
            return allow;
        }
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String bearerError() {
        return bearerError;
    }
}
