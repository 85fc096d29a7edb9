package io.outpost.apiserver.registry;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.storage.PreconditionFailed;
import io.outpost.store.StoreException;

/**
 * The one place where storage failures become API errors, as kube-apiserver's
 * {@code storage.InterpretXxxError} functions do: NotFound 404, AlreadyExists 409, a conflict
 * 409 Conflict ("the object has been modified"), a failed precondition 409 Conflict with its own
 * message, Compacted 410 Expired, Unavailable 503 (the store failed) or 504 (it timed out).
 * Lists and watches word the 410 themselves (see {@link Lists}, {@link Watches}), since kube does per verb.
 */
final class StoreErrors {

    private StoreErrors() {
    }

    static ApiException toApi(RuntimeException e, ResourceType type, String name) {
        if (e instanceof PreconditionFailed p) {
            return ApiException.conflict(type, name, p.getMessage());
        }
        if (!(e instanceof StoreException se)) {
            throw e;
        }
        return switch (se) {
            case StoreException.NotFound nf -> ApiException.notFound(type, name);
            case StoreException.AlreadyExists ae -> ApiException.alreadyExists(type, name);
            case StoreException.Conflict c -> ApiException.modified(type, name);
            case StoreException.Compacted c -> ApiException.expired(
                    "too old resource version: " + c.requestedRevision() + " (" + c.compactRevision() + ")");
            case StoreException.Unavailable u -> u.getCause() instanceof java.util.concurrent.TimeoutException
                    ? new ApiException(504, "Timeout", "the storage did not answer in time: " + u.getMessage(), io.outpost.apiserver.http.Statuses.Details.NONE)
                    : new ApiException(503, "ServiceUnavailable", "the storage is unavailable: " + u.getMessage(), io.outpost.apiserver.http.Statuses.Details.NONE);
        };
    }
}
