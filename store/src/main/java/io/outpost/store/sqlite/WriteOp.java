package io.outpost.store.sqlite;

import java.util.concurrent.CompletableFuture;

/**
 * One request to the {@link Writer}. The writer applies a batch of them in one transaction and
 * completes each future only after that transaction is committed (durable).
 */
sealed interface WriteOp {

    CompletableFuture<Object> result();

    record Create(String key, byte[] value, long expiresAt, CompletableFuture<Object> result) implements WriteOp {
    }

    record Update(String key, byte[] value, long expectedRevision, long expiresAt,
                  CompletableFuture<Object> result) implements WriteOp {
    }

    /** {@code expectedRevision} 0 deletes whatever the key's revision. */
    record Delete(String key, long expectedRevision, CompletableFuture<Object> result) implements WriteOp {
    }

    /** Compacts the history in {@code (from, to]}; large compactions arrive as several of these. */
    record Compact(long from, long to, CompletableFuture<Object> result) implements WriteOp {
    }

    /**
     * Returns up to {@link Writer#RECLAIM_PAGES} pages freed by compaction to the file system, and
     * truncates the WAL once none are left; completes with the number of free pages still left.
     */
    record Reclaim(CompletableFuture<Object> result) implements WriteOp {
    }
}
