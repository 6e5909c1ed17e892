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
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets before they are stored: AES-256-GCM, a random 96-bit nonce per value, and
 * the value's place (organization and field) as associated data, so a ciphertext copied to
 * another row or field does not decrypt. Stored form: {@code v1:<base64(nonce | ciphertext)>}.
 */
@Component
@EnableConfigurationProperties(SecretsProperties.class)
public class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(SecretsProperties properties) {
        this.key = new SecretKeySpec(keyBytes(properties), "AES");
    }

    static byte[] keyBytes(SecretsProperties properties) {
        if (properties.key() != null && !properties.key().isBlank()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(properties.key().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("caravan.secrets.key must be base64 (of 32 random bytes)");
            }
            if (bytes.length != 32) {
                throw new IllegalStateException("caravan.secrets.key must be 32 bytes (base64 of 32 random bytes), not "
                        + bytes.length);
            }
            return bytes;
        }
        Path file = Path.of(properties.keyFile());
        try {
            if (!Files.exists(file)) {
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

    /** Encrypts {@code plain} bound to {@code context} (e.g. {@code acme/ldap.bindPassword}); null stays null. */
    public String seal(String plain, String context) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Decrypts a value made by {@link #seal} for the same context; anything else is an error. */
    public String open(String sealed, String context) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("a stored secret is not in the v1 format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret does not decrypt with this key (wrong caravan.secrets key,"
                    + " or the value was altered or moved)");
        }
    }
}
