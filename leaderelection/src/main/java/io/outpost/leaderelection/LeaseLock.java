package io.outpost.leaderelection;

import java.util.Optional;

/**
 * Where a {@link LeaderElector} keeps its {@link LeaderRecord}: a Lease object in the API
 * ({@link ApiLeaseLock}), or an in-memory one in tests. Writes are compare-and-set.
 */
public interface LeaseLock {

    /** The record as stored now, if there is one. */
    Optional<LeaderRecord> get();

    /** Stores the first record; false if another candidate created it first. */
    boolean create(LeaderRecord record);

    /**
     * Replaces the record read as {@code record.resourceVersion()}; false if it changed since
     * (another candidate wrote first).
     */
    boolean update(LeaderRecord record);

    /** For logs: which object this lock is. */
    String describe();
}
