package dev.caravan.userstore;

import java.util.Map;
import java.util.Set;

/**
 * An end user whose credentials a userstore accepted. {@code qualifiedName} is
 * {@code username@organization}, the form the backend JWT carries as {@code enduser}.
 */
public record AuthenticatedUser(
        String username,
        String organization,
        String store,
        Set<String> roles,
        Map<String, String> attributes) {

    public String qualifiedName() {
        return username + "@" + organization;
    }
}
