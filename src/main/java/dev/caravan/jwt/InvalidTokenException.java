package dev.caravan.jwt;

/** A bearer token that is malformed, badly signed, expired, for another audience, or revoked. */
public class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
