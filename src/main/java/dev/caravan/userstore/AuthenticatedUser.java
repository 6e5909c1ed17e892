package dev.caravan.userstore;

import java.util.Map;
import java.util.Set;

/**
 * An end user whose credentials a userstore accepted, named as their store names them: the
 * normalized login name under the store's case rule (a case-insensitive store's users in lower
 * case, the primary store's as they were created). {@code qualifiedName} is
 * {@code username@organization}, the form the backend JWT carries as {@code enduser}.
 *
 * @param pinnedSubject null, or {@code <attribute>/<value>} when the store pins its users'
 *                      subject to a stable directory attribute ({@code entryUUID/5b0e...}); it
 *                      always holds a '/', which no primary-store username may, so a pinned
 *                      subject is never a primary user's
 */
public record AuthenticatedUser(
        String username,
        String organization,
        String store,
        Set<String> roles,
        Map<String, String> attributes,
        String pinnedSubject) {

    public AuthenticatedUser(String username, String organization, String store, Set<String> roles,
                             Map<String, String> attributes) {
        this(username, organization, store, roles, attributes, null);
    }

    public String qualifiedName() {
        return username + "@" + organization;
    }

    /**
     * The JWT {@code sub}: {@code username@organization}, or {@code pinnedSubject@organization};
     * always scoped by the organization, so two organizations sharing a directory never share a subject.
     */
    public String subject() {
        return (pinnedSubject != null ? pinnedSubject : username) + "@" + organization;
    }
}
