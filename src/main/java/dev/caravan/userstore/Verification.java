package dev.caravan.userstore;

/** What a userstore says of a username and password. */
public sealed interface Verification {
    /** The credentials are valid. */
    record Accepted(AuthenticatedUser user) implements Verification {}

    /** The user exists here and the password is wrong, or the account is disabled. */
    record Rejected() implements Verification {}

    /** This store has no such user: the next store may be asked. */
    record UnknownUser() implements Verification {}

    /** The store could not answer (down, timed out, misconfigured). Never treated as a wrong password. */
    record Unavailable(String reason) implements Verification {}
}
