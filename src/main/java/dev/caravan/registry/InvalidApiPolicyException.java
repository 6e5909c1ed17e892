package dev.caravan.registry;

/** An API policy with a bad field; {@link #field()} names it (e.g. {@code policy.cors.allowOrigins[0]}). */
public class InvalidApiPolicyException extends RuntimeException {
    private final String field;

    public InvalidApiPolicyException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
