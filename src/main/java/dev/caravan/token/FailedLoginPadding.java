package dev.caravan.token;

import dev.caravan.userstore.PasswordHasher;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Makes every refused password login take as long as one that checked an Argon2id hash, without
 * checking one: a refusal that cost no hash (a name no store knows, a wrong password in a
 * directory) is answered no earlier than a verification time drawn from the
 * {@link PasswordHasher#sampleVerification recent ones} after the login began. The wait is a
 * timer: no thread is held. Successful logins are never delayed (they needed the password, so
 * their timing tells an attacker nothing new), and a primary user's wrong password already paid
 * for its hash.
 */
@Component
public class FailedLoginPadding implements AutoCloseable {
    private final PasswordHasher hasher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "caravan-login-padding");
        thread.setDaemon(true);
        return thread;
    });

    private final java.util.concurrent.atomic.LongAdder padded = new java.util.concurrent.atomic.LongAdder();

    public FailedLoginPadding(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    /**
     * Runs {@code then} once the refusal of a login begun at {@code startedNanos}
     * ({@link System#nanoTime}) may be answered: at once if that time has passed, else on the timer's thread.
     *
     * @return whether {@code then} already ran on the calling thread
     */
    public boolean pad(long startedNanos, Runnable then) {
        padded.increment();
        long due = startedNanos + hasher.sampleVerification().toNanos();
        long remaining = due - System.nanoTime();
        if (remaining <= 0) {
            then.run();
            return true;
        }
        try {
            timer.schedule(then, remaining, TimeUnit.NANOSECONDS);
            return false;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
            then.run();
            return true;
        }
    }

    /** How many refusals were padded since start. */
    public long padded() {
        return padded.sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
