package dev.caravan.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets before they are stored: AES-256-GCM, a random 96-bit nonce per value, and
 * the value's place (organization and field, or the signing key's kid) as associated data, so a
 * ciphertext copied to another row or field does not decrypt.
 *
 * <p>Stored form: {@code v2:<key id>:<base64(nonce | ciphertext)>}. The key id is derived from
 * the key (the first 48 bits of HMAC-SHA-256 under the key, base64url: it tells keys apart and
 * reveals nothing of them), so a value is opened with the key that sealed it and never by trying
 * keys. The current key ({@code caravan.secrets.key} or {@code key-file}) seals and opens; the
 * previous keys ({@code caravan.secrets.previous-keys}) only open. Values of the earlier form
 * {@code v1:<base64>} carry no key id: they are opened with the current key, else a previous one,
 * and re-sealing turns them into the current form.
 */
@Component
@EnableConfigurationProperties(SecretsProperties.class)
public class SecretBox {
    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    /** What {@link #keyIdOf} answers for a value of the earlier form, which names no key. */
    public static final String LEGACY = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] KEY_ID_LABEL = "caravan secrets key id".getBytes(StandardCharsets.UTF_8);

    private final String currentId;
    private final SecretKey current;
    /** Every key that opens, by key id: the current one first, then the previous ones in their order. */
    private final Map<String, SecretKey> opening;
    private final List<String> openingOrder;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(SecretsProperties properties) {
        byte[] currentBytes = keyBytes(properties);
        this.current = new SecretKeySpec(currentBytes, "AES");
        this.currentId = keyId(currentBytes);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        keys.put(currentId, current);
        List<String> previous = properties.previousKeys();
        for (int i = 0; i < previous.size(); i++) {
            byte[] bytes = decodeKey("caravan.secrets.previous-keys[" + i + "]", previous.get(i));
            keys.putIfAbsent(keyId(bytes), new SecretKeySpec(bytes, "AES"));
        }
        this.opening = Map.copyOf(keys);
        this.openingOrder = List.copyOf(keys.keySet());
    }

    static byte[] keyBytes(SecretsProperties properties) {
        if (properties.key() != null && !properties.key().isBlank()) {
            return decodeKey("caravan.secrets.key", properties.key());
        }
        Path file = Path.of(properties.keyFile());
        try {
            if (!Files.exists(file)) {
                if (!properties.generateKeyFile()) {
                    // a key made here would be this node's alone: another node (or this one after its
                    // disk is replaced) could not open what it sealed
                    throw new IllegalStateException("caravan.secrets.key is required: set it to base64 of 32 random"
                            + " bytes (openssl rand -base64 32), the same on every node, or put the 32 bytes in"
                            + " caravan.secrets.key-file (" + file + " does not exist)");
                }
                create(file);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != 32) {
                throw new IllegalStateException("caravan.secrets.key-file " + file + " must hold exactly 32 bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("caravan.secrets.key-file " + file + " cannot be read or made: " + e.getMessage());
        }
    }

    private static byte[] decodeKey(String setting, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " must be base64 (of 32 random bytes)");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(setting + " must be 32 bytes (base64 of 32 random bytes), not " + bytes.length);
        }
        return bytes;
    }

    /** The short id of a key: HMAC-SHA-256 of a fixed label under the key, first 6 bytes, base64url (8 characters). */
    static String keyId(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(KEY_ID_LABEL);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static void create(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.write(file, bytes);
    }

    /** The id of the key that seals. */
    public String currentKeyId() {
        return currentId;
    }

    /** The ids of the keys that only open, in their configured order. */
    public List<String> previousKeyIds() {
        return openingOrder.subList(1, openingOrder.size());
    }

    /** Whether {@code value} is in a sealed form ({@code v1:} or {@code v2:}). */
    public static boolean isSealed(String value) {
        return value != null && (value.startsWith(V2) || value.startsWith(V1));
    }

    /**
     * The id of the key that sealed {@code sealed}; {@link #LEGACY} for the earlier form, which names
     * none; null for a value that is not sealed at all.
     */
    public static String keyIdOf(String sealed) {
        if (sealed == null) {
            return null;
        }
        if (sealed.startsWith(V1)) {
            return LEGACY;
        }
        if (sealed.startsWith(V2)) {
            int end = sealed.indexOf(':', V2.length());
            return end < 0 ? null : sealed.substring(V2.length(), end);
        }
        return null;
    }

    /** Whether the current key sealed {@code sealed} (then re-sealing leaves it as it is). */
    public boolean isCurrent(String sealed) {
        return currentId.equals(keyIdOf(sealed));
    }

    /** Whether this box holds the key {@code sealed} names (a {@code v1:} value may still not open). */
    public boolean knowsKeyOf(String sealed) {
        String id = keyIdOf(sealed);
        return LEGACY.equals(id) || (id != null && opening.containsKey(id));
    }

    /** Encrypts {@code plain} with the current key, bound to {@code context} (e.g. {@code acme/ldap.bindPassword}); null stays null. */
    public String seal(String plain, String context) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return V2 + currentId + ":" + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts a value made by {@link #seal} for the same context, with the key it names; anything
     * else (altered, moved to another context, sealed with a key this node does not hold, not
     * sealed at all) is an error that names no secret.
     */
    public String open(String sealed, String context) {
        if (sealed == null) {
            return null;
        }
        if (sealed.startsWith(V2)) {
            String id = keyIdOf(sealed);
            SecretKey key = id == null ? null : opening.get(id);
            if (key == null) {
                throw new IllegalStateException("a stored secret was sealed with key id " + (id == null ? "?" : id)
                        + ", which is neither caravan.secrets.key (" + currentId + ") nor one of caravan.secrets.previous-keys "
                        + previousKeyIds());
            }
            try {
                return decrypt(key, sealed.substring(V2.length() + id.length() + 1), context);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("a stored secret does not decrypt with key " + id
                        + " (the value was altered or moved)");
            }
        }
        if (sealed.startsWith(V1)) {
            for (String id : openingOrder) {
                try {
                    return decrypt(opening.get(id), sealed.substring(V1.length()), context);
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    // the earlier form names no key: the next one may be it
                }
            }
            throw new IllegalStateException("a stored secret does not decrypt with this key (wrong caravan.secrets key,"
                    + " or the value was altered or moved)");
        }
        throw new IllegalStateException("a stored secret is not in the v2 (or v1) format");
    }

    /**
     * {@code sealed} as the current key seals it: unchanged when the current key sealed it,
     * else opened (with the key it names) and sealed again, bound to the same context.
     */
    public String reseal(String sealed, String context) {
        if (sealed == null || isCurrent(sealed)) {
            return sealed;
        }
        return seal(open(sealed, context), context);
    }

    private static String decrypt(SecretKey key, String base64, String context) throws GeneralSecurityException {
        byte[] all = Base64.getDecoder().decode(base64);
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        return new String(plain, StandardCharsets.UTF_8);
    }
}
