package dev.caravan.gateway;

/**
 * Thrown by mediation (for example the {@code swap-authorization-headers} template) when a
 * credential the API requires is missing. Constructed from DSL {@code throwException}, hence
 * the single-message constructor; answered as 401 without an error code (RFC 6750 §3.1).
 */
public class MissingCredentialsException extends RuntimeException {
    public MissingCredentialsException(String message) {
        super(message, null, false, false);
    }
}
