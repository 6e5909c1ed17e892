package dev.caravan.userstore;

/** A secondary-store definition with a bad field; {@link #field()} names it (e.g. {@code ldap.userFilter}). */
public class InvalidStoreDefinitionException extends RuntimeException {
    private final String field;

    public InvalidStoreDefinitionException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
