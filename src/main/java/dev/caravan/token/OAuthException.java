package dev.caravan.token;

/**
 * An OAuth 2.0 error answer (RFC 6749 §5.2, RFC 7009, RFC 7662). The description is shown to
 * the client, so it never contains a secret or a hint that tells unknown users apart from
 * wrong passwords.
 */
public class OAuthException extends RuntimeException {
    private final int status;
    private final String error;
    private final boolean basicChallenge;

    public OAuthException(int status, String error, String description, boolean basicChallenge) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.basicChallenge = basicChallenge;
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException(400, "invalid_request", description, false);
    }

    public static OAuthException invalidClient(String description) {
        return new OAuthException(401, "invalid_client", description, true);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException(400, "invalid_grant", description, false);
    }

    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException(400, "unauthorized_client", description, false);
    }

    public static OAuthException unsupportedGrantType(String description) {
        return new OAuthException(400, "unsupported_grant_type", description, false);
    }

    public static OAuthException unsupportedTokenType(String description) {
        return new OAuthException(400, "unsupported_token_type", description, false);
    }

    public static OAuthException invalidScope(String description) {
        return new OAuthException(400, "invalid_scope", description, false);
    }

    public static OAuthException temporarilyUnavailable(String description) {
        return new OAuthException(503, "temporarily_unavailable", description, false);
    }

    public static OAuthException methodNotAllowed() {
        return new OAuthException(405, "invalid_request", "the endpoint accepts POST only", false);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public boolean basicChallenge() {
        return basicChallenge;
    }
}
