package dev.caravan.userstore;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id at the OWASP Password Storage Cheat Sheet's baseline: 19 MiB of memory, 2 passes,
 * parallelism 1, 16-byte salt, 32-byte hash, stored as a PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$...}).
 */
@Component
public class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int PARALLELISM = 1;
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;

    private final Argon2PasswordEncoder encoder =
            new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS);
    /** Verified against when a user does not exist, so that unknown users cost the same time as known ones. */
    private final String decoy = encoder.encode("decoy-password-never-valid");

    public String hash(CharSequence password) {
        return encoder.encode(password);
    }

    public boolean matches(CharSequence password, String hash) {
        return hash != null && encoder.matches(password, hash);
    }

    /** Spend the same work as a real verification, then fail. */
    public boolean burnDecoy(CharSequence password) {
        encoder.matches(password, decoy);
        return false;
    }
}
