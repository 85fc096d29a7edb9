package io.outpost.apiserver.catalog;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Something derived from the catalog's current snapshot (a discovery handler, rendered OpenAPI
 * documents), built on first use after each change and then reused while the snapshot stays.
 *
 * <p>Thread model: any thread. Two threads that see a new snapshot at once may both build;
 * one result is kept, which is harmless because building is a pure function of the snapshot.
 */
public final class PerSnapshot<T> {

    private record Built<T>(ResourceCatalog.Snapshot snapshot, T value) {
    }

    private final ResourceCatalog catalog;
    private final Function<ResourceCatalog.Snapshot, T> build;
    private final AtomicReference<Built<T>> built = new AtomicReference<>();

    public PerSnapshot(ResourceCatalog catalog, Function<ResourceCatalog.Snapshot, T> build) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.build = Objects.requireNonNull(build, "build");
    }

    /** The value for the current snapshot. */
    public T get() {
        ResourceCatalog.Snapshot now = catalog.snapshot();
        Built<T> b = built.get();
        if (b == null || b.snapshot() != now) {
            b = new Built<>(now, build.apply(now));
            built.set(b);
        }
        return b.value();
    }
}
