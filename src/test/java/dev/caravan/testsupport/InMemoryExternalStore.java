package dev.caravan.testsupport;

import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.Verification;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A secondary store for the messaging tests: one user and password, and a switch that makes it
 * hang like a directory that accepts connections and never answers. The LDAP and web-service
 * stores have their own tests against real servers; this one isolates the Artemis hop.
 */
public final class InMemoryExternalStore implements ExternalUserStore {
    private final String organization;
    private final String username;
    private final String password;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile CountDownLatch hang;

    public InMemoryExternalStore(String organization, String username, String password) {
        this.organization = organization;
        this.username = username;
        this.password = password;
    }

    /** From now on every call blocks until {@link #release()}. */
    public void hang() {
        hang = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch latch = hang;
        hang = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    public int calls() {
        return calls.get();
    }

    private void maybeHang() {
        CountDownLatch latch = hang;
        if (latch != null) {
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String kind() {
        return "test";
    }

    @Override
    public Verification verify(String org, String user, char[] presented) {
        calls.incrementAndGet();
        maybeHang();
        if (!organization.equals(org) || !username.equals(user)) {
            return new Verification.UnknownUser();
        }
        if (!password.equals(new String(presented))) {
            return new Verification.Rejected();
        }
        return new Verification.Accepted(new AuthenticatedUser(user, org, "test", Set.of("staff"),
                Map.of("email", user + "@example.com")));
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String org, String user) {
        calls.incrementAndGet();
        maybeHang();
        return organization.equals(org) && username.equals(user)
                ? Optional.of(new AuthenticatedUser(user, org, "test", Set.of("staff"), Map.of()))
                : Optional.empty();
    }

    @Override
    public ConnectionCheck testConnection(String probeUsername, char[] probePassword) {
        return ConnectionCheck.ok("in memory");
    }

    @Override
    public void close() {
        release();
    }
}
