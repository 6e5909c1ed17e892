package dev.caravan.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Scope strings (RFC 6749 §3.3): space-separated tokens of printable ASCII without '"' and '\'. */
final class Scopes {
    static final String DEFAULT = "default";
    private static final int MAX_LENGTH = 1000;

    private Scopes() {}

    static String requested(String scope) {
        if (scope == null) {
            return DEFAULT;
        }
        if (scope.length() > MAX_LENGTH) {
            throw OAuthException.invalidScope("the scope is too long");
        }
        Set<String> tokens = parse(scope);
        if (tokens.isEmpty()) {
            throw OAuthException.invalidScope("the scope is malformed");
        }
        return String.join(" ", tokens);
    }

    /** A refresh may narrow the original scope, never widen it. */
    static String narrowed(String requested, String original) {
        if (requested == null) {
            return original;
        }
        String normalized = requested(requested);
        if (!parse(original).containsAll(parse(normalized))) {
            throw OAuthException.invalidScope("the scope exceeds the original grant");
        }
        return normalized;
    }

    private static Set<String> parse(String scope) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String token : scope.split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            boolean valid = token.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
            if (!valid) {
                throw OAuthException.invalidScope("the scope is malformed");
            }
            tokens.add(token);
        }
        return tokens;
    }

    static String[] split(String scope) {
        return Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
