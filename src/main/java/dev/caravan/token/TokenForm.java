package dev.caravan.token;

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
        if (!isForm(contentType)) {
            throw OAuthException.invalidRequest("the body must be application/x-www-form-urlencoded");
        }
        String text = utf8(ByteBuffer.wrap(body));
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

    /**
     * Percent-decoding to bytes, then strict UTF-8: {@link java.net.URLDecoder} would turn bytes
     * that are not UTF-8 into U+FFFD (so {@code %FE} and {@code %FF} would be the same password)
     * and accepts signed escapes such as {@code %+1}.
     */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw.replace('+', ' ');
        }
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%') {
                int high = i + 2 < in.length ? hex(in[i + 1]) : -1;
                int low = high < 0 ? -1 : hex(in[i + 2]);
                if (low < 0) {
                    throw OAuthException.invalidRequest("the body has a malformed escape sequence");
                }
                out.put((byte) (high << 4 | low));
                i += 2;
            } else {
                out.put(b == '+' ? (byte) ' ' : b);
            }
        }
        return utf8(out.flip());
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String utf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw OAuthException.invalidRequest("the body is not valid UTF-8");
        }
    }

    /** The media type itself, not a prefix of it: {@code application/x-www-form-urlencodedx} is not a form. */
    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals("application/x-www-form-urlencoded");
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
