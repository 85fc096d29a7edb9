package io.outpost.apiserver.storage;

/** The stored object fails the caller's {@link Preconditions}; kube-apiserver answers 409 Conflict. */
public final class PreconditionFailed extends RuntimeException {

    public PreconditionFailed(String message) {
        super(message, null, false, false);
    }
}
