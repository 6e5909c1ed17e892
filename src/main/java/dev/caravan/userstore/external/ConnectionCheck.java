package dev.caravan.userstore.external;

/**
 * The answer of a userstore's "test connection": which stage failed and why, in words safe to
 * show to an administrator (never a secret).
 */
public record ConnectionCheck(boolean ok, Stage stage, String message) {

    public enum Stage {
        /** Everything answered as expected. */
        OK,
        /** No TCP connection (DNS, refused, timeout). */
        UNREACHABLE,
        /** TLS handshake or certificate failure. */
        TLS,
        /** The service bind (or the web service's basic auth) was refused. */
        BIND_REFUSED,
        /** The probe user's search found no entry. */
        SEARCH_NONE,
        /** The probe user's search found more than one entry. */
        SEARCH_MANY,
        /** The web service answered, but not in the configured shape. */
        BAD_RESPONSE,
        /** The settings themselves are unusable (bad URL, bad filter). */
        CONFIGURATION
    }

    public static ConnectionCheck ok(String message) {
        return new ConnectionCheck(true, Stage.OK, message);
    }

    public static ConnectionCheck failed(Stage stage, String message) {
        return new ConnectionCheck(false, stage, message);
    }
}
