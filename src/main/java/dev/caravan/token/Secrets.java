package dev.caravan.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets and their digests. High-entropy secrets are stored as SHA-256 and compared in constant time. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {}

    /** A URL-safe random string of {@code bytes} random bytes. */
    public static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return URL.encodeToString(value);
    }

    public static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of a presented secret with a stored SHA-256. */
    public static boolean matchesSha256(String presented, String storedHex) {
        byte[] actual = sha256Hex(presented == null ? "" : presented).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = (storedHex == null ? "" : storedHex).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(actual, expected) && storedHex != null;
    }
}
