package io.outpost.api;

/**
 * A body that is not JSON or YAML at all, or whose values have the wrong types for the kind
 * ({@code "replicas":"three"}). The API server answers it with a 400 {@code BadRequest} Status
 * carrying this message; nothing is stored.
 */
public final class MalformedBodyException extends RuntimeException {

    public MalformedBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
