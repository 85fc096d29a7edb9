package io.outpost.store.watch;

import java.util.List;

import io.outpost.store.Event;
import io.outpost.store.StoreException;

/** The stored history a new watch replays before it goes live. */
@FunctionalInterface
public interface History {

    /**
     * The events under {@code prefix} with {@code after < revision <= upTo}, oldest first, at most
     * {@code limit} of them.
     *
     * @throws StoreException.Compacted if events after {@code after} may have been compacted away
     */
    List<Event> read(String prefix, long after, long upTo, int limit);
}
