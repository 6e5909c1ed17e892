package dev.caravan.userstore;

/**
 * A userstore could not answer (down, timed out, circuit open). It never means "no such user":
 * callers answer {@code 503 temporarily_unavailable}, not {@code invalid_grant}. The message is
 * safe to log and show.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
