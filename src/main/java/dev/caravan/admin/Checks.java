package dev.caravan.admin;

import dev.caravan.http.HttpText;

import dev.caravan.gateway.BackendEndpoints;
import dev.caravan.userstore.PrimaryUser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin API's validation rules, one method per rule class. Each returns the accepted
 * value or throws a 400 that names the field. Messages describe the rule, never the value
 * (it may be a password).
 */
final class Checks {
    static final Pattern ORGANIZATION_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final Pattern APPLICATION_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    static final Pattern CONTEXT_SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,50}");
    static final Pattern TIER = Pattern.compile("[A-Za-z0-9_-]{1,50}");
    static final int MAX_USERNAME = 256;
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    static final int MAX_EMAIL = 320;
    static final int MAX_CONTEXT = 200;
    static final int MAX_BACKEND_URL = 2000;
    static final int MAX_TIERS_TEXT = 500;
    /** Grant types in their canonical order; the default of a new application is all of them. */
    static final List<String> GRANT_TYPES = List.of("password", "client_credentials", "refresh_token");
    /**
     * First context segments the traffic port's own endpoints use ({@code /oauth2/token},
     * {@code /.well-known/...}, the aliases {@code /token} and {@code /revoke}), compared in lower
     * case: no API looks like one of them in another case either.
     */
    private static final Set<String> RESERVED_CONTEXT_ROOTS = Set.of("oauth2", ".well-known", "token", "revoke");

    private Checks() {}

    static <T> T required(String field, T value) {
        if (value == null) {
            throw AdminError.invalid(field, "is required");
        }
        return value;
    }

    /** A name used as a path segment: the pattern, and never "." or ".." (no URL could address those). */
    static String pathName(String field, String value, Pattern pattern, String rule) {
        required(field, value);
        if (!pattern.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw AdminError.invalid(field, "must match " + rule);
        }
        return value;
    }

    static String organizationName(String field, String value) {
        return pathName(field, value, ORGANIZATION_NAME, "[A-Za-z0-9_.-]{1,64}");
    }

    static String applicationName(String field, String value) {
        return pathName(field, value, APPLICATION_NAME, "[A-Za-z0-9_.-]{1,100}");
    }

    /** Free text: not blank, no control characters, at most {@code max} characters. */
    static String text(String field, String value, int max) {
        required(field, value);
        if (value.isBlank()) {
            throw AdminError.invalid(field, "must not be blank");
        }
        if (value.length() > max) {
            throw AdminError.invalid(field, "must be at most " + max + " characters");
        }
        if (hasControl(value)) {
            throw AdminError.invalid(field, "must not contain control characters");
        }
        return value;
    }

    static String optionalText(String field, String value, int max) {
        return value == null ? null : text(field, value, max);
    }

    /**
     * 1..256 characters, no control characters; '@' is allowed ({@code jane@example.com}),
     * '/' is not: a user must be addressable as one path segment.
     */
    static String username(String field, String value) {
        text(field, value, MAX_USERNAME);
        if (value.indexOf('/') >= 0 || value.indexOf('\\') >= 0) {
            throw AdminError.invalid(field, "must not contain '/' or '\\'");
        }
        return value;
    }

    static String password(String field, String value) {
        required(field, value);
        if (value.length() < MIN_PASSWORD || value.length() > MAX_PASSWORD) {
            throw AdminError.invalid(field, "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        return value;
    }

    static Set<String> roles(String field, List<String> values) {
        if (values == null) {
            return Set.of();
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : values) {
            if (role == null || !PrimaryUser.ROLES.contains(role)) {
                throw AdminError.invalid(field, "may only contain publisher and subscriber");
            }
            roles.add(role);
        }
        return roles;
    }

    /** A plausible address: local part, '@', domain; no spaces or control characters. */
    static String email(String field, String value) {
        if (value == null) {
            return null;
        }
        int at = value.lastIndexOf('@');
        if (value.length() > MAX_EMAIL || at <= 0 || at == value.length() - 1
                || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw AdminError.invalid(field, "must be an email address of at most " + MAX_EMAIL + " characters");
        }
        return value;
    }

    static String context(String field, String value) {
        required(field, value);
        String rule = "must start with '/' and be segments of [A-Za-z0-9._~-], at most " + MAX_CONTEXT + " characters";
        if (value.length() > MAX_CONTEXT || !value.startsWith("/")) {
            throw AdminError.invalid(field, rule);
        }
        String[] segments = value.substring(1).split("/", -1);
        for (String segment : segments) {
            if (!CONTEXT_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw AdminError.invalid(field, rule);
            }
        }
        if (RESERVED_CONTEXT_ROOTS.contains(segments[0].toLowerCase(java.util.Locale.ROOT))) {
            throw AdminError.invalid(field, "must not start with /" + segments[0] + " (the gateway's own endpoints)");
        }
        return value;
    }

    static String version(String field, String value) {
        return pathName(field, value, VERSION, "[A-Za-z0-9._-]{1,50}");
    }

    static String backendUrl(String field, String value) {
        required(field, value);
        if (value.length() > MAX_BACKEND_URL) {
            throw AdminError.invalid(field, "must be at most " + MAX_BACKEND_URL + " characters");
        }
        String problem = BackendEndpoints.problem(value);
        if (problem != null) {
            throw AdminError.invalid(field, problem);
        }
        return value;
    }

    /** A non-empty list of tier names; duplicates are dropped, order kept. */
    static List<String> tiers(String field, List<String> values) {
        required(field, values);
        if (values.isEmpty()) {
            throw AdminError.invalid(field, "must name at least one tier");
        }
        Set<String> tiers = new LinkedHashSet<>();
        for (String tier : values) {
            if (tier == null || !TIER.matcher(tier).matches()) {
                throw AdminError.invalid(field, "must be names matching [A-Za-z0-9_-]{1,50}");
            }
            tiers.add(tier);
        }
        if (String.join(",", tiers).length() > MAX_TIERS_TEXT) {
            throw AdminError.invalid(field, "are too many (at most " + MAX_TIERS_TEXT + " characters together)");
        }
        return new ArrayList<>(tiers);
    }

    /** A non-empty subset of the grant types; null means all of them. */
    static Set<String> grantTypes(String field, List<String> values) {
        if (values == null) {
            return new LinkedHashSet<>(GRANT_TYPES);
        }
        if (values.isEmpty()) {
            throw AdminError.invalid(field, "must name at least one grant type");
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String grant : values) {
            if (grant == null || !GRANT_TYPES.contains(grant)) {
                throw AdminError.invalid(field, "may only contain password, client_credentials and refresh_token");
            }
            chosen.add(grant);
        }
        Set<String> ordered = new LinkedHashSet<>();
        GRANT_TYPES.stream().filter(chosen::contains).forEach(ordered::add);
        return ordered;
    }

    static boolean hasControl(String value) {
        return HttpText.hasControl(value);
    }
}
