package dev.caravan.token;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} request body, parsed strictly: malformed
 * escapes or UTF-8 and repeated parameters are {@code invalid_request} (RFC 6749 §3.1, §3.2);
 * a parameter sent without a value counts as omitted.
 */
public final class TokenForm {
    public static final String PROPERTY = "caravanTokenForm";

    private final Map<String, String> values;

    private TokenForm(Map<String, String> values) {
        this.values = values;
    }

    public static TokenForm parse(String contentType, byte[] body) {
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("application/x-www-form-urlencoded")) {
            throw OAuthException.invalidRequest("the body must be application/x-www-form-urlencoded");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw OAuthException.invalidRequest("the body is not valid UTF-8");
        }
        Map<String, String> values = new HashMap<>();
        if (text.isEmpty()) {
            return new TokenForm(values);
        }
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (values.containsKey(name)) {
                throw OAuthException.invalidRequest("parameter '" + safeName(name) + "' is repeated");
            }
            values.put(name, value);
        }
        values.values().removeIf(String::isEmpty);
        return new TokenForm(values);
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the body has a malformed escape sequence");
        }
    }

    /** Parameter names are echoed in errors: only short, printable ones. */
    private static String safeName(String name) {
        return name.length() <= 40 && name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? name : "(unprintable)";
    }

    public String optional(String name) {
        return values.get(name);
    }

    public String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw OAuthException.invalidRequest("parameter '" + name + "' is missing");
        }
        return value;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }
}
