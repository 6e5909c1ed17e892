package dev.caravan.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the management port's MVC layer as the admin API's JSON error body: never
 * a stack trace, never the submitted value (a malformed body may be full of passwords, so
 * Jackson's messages, which quote the input, are not passed on). Global rather than scoped
 * to the admin controllers, because 404/405/415 are raised before any controller is chosen.
 */
@RestControllerAdvice
class AdminExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminExceptionHandler.class);
    /** The longest unknown field name an error repeats; longer keys are no field of any body. */
    private static final int MAX_FIELD_NAME = 100;

    @ExceptionHandler(AdminError.class)
    ResponseEntity<ErrorBody> adminError(AdminError error) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(error.status());
        if (error.status() == HttpStatus.UNAUTHORIZED) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, AdminAuthenticationFilter.CHALLENGE);
        }
        return json(builder, error.body());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException error) {
        if (error.getCause() instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder();
            for (JsonMappingException.Reference reference : mismatch.getPath()) {
                if (reference.getFieldName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getFieldName());
                } else {
                    field.append('[').append(reference.getIndex()).append(']');
                }
            }
            if (mismatch instanceof UnrecognizedPropertyException) {
                // the caller's own key is named back as the field (its value is never read); a key
                // no field could have (overlong, control characters) is not repeated at all
                String name = field.length() <= MAX_FIELD_NAME && !Checks.hasControl(field.toString())
                        ? field.toString() : "body";
                return json(ResponseEntity.badRequest(), new ErrorBody("validation_failed",
                        name.equals("body") ? "the body has a field that is not known" : name + " is not a known field",
                        name));
            }
            String top = mismatch.getPath().get(0).getFieldName();
            return json(ResponseEntity.badRequest(),
                    new ErrorBody("validation_failed", field + " has the wrong JSON type", top));
        }
        String message = error.getCause() instanceof JsonProcessingException
                ? "the request body is not valid JSON"
                : "a JSON request body is required";
        return json(ResponseEntity.badRequest(), new ErrorBody("malformed_json", message, null));
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ErrorBody> noSuchPath() {
        return json(ResponseEntity.status(HttpStatus.NOT_FOUND), new ErrorBody("not_found", "no such resource", null));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> methodNotAllowed(HttpRequestMethodNotSupportedException error) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED);
        if (error.getSupportedHttpMethods() != null) {
            builder.allow(error.getSupportedHttpMethods().toArray(new org.springframework.http.HttpMethod[0]));
        }
        return json(builder, new ErrorBody("method_not_allowed",
                "method " + error.getMethod() + " is not allowed here", null));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> unsupportedMediaType() {
        return json(ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
                new ErrorBody("unsupported_media_type", "the request body must be application/json", null));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Void> notAcceptable() {
        return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).build();
    }

    /** A unique constraint won a race the controller's own check lost. */
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ErrorBody> duplicate() {
        return json(ResponseEntity.status(HttpStatus.CONFLICT),
                new ErrorBody("conflict", "the resource already exists", null));
    }

    /** Another write held the registry lock too long (H2's lock timeout): nothing was changed, try again. */
    @ExceptionHandler(org.springframework.dao.PessimisticLockingFailureException.class)
    ResponseEntity<ErrorBody> locked() {
        return json(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1"),
                new ErrorBody("temporarily_unavailable", "another change is in progress; try again shortly", null));
    }

    /** Password hashing is saturated (creating or changing a user): try again shortly. */
    @ExceptionHandler(dev.caravan.userstore.PasswordHasher.BusyException.class)
    ResponseEntity<ErrorBody> busy() {
        return json(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1"),
                new ErrorBody("temporarily_unavailable", "the server is busy; try again shortly", null));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception error) throws Exception {
        if (error instanceof org.springframework.web.ErrorResponse response) {
            // Spring MVC's own client errors (missing parameter, bad path variable...): keep their status
            HttpStatus status = HttpStatus.resolve(response.getStatusCode().value());
            if (status != null && status.is4xxClientError()) {
                return json(ResponseEntity.status(status),
                        new ErrorBody(status.name().toLowerCase(), status.getReasonPhrase(), null));
            }
        }
        if (dev.caravan.registry.Db.unavailable(error)) {
            LOG.warn("admin API: the database is unavailable ({})", error.getClass().getName());
            return json(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1"),
                    new ErrorBody("temporarily_unavailable", "the database cannot be reached; try again later", null));
        }
        LOG.error("admin API request failed: {}", error.getClass().getName(), error);
        return json(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR),
                new ErrorBody("internal_error", "the request could not be completed", null));
    }

    private static ResponseEntity<ErrorBody> json(ResponseEntity.BodyBuilder builder, ErrorBody body) {
        return builder.contentType(MediaType.APPLICATION_JSON).cacheControl(
                org.springframework.http.CacheControl.noStore()).body(body);
    }
}
