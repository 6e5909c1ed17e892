package dev.caravan.userstore;

/**
 * The answer of a userstore's "test connection": which stage failed, at which server, and why,
 * in words safe to show to an administrator (never a secret).
 *
 * @param server the URL of the server the failure happened at (null when the check passed or
 *               the settings themselves are at fault)
 */
public record ConnectionCheck(boolean ok, Stage stage, String server, String message) {

    public enum Stage {
        /** Everything a login needs answered as expected. */
        OK,
        /** The settings themselves are unusable (bad URL, bad filter, TLS setup). */
        CONFIGURATION,
        /** The server's name does not resolve, or the network or server dropped the connection. */
        UNREACHABLE,
        /** Nothing listens at the server's address: the connection was refused. */
        CONNECT_REFUSED,
        /** The server accepted the connection (or was slow to) but did not answer in time. */
        TIMEOUT,
        /** TLS handshake or certificate failure. */
        TLS,
        /** The service account's bind (or the web service's basic auth) was refused. */
        BIND,
        /** The probe user's search found no entry or more than one, or its base does not exist. */
        USER_SEARCH,
        /** The directory refused the probe user's password. */
        USER_BIND,
        /** The group search failed (its base does not exist, bad filter) or would be cut short. */
        GROUP_SEARCH,
        /** The web service answered, but not in the configured shape. */
        BAD_RESPONSE,
        /** The web service answered the probe user's credentials with a value other than the configured success value. */
        RESPONSE_MISMATCH
    }

    public static ConnectionCheck ok(String message) {
        return new ConnectionCheck(true, Stage.OK, null, message);
    }

    public static ConnectionCheck failed(Stage stage, String server, String message) {
        return new ConnectionCheck(false, stage, server, message);
    }
}
