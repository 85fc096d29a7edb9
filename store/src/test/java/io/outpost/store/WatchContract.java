package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a {@link KvStore#watch} delivers: which events, in which order, with which previous
 * values. How a watch ends is {@link WatchLifecycleContract}.
 */
abstract class WatchContract extends ContractSection {

    WatchContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void aWatchFromZeroSeesOnlyTheWritesMadeAfterItOpened() throws InterruptedException {
        store.create("/w/before", bytes("1"));

        try (Watch watch = store.watch("/w/", 0)) {
            KeyValue after = store.create("/w/after", bytes("2"));

            assertThat(pollThrough(watch, after.modRevision())).containsExactly(Event.put(after, null));
        }
    }

    /** Four writes under {@code /w/}; the event of each, in order. */
    private List<Event> fourWrites() {
        KeyValue a = store.create("/w/a", bytes("a1"));
        KeyValue b = store.create("/w/b", bytes("b1"));
        KeyValue a2 = store.update("/w/a", bytes("a2"), a.modRevision());
        Deleted deleted = store.delete("/w/b", b.modRevision());
        return List.of(Event.put(a, null), Event.put(b, null), Event.put(a2, a),
                Event.delete(deleted.revision(), deleted.previous()));
    }

    record After(String name, int afterWrite) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<After> afterEachWrite() {
        return Stream.of(
                new After("A watch after the first write replays the three writes after it, then goes live", 0),
                new After("A watch after the second write replays the update and the delete, then goes live", 1),
                new After("A watch after the third write replays only the delete, then goes live", 2),
                new After("A watch after the current revision replays nothing and sees the writes after it", 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterEachWrite")
    void aWatchAfterARevisionSeesEveryWriteAfterItOnceInOrderWithPreviousValues(After c) throws InterruptedException {
        List<Event> history = fourWrites();
        KeyValue a2 = history.get(2).kv();

        try (Watch watch = store.watch("/w/", history.get(c.afterWrite()).revision())) {
            KeyValue a3 = store.update("/w/a", bytes("a3"), a2.modRevision());
            Deleted deleted = store.delete("/w/a");
            KeyValue b2 = store.create("/w/b", bytes("b2"));

            List<Event> expected = new ArrayList<>(history.subList(c.afterWrite() + 1, history.size()));
            expected.addAll(List.of(Event.put(a3, a2), Event.delete(deleted.revision(), a3), Event.put(b2, null)));
            assertThat(pollThrough(watch, b2.modRevision())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aWatchSeesOnlyTheKeysUnderItsPrefix() throws InterruptedException {
        try (Watch slash = store.watch("/a/b/", 0); Watch bare = store.watch("/a/b", 0)) {
            KeyValue bc = store.create("/a/bc", bytes("neighbour"));
            KeyValue b0 = store.create("/a/b0", bytes("prefix end"));
            store.create("/a/a", bytes("before"));
            store.create("/b", bytes("elsewhere"));
            KeyValue x = store.create("/a/b/x", bytes("under"));
            KeyValue y = store.create("/a/b/y/z", bytes("deep under"));

            assertThat(pollThrough(slash, y.modRevision())).containsExactly(Event.put(x, null), Event.put(y, null));
            assertThat(pollThrough(bare, y.modRevision())).as("/a/b is a string prefix of /a/bc and /a/b0")
                    .containsExactly(Event.put(bc, null), Event.put(b0, null), Event.put(x, null), Event.put(y, null));
        }
    }

    @Test
    void aPutEventCarriesTheVersionItReplacedAndNoneForACreate() throws InterruptedException {
        try (Watch watch = store.watch("/w/", 0)) {
            KeyValue created = store.create("/w/k", bytes("v1"));
            KeyValue updated = store.update("/w/k", bytes("v2"), created.modRevision());

            List<Event> events = pollThrough(watch, updated.modRevision());

            assertThat(events).extracting(Event::type).containsExactly(Event.Type.PUT, Event.Type.PUT);
            assertThat(events.get(0).kv()).isEqualTo(created);
            assertThat(events.get(0).prev()).isNull();
            assertThat(events.get(1).kv()).isEqualTo(updated);
            assertThat(events.get(1).prev()).isEqualTo(created);
        }
    }

    @Test
    void aDeleteEventCarriesTheDeletedValueAndTheDeletionsRevision() throws InterruptedException {
        KeyValue created = store.create("/w/k", bytes("v1"));
        KeyValue updated = store.update("/w/k", bytes("v2"), created.modRevision());
        try (Watch watch = store.watch("/w/", 0)) {
            Deleted deleted = store.delete("/w/k");

            Event event = pollThrough(watch, deleted.revision()).getFirst();

            assertThat(event.type()).isEqualTo(Event.Type.DELETE);
            assertThat(event.revision()).isEqualTo(deleted.revision());
            assertThat(event.key()).isEqualTo("/w/k");
            assertThat(event.kv().value()).isEmpty();
            assertThat(event.prev()).isEqualTo(updated);
            assertThat(event).isEqualTo(Event.delete(deleted.revision(), updated));
        }
    }

    @Test
    void watchesOfTheSamePrefixEachSeeEveryEvent() throws InterruptedException {
        try (Watch one = store.watch("/w/", 0); Watch two = store.watch("/w/", 0)) {
            KeyValue a = store.create("/w/a", bytes("1"));
            KeyValue b = store.create("/w/b", bytes("2"));

            assertThat(pollThrough(one, b.modRevision())).containsExactly(Event.put(a, null), Event.put(b, null));
            assertThat(pollThrough(two, b.modRevision())).containsExactly(Event.put(a, null), Event.put(b, null));
        }
    }
}
