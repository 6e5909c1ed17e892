package dev.caravan.token;

/**
 * A refresh token presented after it was already used: it leaked, its family was revoked.
 * Answered as any {@code invalid_grant}; its own type lets auditing tell it apart.
 */
public class RefreshReuseException extends OAuthException {
    private final String organization;
    private final String username;

    public RefreshReuseException(String organization, String username) {
        super(400, "invalid_grant", "the refresh token is not valid", false);
        this.organization = organization;
        this.username = username;
    }

    public String organization() {
        return organization;
    }

    public String username() {
        return username;
    }
}
