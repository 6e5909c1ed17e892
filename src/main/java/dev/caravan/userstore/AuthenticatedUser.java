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
 * @param described     whether {@code roles} and {@code attributes} are the store's view of the
 *                      user; false only for a user a store knows but cannot describe without a
 *                      password (a web service's {@code lookup}): their roles and attributes are
 *                      then empty, and a refresh keeps those given at login
 */
public record AuthenticatedUser(
        String username,
        String organization,
        String store,
        Set<String> roles,
        Map<String, String> attributes,
        String pinnedSubject,
        boolean described) {

    public AuthenticatedUser(String username, String organization, String store, Set<String> roles,
                             Map<String, String> attributes) {
        this(username, organization, store, roles, attributes, null);
    }

    public AuthenticatedUser(String username, String organization, String store, Set<String> roles,
                             Map<String, String> attributes, String pinnedSubject) {
        this(username, organization, store, roles, attributes, pinnedSubject, true);
    }

    /** A user a store knows but cannot describe now: no roles, no attributes, {@code described} false. */
    public static AuthenticatedUser undescribed(String username, String organization, String store,
                                                String pinnedSubject) {
        return new AuthenticatedUser(username, organization, store, Set.of(), Map.of(), pinnedSubject, false);
    }

    /** The same user with these roles and attributes, as their store described them (at login). */
    public AuthenticatedUser describedAs(Set<String> roles, Map<String, String> attributes) {
        return new AuthenticatedUser(username, organization, store, Set.copyOf(roles), Map.copyOf(attributes),
                pinnedSubject, true);
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
