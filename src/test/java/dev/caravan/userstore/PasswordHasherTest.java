package dev.caravan.userstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Argon2id at the OWASP baseline (m=19456 KiB, t=2, p=1), stored as a PHC string. */
class PasswordHasherTest {
    private static final PasswordHasher HASHER = new PasswordHasher();
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void hashThenArgon2idPhcStringWithOwaspParameters() {
        String hash = HASHER.hash(PASSWORD);

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        String[] parts = hash.split("\\$");
        assertThat(parts).hasSize(6);
        Base64.Decoder decoder = Base64.getDecoder();
        assertThat(decoder.decode(parts[4])).as("salt").hasSize(16);
        assertThat(decoder.decode(parts[5])).as("hash").hasSize(32);
        assertThat(hash).doesNotContain(PASSWORD);
    }

    @Test
    void hashWhenSamePasswordTwiceThenDifferentSalts() {
        assertThat(HASHER.hash(PASSWORD)).isNotEqualTo(HASHER.hash(PASSWORD));
    }

    @Test
    void matchesWhenSamePasswordThenTrue() {
        String hash = HASHER.hash(PASSWORD);
        assertThat(HASHER.matches(PASSWORD, hash)).isTrue();
        assertThat(HASHER.matches(new StringBuilder(PASSWORD), hash)).isTrue();
    }

    @Test
    void matchesWhenUnicodePasswordThenTrue() {
        String password = "p\u00e4ssw\u00f6rd-\u20ac-\uD83D\uDE00";
        assertThat(HASHER.matches(password, HASHER.hash(password))).isTrue();
        assertThat(HASHER.matches("p\u00e4ssw\u00f6rd-\u20ac-", HASHER.hash(password))).isFalse();
    }

    @Test
    void matchesWhenWrongPasswordThenFalse() {
        String hash = HASHER.hash(PASSWORD);
        assertThat(HASHER.matches("correct horse battery stapl", hash)).isFalse();
        assertThat(HASHER.matches(PASSWORD + " ", hash)).isFalse();
        assertThat(HASHER.matches("Correct horse battery staple", hash)).isFalse();
        assertThat(HASHER.matches("", hash)).isFalse();
    }

    @Test
    void matchesWhenHashMissingOrForeignThenFalse() {
        assertThat(HASHER.matches(PASSWORD, null)).isFalse();
        assertThat(HASHER.matches(PASSWORD, "")).isFalse();
        assertThat(HASHER.matches(PASSWORD, PASSWORD)).isFalse();
    }

    @Test
    void aVerificationSampleIsDrawnFromMeasuredVerificationsAndNeverZero() {
        PasswordHasher fresh = new PasswordHasher(1, java.time.Duration.ofSeconds(5));
        assertThat(fresh.sampleVerification()).isPositive();
        String hash = fresh.hash(PASSWORD);
        for (int i = 0; i < 3; i++) {
            fresh.matches("wrong", hash);
        }
        java.time.Duration shortest = fresh.shortestVerification();
        for (int i = 0; i < 20; i++) {
            assertThat(fresh.sampleVerification()).isGreaterThanOrEqualTo(shortest);
        }
        // an Argon2id verification at 19 MiB and two passes takes milliseconds, not microseconds
        assertThat(shortest).isGreaterThan(java.time.Duration.ofMillis(1));
    }

    @Test
    void whenMoreHashesThanPermitsRunAtOnceThenTheOverflowIsRefusedNotQueuedForever() throws Exception {
        PasswordHasher oneAtATime = new PasswordHasher(1, java.time.Duration.ofMillis(1));
        String hash = HASHER.hash(PASSWORD);
        int callers = 4;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return oneAtATime.matches(PASSWORD, hash);
                }));
            }
            start.countDown();
            int accepted = 0;
            int busy = 0;
            for (var result : results) {
                try {
                    if (result.get()) {
                        accepted++;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(PasswordHasher.BusyException.class);
                    busy++;
                }
            }
            // an Argon2id check at 19 MiB takes far longer than the 1 ms anyone waits for the single permit
            assertThat(accepted).isGreaterThanOrEqualTo(1);
            assertThat(busy).isGreaterThanOrEqualTo(1);
            assertThat(accepted + busy).isEqualTo(callers);
        } finally {
            pool.shutdownNow();
        }
    }
}
