package dev.caravan.gateway;

import java.util.Locale;

/**
 * Path rules of the API route. The remaining path is appended to the API's backend base path,
 * so a dot-segment ({@code ..}, also percent-encoded), an encoded slash or backslash, a raw
 * backslash or a NUL could let a caller reach backend paths outside the API: such paths are
 * refused with 400 instead of being normalised into something the caller did not ask for.
 */
public final class RequestPaths {
    private static final int MAX_LENGTH = 4096;

    private RequestPaths() {}

    /** Null when the path is acceptable, else a reason for the caller. */
    public static String problem(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "the request path is malformed";
        }
        if (path.length() > MAX_LENGTH) {
            return "the request path is too long";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || lower.indexOf('\\') >= 0) {
            return "the request path contains an encoded separator";
        }
        for (String segment : lower.split("/", -1)) {
            String decodedDots = segment.replace("%2e", ".");
            int parameters = decodedDots.indexOf(';');
            if (parameters >= 0) {
                // "..;x" is ".." to servers that strip path parameters
                decodedDots = decodedDots.substring(0, parameters);
            }
            if (decodedDots.equals(".") || decodedDots.equals("..")) {
                return "the request path contains a dot-segment";
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return "the request path contains a control character";
            }
        }
        return null;
    }
}
