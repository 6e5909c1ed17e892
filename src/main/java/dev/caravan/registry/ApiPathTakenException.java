package dev.caravan.registry;

/**
 * An API could not be created because its paths overlap those of an existing API
 * ({@link ApiPaths}), possibly another organization's: callers report it in their own terms and
 * never name the other API.
 */
public class ApiPathTakenException extends RuntimeException {
    public ApiPathTakenException() {
        super("the API's paths overlap another API's", null, false, false);
    }
}
