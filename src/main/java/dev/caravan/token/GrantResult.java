package dev.caravan.token;

import java.util.Map;

/**
 * What a grant produced: the token response body (RFC 6749 §5.1) and whom it was issued to,
 * so later steps (auditing) know the end user without parsing the tokens they must not see.
 *
 * @param body         the JSON answer; holds the tokens, so never logged or audited
 * @param organization the end user's organization, or the application's for client_credentials
 * @param username     the end user, or null for the application's own token
 */
public record GrantResult(Map<String, Object> body, String organization, String username) {

    @Override
    public String toString() {
        return "GrantResult[organization=" + organization + ", username=" + username + "]";
    }
}
