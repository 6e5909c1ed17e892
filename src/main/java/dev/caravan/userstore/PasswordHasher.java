package dev.caravan.userstore;

import dev.caravan.config.CaravanProperties;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id at the OWASP Password Storage Cheat Sheet's baseline: 19 MiB of memory, 2 passes,
 * parallelism 1, 16-byte salt, 32-byte hash, stored as a PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$...}).
 *
 * <p>Each hash needs 19 MiB and a core's worth of work, so at most
 * {@code caravan.token.max-concurrent-password-hashes} (default: the number of cores) run at
 * once; a caller waits up to {@code password-hash-wait} for its turn and then gets
 * {@link BusyException}. Without this bound a burst of logins exhausts the heap.
 */
@Component
public class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int PARALLELISM = 1;
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int SAMPLE_SIZE = 64;

    private final Argon2PasswordEncoder encoder =
            new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS);
    private final Semaphore permits;
    /** How long recent verifications took (nanoseconds), a ring; 0 = not filled yet. */
    private final long[] recent = new long[SAMPLE_SIZE];
    private final AtomicInteger next = new AtomicInteger();
    private final long waitMillis;

    /** Too many hashes are running; the caller should answer "try again later". */
    public static class BusyException extends RuntimeException {
        public BusyException() {
            super("too many password checks are running", null, false, false);
        }
    }

    public PasswordHasher() {
        this(0, Duration.ofSeconds(5));
    }

    @Autowired
    public PasswordHasher(CaravanProperties properties) {
        this(properties.token().maxConcurrentPasswordHashes(), properties.token().passwordHashWait());
    }

    public PasswordHasher(int maxConcurrent, Duration wait) {
        int permits = maxConcurrent > 0 ? maxConcurrent : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.permits = new Semaphore(permits, true);
        this.waitMillis = wait.toMillis();
        // one verification measured at start-up, so that the sample is never empty
        String calibration = encoder.encode("calibration-password");
        long started = System.nanoTime();
        encoder.matches("calibration-password-other", calibration);
        record(System.nanoTime() - started);
    }

    public String hash(CharSequence password) {
        return limited(() -> encoder.encode(password));
    }

    public boolean matches(CharSequence password, String hash) {
        return hash != null && limited(() -> {
            long started = System.nanoTime();
            boolean matches = encoder.matches(password, hash);
            record(System.nanoTime() - started);
            return matches;
        });
    }

    /**
     * The duration of one of the last {@value #SAMPLE_SIZE} verifications, drawn at random: what a
     * failed login that checked no hash waits for, so that it takes as long as one that did
     * (see {@code FailedLoginPadding}). Never zero.
     */
    public Duration sampleVerification() {
        int filled = filled();
        long nanos = recent[ThreadLocalRandom.current().nextInt(filled)];
        return Duration.ofNanos(Math.max(1, nanos));
    }

    /** The shortest of the sampled verification durations. */
    public Duration shortestVerification() {
        int filled = filled();
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < filled; i++) {
            shortest = Math.min(shortest, recent[i]);
        }
        return Duration.ofNanos(Math.max(1, shortest));
    }

    private int filled() {
        int count = next.get();
        return count < 0 || count > SAMPLE_SIZE ? SAMPLE_SIZE : Math.max(1, count);
    }

    private void record(long nanos) {
        recent[Math.floorMod(next.getAndIncrement(), SAMPLE_SIZE)] = nanos;
    }

    private <T> T limited(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new BusyException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException();
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
