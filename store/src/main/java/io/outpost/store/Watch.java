package io.outpost.store;

import java.time.Duration;
import java.util.List;

/**
 * A stream of the changes under a prefix, in revision order, from {@link KvStore#watch}.
 *
 * <p>Thread model: one consumer thread calls {@link #poll}; {@link #close} may be called from any
 * thread and wakes a blocked poll. The store fills a bounded buffer per watch: a consumer that
 * falls behind is dropped with {@link StoreException.Unavailable} and must re-list or watch again
 * from the last revision it saw. A watch never grows memory without bound.
 */
public interface Watch extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for events and returns those that have arrived, oldest first;
     * an empty list if none did.
     *
     * @throws StoreException.Compacted   if the events after the start revision are gone
     * @throws StoreException.Unavailable if the watcher fell behind, the store closed or failed
     * @throws IllegalStateException      if this watch was closed by its consumer
     */
    List<Event> poll(Duration timeout) throws InterruptedException;

    /** Stops the watch and frees its buffer. Idempotent. */
    @Override
    void close();
}
