package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link KvStore#compact}: what stays readable, what fails with {@link StoreException.Compacted}. */
abstract class CompactionContract extends ContractSection {

    CompactionContract(KvStoreContract backend) {
        super(backend);
    }

    /** Four versions of {@code /c/k}, then a compaction to the third. */
    private List<KeyValue> fourVersionsCompactedToTheThird() {
        List<KeyValue> versions = new ArrayList<>();
        versions.add(store.create("/c/k", bytes("v1")));
        for (int i = 2; i <= 4; i++) {
            versions.add(store.update("/c/k", bytes("v" + i), versions.getLast().modRevision()));
        }
        store.compact(versions.get(2).modRevision());
        return versions;
    }

    record Read(String name, int atVersion, boolean compacted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Read> readsAfterCompaction() {
        return Stream.of(
                new Read("A read at the first revision, before the compact revision, fails with Compacted", 0, true),
                new Read("A read just before the compact revision fails with Compacted", 1, true),
                new Read("A read at the compact revision sees the state then", 2, false),
                new Read("A read after the compact revision sees the state then", 3, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readsAfterCompaction")
    void compactionKeepsTheStateAtItsRevisionAndLaterAndDropsTheOlderStates(Read c) {
        List<KeyValue> versions = fourVersionsCompactedToTheThird();
        long compactRevision = versions.get(2).modRevision();
        long at = versions.get(c.atVersion()).modRevision();

        assertThat(store.compactRevision()).isEqualTo(compactRevision);
        if (c.compacted()) {
            StoreException.Compacted get = thrown(StoreException.Compacted.class, () -> store.get("/c/k", at));
            assertThat(get.requestedRevision()).isEqualTo(at);
            assertThat(get.compactRevision()).isEqualTo(compactRevision);
            StoreException.Compacted range = thrown(StoreException.Compacted.class,
                    () -> store.range(RangeRequest.all("/c/").atRevision(at)));
            assertThat(range.requestedRevision()).isEqualTo(at);
            assertThat(range.compactRevision()).isEqualTo(compactRevision);
        } else {
            assertThat(store.get("/c/k", at)).contains(versions.get(c.atVersion()));
            assertThat(store.range(RangeRequest.all("/c/").atRevision(at)).kvs())
                    .containsExactly(versions.get(c.atVersion()));
        }
        assertThat(store.get("/c/k")).contains(versions.getLast());
    }

    @Test
    void aKeyLastWrittenLongBeforeTheCompactRevisionIsStillReadable() {
        KeyValue old = store.create("/c/old", bytes("old"));
        KeyValue churn = store.create("/c/churn", bytes("0"));
        for (int i = 1; i <= 5; i++) {
            churn = store.update("/c/churn", bytes(Integer.toString(i)), churn.modRevision());
        }

        store.compact(churn.modRevision());

        assertThat(store.get("/c/old")).contains(old);
        assertThat(store.get("/c/old", churn.modRevision())).contains(old);
        assertThat(store.range(RangeRequest.all("/c/")).kvs()).containsExactly(churn, old);
        assertThat(store.count("/c/")).isEqualTo(2);
    }

    @Test
    void aKeyDeletedBeforeTheCompactRevisionStaysDeletedAndCanBeCreatedAgain() {
        store.create("/c/gone", bytes("1"));
        KeyValue updated = store.update("/c/gone", bytes("2"), store.get("/c/gone").orElseThrow().modRevision());
        store.delete("/c/gone");
        KeyValue other = store.create("/c/other", bytes("x"));

        store.compact(other.modRevision());

        assertThat(store.get("/c/gone")).isEmpty();
        assertThat(store.get("/c/gone", other.modRevision())).isEmpty();
        assertThat(store.range(RangeRequest.all("/c/").atRevision(other.modRevision())).kvs()).containsExactly(other);
        KeyValue again = store.create("/c/gone", bytes("3"));
        assertThat(again.createRevision()).isEqualTo(again.modRevision()).isGreaterThan(updated.modRevision());
    }

    @Test
    void compactingToTheCurrentRevisionKeepsTheLatestStateAndWritesCarryOnAtTheNextRevision() {
        KeyValue v1 = store.create("/c/k", bytes("1"));
        KeyValue v2 = store.update("/c/k", bytes("2"), v1.modRevision());

        store.compact(store.currentRevision());

        assertThat(store.compactRevision()).isEqualTo(v2.modRevision());
        assertThat(store.get("/c/k")).contains(v2);
        assertThat(store.update("/c/k", bytes("3"), v2.modRevision()).modRevision()).isEqualTo(v2.modRevision() + 1);
    }

    record Rejected(String name, int offsetFromCompactRevision, boolean future) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rejected> rejectedCompactions() {
        return Stream.of(
                new Rejected("A compaction to the revision already compacted to fails with Compacted", 0, false),
                new Rejected("A compaction to an older revision fails with Compacted", -1, false),
                new Rejected("A compaction to a revision not written yet fails with IllegalArgumentException",
                        0, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedCompactions")
    void aCompactionThatCannotBeDoneChangesNothing(Rejected c) {
        List<KeyValue> versions = fourVersionsCompactedToTheThird();
        long compactRevision = store.compactRevision();
        long current = store.currentRevision();

        if (c.future()) {
            assertThatIllegalArgumentException().isThrownBy(() -> store.compact(current + 1));
        } else {
            long target = compactRevision + c.offsetFromCompactRevision();
            StoreException.Compacted e = thrown(StoreException.Compacted.class, () -> store.compact(target));
            assertThat(e.compactRevision()).isEqualTo(compactRevision);
        }

        assertThat(store.compactRevision()).isEqualTo(compactRevision);
        assertThat(store.currentRevision()).isEqualTo(current);
        assertThat(store.get("/c/k", compactRevision)).contains(versions.get(2));
    }

    @Test
    void aWatchFromTheCompactRevisionReplaysTheLaterEventsWithTheirPreviousValues() throws InterruptedException {
        List<KeyValue> versions = fourVersionsCompactedToTheThird();
        long compactRevision = versions.get(2).modRevision();
        Deleted deleted = store.delete("/c/k");

        try (Watch watch = store.watch("/c/", compactRevision)) {
            assertThat(pollThrough(watch, deleted.revision())).containsExactly(
                    Event.put(versions.get(3), versions.get(2)),
                    Event.delete(deleted.revision(), versions.get(3)));
        }
    }

    @Test
    void aContinuationAtARevisionCompactedSinceFailsWithCompacted() {
        for (String k : List.of("/c/a", "/c/b", "/c/c")) {
            store.create(k, bytes(k));
        }
        RangeResult first = store.range(RangeRequest.all("/c/").withLimit(2));
        store.create("/c/d", bytes("later"));
        store.compact(store.currentRevision());

        // Kubernetes answers such a continue token with 410 Gone: the client lists again.
        thrown(StoreException.Compacted.class, () -> store.range(RangeRequest.all("/c/").withLimit(2)
                .startingAt(first.nextStartKey()).atRevision(first.revision())));
    }
}
