package dev.caravan.admin;

import org.springframework.http.HttpStatus;

/**
 * A failure the admin API answers with its JSON error body. Messages are written for the
 * caller and never carry a submitted password or secret.
 */
public class AdminError extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final String field;

    AdminError(HttpStatus status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** 400: a field of the request body breaks a rule. */
    static AdminError invalid(String field, String message) {
        return new AdminError(HttpStatus.BAD_REQUEST, "validation_failed", field + " " + message, field);
    }

    static AdminError notFound(String message) {
        return new AdminError(HttpStatus.NOT_FOUND, "not_found", message, null);
    }

    static AdminError conflict(String field, String message) {
        return new AdminError(HttpStatus.CONFLICT, "conflict", message, field);
    }

    static AdminError unauthorized(String message) {
        return new AdminError(HttpStatus.UNAUTHORIZED, "unauthorized", message, null);
    }

    static AdminError forbidden(String message) {
        return new AdminError(HttpStatus.FORBIDDEN, "forbidden", message, null);
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }

    ErrorBody body() {
        return new ErrorBody(code, getMessage(), field);
    }
}
