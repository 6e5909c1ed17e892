package dev.caravan.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic credentials as RFC 7617 defines them: {@code base64(user-id ":" password)} in
 * UTF-8, split on the first colon, nothing URL-encoded (what {@code curl -u} sends).
 */
record BasicCredentials(String username, String password) {
    /** Longer credentials are refused before any hashing. */
    static final int MAX_USERNAME = 400;
    static final int MAX_PASSWORD = 1024;

    /** The credentials in an {@code Authorization} header value, or null if it is not well-formed Basic. */
    static BasicCredentials parse(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(header.substring(6).trim());
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String username = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (username.length() > MAX_USERNAME || password.isEmpty() || password.length() > MAX_PASSWORD
                || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return null;
        }
        return new BasicCredentials(username, password);
    }

    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + ", password=<redacted>]";
    }
}
