package dev.caravan.http;

/**
 * The character rules of HTTP text the gateway checks in several places (admin input, API
 * policies, backend security profiles, mediator parameters, outgoing backend headers).
 */
public final class HttpText {
    private HttpText() {}

    /** An RFC 9110 §5.6.2 token (a header or method name): one or more tchar. */
    public static boolean isToken(CharSequence text) {
        if (text == null || text.length() == 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text holds an ISO control character (U+0000–U+001F, U+007F–U+009F). */
    public static boolean hasControl(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
