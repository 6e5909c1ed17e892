package dev.caravan.token;

import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.Verification;
import java.util.Arrays;

/**
 * One password login on its way through the token flow's hops (an exchange property): the login
 * name, the password (wiped once the stores have been asked), and what the stores said so far.
 * Only the exchange's current step touches it; each hop hands it on.
 */
final class LoginAttempt {
    static final String PROPERTY = "caravanLoginAttempt";

    final LoginName login;
    final String address;
    final String scope;
    final long startedNanos;
    private final char[] password;
    /** The primary store's user of this name, if any (then the secondary store is not asked). */
    PrimaryUser primaryUser;
    /** The verdict once a store gave one (or the name could reach no one), else null. */
    volatile Verification verdict;
    /** Whether the verdict already cost an Argon2id verification (a primary user's wrong password). */
    boolean paidHash;

    LoginAttempt(LoginName login, String address, char[] password, String scope, long startedNanos) {
        this.login = login;
        this.address = address;
        this.password = password;
        this.scope = scope;
        this.startedNanos = startedNanos;
    }

    char[] password() {
        return password;
    }

    void wipe() {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }

    /** A refusal that is not a primary user's wrong password: it waits for as long as an Argon2id check. */
    boolean needsPadding() {
        Verification v = verdict;
        return !paidHash && (v instanceof Verification.Rejected || v instanceof Verification.UnknownUser);
    }

    @Override
    public String toString() {
        return "LoginAttempt[" + login + "]";
    }
}
