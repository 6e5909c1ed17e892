package dev.caravan.userstore.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Usernames;
import dev.caravan.userstore.Verification;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON messages of userstore verification over Artemis. A request names the operation
 * ({@code verify} or {@code lookup}), the organization and the username, plus the password for
 * {@code verify}; it travels only in a non-persistent message that expires with the caller's
 * timeout. A reply carries the outcome and, when accepted, the user as the store names them
 * (its case rule applied), their pinned subject if the store pins one, their roles and
 * attributes, and {@code "described": false} for a user the store knows but cannot describe
 * without a password (a web service's lookup); never the password.
 */
public final class UserstoreMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserstoreMessages() {}

    /** A parsed request; {@code password} is null for {@code lookup}. */
    public record Request(String op, String organization, String username, char[] password) {
        @Override
        public String toString() {
            return "Request[op=" + op + ", organization=" + organization + ", username=" + username + "]";
        }
    }

    public static String verifyRequest(String organization, String username, char[] password) {
        ObjectNode node = JSON.createObjectNode();
        node.put("op", "verify");
        node.put("organization", organization);
        node.put("username", username);
        node.put("password", new String(password));
        return node.toString();
    }

    public static String lookupRequest(String organization, String username) {
        ObjectNode node = JSON.createObjectNode();
        node.put("op", "lookup");
        node.put("organization", organization);
        node.put("username", username);
        return node.toString();
    }

    /** Parses a request; anything malformed is an {@link IllegalArgumentException} with a safe message. */
    public static Request parseRequest(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("request is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("request is not a JSON object");
        }
        String op = text(node, "op");
        String organization = text(node, "organization");
        String username = text(node, "username");
        if (op == null || organization == null || username == null) {
            throw new IllegalArgumentException("request lacks op, organization or username");
        }
        if (op.equals("verify")) {
            String password = text(node, "password");
            if (password == null) {
                throw new IllegalArgumentException("verify request lacks a password");
            }
            return new Request(op, organization, username, password.toCharArray());
        }
        if (op.equals("lookup")) {
            return new Request(op, organization, username, null);
        }
        throw new IllegalArgumentException("unknown op");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    public static String reply(Verification verification) {
        ObjectNode node = JSON.createObjectNode();
        if (verification instanceof Verification.Accepted accepted) {
            node.put("outcome", "accepted");
            writeUser(node, accepted.user());
        } else if (verification instanceof Verification.Rejected) {
            node.put("outcome", "rejected");
        } else if (verification instanceof Verification.UnknownUser) {
            node.put("outcome", "unknown");
        } else if (verification instanceof Verification.Unavailable unavailable) {
            node.put("outcome", "unavailable");
            node.put("reason", unavailable.reason());
        }
        return node.toString();
    }

    public static String lookupReply(Optional<AuthenticatedUser> user) {
        ObjectNode node = JSON.createObjectNode();
        if (user.isPresent()) {
            node.put("outcome", "accepted");
            writeUser(node, user.get());
        } else {
            node.put("outcome", "unknown");
        }
        return node.toString();
    }

    public static String unavailableReply(String reason) {
        return reply(new Verification.Unavailable(reason));
    }

    private static void writeUser(ObjectNode node, AuthenticatedUser user) {
        ObjectNode u = node.putObject("user");
        u.put("username", user.username());
        if (user.pinnedSubject() != null) {
            u.put("pinnedSubject", user.pinnedSubject());
        }
        u.put("store", user.store());
        if (!user.described()) {
            // written only when false: a reply without it (an older agent's) is a described user
            u.put("described", false);
        }
        user.roles().forEach(u.putArray("roles")::add);
        ObjectNode attributes = u.putObject("attributes");
        user.attributes().forEach(attributes::put);
    }

    /**
     * Reads a reply into a verification; a malformed reply is {@code Unavailable}. The user is
     * the one asked for, in the organization asked for: the store may give the name its case
     * rule (the reply's name is taken when it has the same {@link Usernames#key}), never another
     * name, and a pinned subject only of the {@code attribute/value} shape.
     */
    public static Verification parseReply(String text, String organization, String username) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            return new Verification.Unavailable("malformed userstore reply");
        }
        String outcome = node == null ? null : text(node, "outcome");
        if (outcome == null) {
            return new Verification.Unavailable("malformed userstore reply");
        }
        return switch (outcome) {
            case "accepted" -> accepted(node.get("user"), organization, username);
            case "rejected" -> new Verification.Rejected();
            case "unknown" -> new Verification.UnknownUser();
            case "unavailable" -> new Verification.Unavailable(
                    Optional.ofNullable(text(node, "reason")).orElse("userstore unavailable"));
            default -> new Verification.Unavailable("malformed userstore reply");
        };
    }

    private static Verification accepted(JsonNode user, String organization, String username) {
        String named = username;
        String pinned = null;
        if (user != null && user.isObject()) {
            JsonNode replied = user.get("username");
            if (replied != null && replied.isTextual() && replied.asText().equals(Usernames.normalize(replied.asText()))
                    && Usernames.key(replied.asText()).equals(Usernames.key(username))) {
                named = replied.asText();
            }
            if (user.has("pinnedSubject")) {
                pinned = user.get("pinnedSubject").isTextual() ? user.get("pinnedSubject").asText() : null;
                if (pinned == null || pinned.length() > 512 || pinned.indexOf('/') <= 0
                        || Usernames.normalize(pinned) == null || !Usernames.normalize(pinned).equals(pinned)) {
                    return new Verification.Unavailable("malformed pinned subject in the userstore reply");
                }
            }
        }
        return new Verification.Accepted(readUser(user, organization, named, pinned));
    }

    private static AuthenticatedUser readUser(JsonNode user, String organization, String username, String pinned) {
        Set<String> roles = new LinkedHashSet<>();
        Map<String, String> attributes = new LinkedHashMap<>();
        String store = "external";
        boolean described = true;
        if (user != null && user.isObject()) {
            described = !user.path("described").isBoolean() || user.get("described").asBoolean();
            if (user.path("roles").isArray()) {
                user.get("roles").forEach(r -> {
                    if (r.isTextual()) {
                        roles.add(r.asText());
                    }
                });
            }
            user.path("attributes").fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    attributes.put(e.getKey(), e.getValue().asText());
                }
            });
            if (user.path("store").isTextual()) {
                store = user.get("store").asText();
            }
        }
        // always the caller's organization, and the name checked above: a reply cannot rename the user
        if (!described) {
            return AuthenticatedUser.undescribed(username, organization, store, pinned);
        }
        return new AuthenticatedUser(username, organization, store, Set.copyOf(roles), Map.copyOf(attributes), pinned);
    }
}
