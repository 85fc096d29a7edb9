package io.outpost.apiserver.apply;

/**
 * An applied configuration, or an object, that the field manager cannot work with: a duplicate
 * or key-less element of a map list, a wrong kind, managedFields in the configuration. The caller
 * answers 400 Bad Request with the message; nothing is stored.
 */
public final class ApplyError extends RuntimeException {

    public ApplyError(String message) {
        super(message, null, false, false);
    }
}
