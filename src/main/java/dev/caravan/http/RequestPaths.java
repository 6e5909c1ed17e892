package dev.caravan.http;

/**
 * Path rules of the API route. The remaining path is appended to the API's backend base path,
 * so a dot-segment ({@code ..}, also percent-encoded), an encoded slash or backslash, a raw
 * backslash or a NUL could let a caller reach backend paths outside the API: such paths are
 * refused with 400 instead of being normalised into something the caller did not ask for.
 */
public final class RequestPaths {
    private static final int MAX_LENGTH = 4096;

    private RequestPaths() {}

    /**
     * Null when the path is acceptable, else a reason for the caller. Checked in this order: the
     * shape, the length, encoded separators, dot-segments, control characters. It runs on every
     * API call, so it reads the path in place (no lower-cased copy, no split).
     */
    public static String problem(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "the request path is malformed";
        }
        int length = path.length();
        if (length > MAX_LENGTH) {
            return "the request path is too long";
        }
        boolean control = false;
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '%' && (encodedAt(path, i, '2', 'f') || encodedAt(path, i, '5', 'c') || encodedAt(path, i, '0', '0'))) {
                return "the request path contains an encoded separator";
            }
            control |= c < 0x21 || c == 0x7f;
        }
        for (int start = 1; start <= length; ) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (isDotSegment(path, start, end)) {
                return "the request path contains a dot-segment";
            }
            start = end + 1;
        }
        return control ? "the request path contains a control character" : null;
    }

    /**
     * Whether {@code path[start, end)} means "." or "..": made of one or two dots, each written
     * as {@code .} or {@code %2e} in either case, before any {@code ;} ("..;x" is ".." to servers
     * that strip path parameters).
     */
    private static boolean isDotSegment(String path, int start, int end) {
        int dots = 0;
        int i = start;
        while (i < end) {
            char c = path.charAt(i);
            if (c == ';') {
                break;
            }
            if (c == '.') {
                i++;
            } else if (c == '%' && encodedAt(path, i, '2', 'e')) {
                i += 3;
            } else {
                return false;
            }
            if (++dots > 2) {
                return false;
            }
        }
        return dots > 0;
    }

    /** Whether {@code path} holds {@code %} + {@code high} + {@code low} at {@code i}; {@code low} is a digit or a lower-case hex letter, matched in either case. */
    private static boolean encodedAt(String path, int i, char high, char low) {
        if (i + 2 >= path.length() || path.charAt(i + 1) != high) {
            return false;
        }
        char c = path.charAt(i + 2);
        return c == low || low >= 'a' && c == low - ('a' - 'A');
    }
}
